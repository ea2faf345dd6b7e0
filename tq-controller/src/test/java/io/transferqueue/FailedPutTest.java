package io.transferqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.InMemoryKvStorageClient;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.PartitionNotFoundException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailedPutTest {
    private static final Batch ONE = Batch.builder().dense("x", Tensor.of(new float[] {1, 2}, 1, 2)).build();

    @Test
    void aFailedPutLeavesNoRowsNoCellsAndNoKeysBehind() {
        try (TransferQueue tq = TransferQueue.embedded(TqConfig.defaults().with("tq.storage.backend", "test-failing"))) {
            InMemoryKvStorageClient store = tq.storage().unwrap(InMemoryKvStorageClient.class);
            assertThatThrownBy(() -> tq.sync().put("p", ONE)).isInstanceOf(BackendException.class)
                    .hasMessageContaining("disk full");
            assertThat(tq.sync().stats("p").rows()).isZero();
            assertThatThrownBy(() -> tq.sync().kvPut("kv", "k", ONE, null)).isInstanceOf(BackendException.class);
            assertThat(tq.sync().kvList("kv")).isEmpty();
            assertThat(tq.sync().stats("kv").rows()).isZero();
            assertThat(store.size()).isZero();
            assertThatThrownBy(() -> tq.sync().stats("nothing")).isInstanceOf(PartitionNotFoundException.class);
            assertThat(List.of(tq.sync().partitions())).isNotNull();
        }
    }
}
