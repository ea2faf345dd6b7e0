package io.transferqueue.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    @Test
    void everyTypedErrorSurvivesItsWireCode() {
        List<TransferQueueException> all = List.of(new StaleHandleException("m"), new PartitionNotFoundException("m"),
                new BackendUnavailableException("m"), new CapacityExceededException("m"), new WireFormatException("m"),
                new ProtocolVersionException("m"), new ConfigException("m"), new InvalidRequestException("m"),
                new DataNotFoundException("m"), new SchemaConflictException("m"), new RowClearingException("m"),
                new DeadlineExceededException("m"), new BackendException("m"), new ClosedException("m"));
        assertThat(all.stream().map(TransferQueueException::code).distinct()).hasSize(all.size());
        for (TransferQueueException e : all) {
            TransferQueueException back = Errors.fromCode(Errors.codeOf(e), "again");
            assertThat(back).isExactlyInstanceOf(e.getClass()).hasMessage("again");
        }
    }

    @Test
    void unknownCodesAndForeignThrowables() {
        TransferQueueException unknown = Errors.fromCode("FROM_THE_FUTURE", "x");
        assertThat(unknown).isExactlyInstanceOf(TransferQueueException.class).hasMessage("[FROM_THE_FUTURE] x");
        assertThat(unknown.code()).isEqualTo("INTERNAL");
        assertThat(Errors.codeOf(new IllegalArgumentException())).isEqualTo("INVALID_REQUEST");
        assertThat(Errors.codeOf(new IndexOutOfBoundsException())).isEqualTo("INVALID_REQUEST");
        assertThat(Errors.codeOf(new IllegalStateException())).isEqualTo("INTERNAL");
        assertThat(new ProtocolVersionException("v")).isInstanceOf(WireFormatException.class);
    }
}
