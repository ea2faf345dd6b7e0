package io.transferqueue.it.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.backend.redis.RedisStorageFactory;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One master of a three-master cluster killed mid-run and restarted on its port: calls touching its slots fail
 * with {@link BackendUnavailableException} within a bounded wait, the backend recovers by itself, and cells the
 * node lost are {@link DataNotFoundException}, never empty bytes.
 */
class RedisClusterFaultIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long BOUND_MS = TIMEOUT.toMillis() * 5;

    private RedisCluster cluster;
    private StorageManager manager;

    @BeforeEach
    void start() throws Exception {
        cluster = RedisCluster.start(LocalRedis.requireServer(), LocalRedis.requireCli());
        TqConfig cfg = TqConfig.defaults().with(RedisOptions.CLUSTER_NODES, List.of(cluster.seeds().split(",")))
                .with(RedisOptions.COMMAND_TIMEOUT, TIMEOUT);
        manager = new RedisStorageFactory().create(cfg, StorageContext.of("cluster-fault-it",
                getClass().getClassLoader()));
    }

    @AfterEach
    void stop() {
        try {
            if (manager != null) {
                manager.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void aKilledMasterFailsCallsOnItsSlotsAndTheClusterRecoversWhenItIsBack() throws Exception {
        Batch a = AbstractRedisConformanceIT.batchOf(128, 256, 1);
        BatchMeta metaA = put(a);
        assertThat(get(metaA)).isEqualTo(a);
        RedisServer victim = cluster.masters().get(1);

        victim.kill();

        Batch b = AbstractRedisConformanceIT.batchOf(128, 256, 2);
        assertThat(failure(manager.put(b, AbstractRedisConformanceIT.rows("b-" + UUID.randomUUID(), 0, 128),
                PutOptions.defaults()))).as("a put with cells on the killed master")
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(failure(manager.get(metaA, ReadOptions.copy()))).as("a get with cells on the killed master")
                .isInstanceOf(BackendUnavailableException.class);

        victim.restart();
        cluster.awaitOk();

        BatchMeta metaB = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (metaB == null) {
            BatchMeta rows = AbstractRedisConformanceIT.rows("b-" + UUID.randomUUID(), 0, 128);
            CompletableFuture<PutResult> f = manager.put(b, rows, PutOptions.defaults());
            try {
                metaB = rows.withSchema(f.get(BOUND_MS, TimeUnit.MILLISECONDS).schema(), true);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).as("a put while reconnecting").isInstanceOf(BackendUnavailableException.class);
                assertThat(System.nanoTime()).as("recovered within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        assertThat(get(metaB)).isEqualTo(b);
        assertThat(failure(manager.get(metaA, ReadOptions.copy())))
                .as("cells the restarted master lost: an error, never empty bytes")
                .isInstanceOf(DataNotFoundException.class);
    }

    private BatchMeta put(Batch batch) throws Exception {
        BatchMeta rows = AbstractRedisConformanceIT.rows("a-" + UUID.randomUUID(), 0, batch.size());
        return rows.withSchema(manager.put(batch, rows, PutOptions.defaults()).get(BOUND_MS, TimeUnit.MILLISECONDS)
                .schema(), true);
    }

    private Batch get(BatchMeta meta) throws Exception {
        return manager.get(meta, ReadOptions.copy()).get(BOUND_MS, TimeUnit.MILLISECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            Object v = f.get(BOUND_MS, TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + v);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the call did not complete within " + BOUND_MS + " ms", e);
        }
    }
}
