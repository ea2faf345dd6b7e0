package io.transferqueue.it.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.TransferQueue;
import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.config.CoreOptions;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.KvStorageManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A whole embedded TransferQueue with {@code tq.storage.backend=redis}: put, fetch by task, get, clear. */
class RedisEmbeddedTransferQueueIT {
    @RegisterExtension
    static final SharedRedisServer SERVER = new SharedRedisServer();

    @Test
    void producersAndConsumersMoveBatchesThroughRedis() throws Exception {
        TqConfig cfg = TqConfig.defaults().with(CoreOptions.STORAGE_BACKEND, "redis")
                .with(RedisOptions.URI, SERVER.uri()).with(RedisOptions.KEY_PREFIX, "tq-e2e:");
        try (TransferQueue tq = TransferQueue.embedded(cfg)) {
            assertThat(tq.storage().unwrap(KvStorageManager.class).backendName()).isEqualTo("redis");
            Batch batch = AbstractRedisConformanceIT.batchOf(16, 128, 5);

            tq.put("train", batch).get(30, TimeUnit.SECONDS);
            BatchMeta meta = tq.getMeta(GetMetaRequest.fetch("train", "actor", List.of("payload", "tokens"), 16))
                    .get(30, TimeUnit.SECONDS);
            Batch got = tq.get(meta).get(30, TimeUnit.SECONDS);

            assertThat(meta.size()).isEqualTo(16);
            assertThat(got).isEqualTo(batch.rows(positions(meta)));
            assertThat(Resp.call(SERVER.port(), "EXISTS", "tq-e2e:train/" + meta.globalIndex(0) + "."
                    + meta.generation(0) + "/payload")).isEqualTo("1");

            tq.clearSamples(meta).get(30, TimeUnit.SECONDS);
            assertThat(Resp.call(SERVER.port(), "EXISTS", "tq-e2e:train/" + meta.globalIndex(0) + "."
                    + meta.generation(0) + "/payload")).as("the cell after clear").isEqualTo("0");
        }
    }

    /** Positions of the meta's rows in the batch that was put (the controller allocates global indexes 0..n-1). */
    private static int[] positions(BatchMeta meta) {
        int[] p = new int[meta.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (int) meta.globalIndex(i);
        }
        return p;
    }
}
