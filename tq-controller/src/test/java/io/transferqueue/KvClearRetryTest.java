package io.transferqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.TqConfig;
import io.transferqueue.controller.Controller;
import io.transferqueue.controller.LocalControllerApi;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.RowClearingException;
import io.transferqueue.testing.FlakyStorage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A kvClear whose storage deletion failed is completed by clearing the keys again. */
class KvClearRetryTest {
    private static Batch ints(int... v) {
        return Batch.builder().dense("x", Tensor.of(v, v.length, 1)).build();
    }

    @Test
    void retryingAFailedKvClearCompletesIt() {
        try (Controller c = Controller.create(TqConfig.defaults()); FlakyStorage s = new FlakyStorage()) {
            QueueClient q = new QueueClient(new LocalControllerApi(c, false), s, Duration.ofSeconds(10));
            q.sync().kvPut("kv", "k1", ints(7), null);
            q.sync().kvPut("kv", "k2", ints(8), null);

            s.failClear = true;
            assertThatThrownBy(() -> q.sync().kvClear("kv", List.of("k1"))).isInstanceOf(BackendException.class);
            assertThatThrownBy(() -> q.sync().kvBatchGet("kv", List.of("k1"), null))
                    .isInstanceOf(RowClearingException.class);
            assertThat(q.sync().kvList("kv")).containsOnlyKeys("k2");

            s.failClear = false;
            q.sync().kvClear("kv", List.of("k1", "gone"));

            assertThat(q.sync().kvList("kv")).containsOnlyKeys("k2");
            assertThat(q.sync().stats("kv").rows()).isEqualTo(1);
            assertThat(s.store().size()).isEqualTo(1);
            q.sync().kvPut("kv", "k1", ints(9), null);
            assertThat(q.sync().kvList("kv")).containsOnlyKeys("k2", "k1");
            assertThat(q.sync().kvBatchGet("kv", List.of("k1"), null).batch().size()).isEqualTo(1);
        }
    }
}
