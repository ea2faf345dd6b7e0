package io.transferqueue.it.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.api.StatefulConnection;
import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.backend.redis.RedisStorageFactory;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults of a standalone server mid-run: killed (then restarted on the same port) and frozen (SIGSTOP, then
 * resumed). Every call ends within a bounded wait with a result or a typed error; nothing partial is reported as
 * success; once the server is back the backend works again without being reopened.
 */
class RedisFaultIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How long a call may take before the test calls it hung: the command timeout plus slack for a loaded machine. */
    private static final long BOUND_MS = TIMEOUT.toMillis() * 5;

    private RedisServer server;
    private StorageManager manager;

    @BeforeEach
    void start() throws Exception {
        server = RedisServer.start(LocalRedis.requireServer());
        TqConfig cfg = TqConfig.defaults().with(RedisOptions.URI, server.uri())
                .with(RedisOptions.COMMAND_TIMEOUT, TIMEOUT)
                .with(RedisOptions.MAX_BATCH_SIZE, DataSize.ofKibibytes(16));
        manager = new RedisStorageFactory().create(cfg, StorageContext.of("fault-it", getClass().getClassLoader()));
    }

    @AfterEach
    void stop() {
        try {
            if (manager != null) {
                manager.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void aKilledServerFailsCallsWithBackendUnavailableAndARestartOnTheSamePortRecovers() throws Exception {
        Batch a = AbstractRedisConformanceIT.batchOf(64, 1024, 1);
        BatchMeta metaA = put(a, "a");
        assertThat(get(metaA)).isEqualTo(a);

        server.kill();

        Batch b = AbstractRedisConformanceIT.batchOf(64, 1024, 2);
        assertThat(failure(manager.put(b, AbstractRedisConformanceIT.rows("b-" + UUID.randomUUID(), 0, 64),
                PutOptions.defaults()))).as("a put while the server is down").isInstanceOf(BackendUnavailableException.class);
        assertThat(failure(manager.get(metaA, ReadOptions.copy()))).as("a get while the server is down")
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(failure(manager.clear(metaA))).as("a clear while the server is down")
                .isInstanceOf(BackendUnavailableException.class);

        server.restart();

        // the connection comes back by itself (reconnect attempts at most a second apart); calls made before that
        // fail fast with BackendUnavailableException
        StatefulConnection<?, ?> connection = manager.unwrap(StatefulConnection.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!connection.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(connection.isOpen()).as("reconnected within 30 s").isTrue();
        BatchMeta metaB = put(b, "b");
        assertThat(get(metaB)).as("the first calls after the reconnect").isEqualTo(b);
        assertThat(failure(manager.get(metaA, ReadOptions.copy())))
                .as("a cell written before the restart (the server kept no data): an error, never empty bytes")
                .isInstanceOf(DataNotFoundException.class).hasMessageContaining(metaA.partition(0));
    }

    @Test
    void aFrozenServerTimesCallsOutAndNoPartialPutIsReportedAsSuccess() throws Exception {
        Map<Integer, BatchMeta> succeeded = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger successesAfterResume = new AtomicInteger();
        AtomicBoolean resumed = new AtomicBoolean();
        AtomicBoolean stopWriting = new AtomicBoolean();
        String partition = "frozen-" + UUID.randomUUID();
        // each put is 64 KiB in 16 KiB commands, pipelined: a freeze lands in the middle of one
        Thread writer = new Thread(() -> {
            for (int i = 0; !stopWriting.get(); i++) {
                Batch batch = AbstractRedisConformanceIT.batchOf(64, 1024, 100 + i);
                BatchMeta rows = AbstractRedisConformanceIT.rows(partition, i * 64L, 64);
                CompletableFuture<?> f = manager.put(batch, rows, PutOptions.defaults());
                try {
                    Object r = f.get(BOUND_MS, TimeUnit.MILLISECONDS);
                    succeeded.put(i, rows.withSchema(((io.transferqueue.spi.PutResult) r).schema(), true));
                    if (resumed.get()) {
                        successesAfterResume.incrementAndGet();
                    }
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                } catch (TimeoutException e) {
                    failures.add(new AssertionError("put " + i + " did not complete within " + BOUND_MS + " ms", e));
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fault-it-writer");
        writer.start();
        try {
            awaitCondition(() -> succeeded.size() >= 5, "5 puts before the freeze");
            server.freeze();
            awaitCondition(() -> failures.size() >= 2, "2 failed puts while frozen");
            server.resume();
            resumed.set(true);
            awaitCondition(() -> successesAfterResume.get() >= 5, "5 puts after resuming");
        } finally {
            stopWriting.set(true);
            server.resume();
            writer.join(BOUND_MS * 2);
        }

        assertThat(failures).as("failures while frozen").isNotEmpty()
                .allSatisfy(t -> assertThat(t).isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("no reply"));
        for (Map.Entry<Integer, BatchMeta> e : succeeded.entrySet()) {
            assertThat(get(e.getValue())).as("put %d, reported successful", e.getKey())
                    .isEqualTo(AbstractRedisConformanceIT.batchOf(64, 1024, 100 + e.getKey()));
        }
    }

    @Test
    void callsInFlightWhenTheClientClosesFailWithClosedExceptionNotAServerError() throws Exception {
        Batch b = AbstractRedisConformanceIT.batchOf(64, 1024, 3);
        List<CompletableFuture<?>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            calls.add(manager.put(b, AbstractRedisConformanceIT.rows("closing-" + i, 0, 64), PutOptions.defaults()));
        }
        manager.close();
        int closed = 0;
        for (CompletableFuture<?> c : calls) {
            try {
                c.get(BOUND_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).as("a put cut short by close()").isInstanceOf(ClosedException.class);
                closed++;
            }
        }
        assertThat(closed).as("close() came before some of the 64 puts of 256 KiB finished").isPositive();
        assertThat(failure(manager.put(b, AbstractRedisConformanceIT.rows("after", 0, 64), PutOptions.defaults())))
                .isInstanceOf(ClosedException.class);
    }

    private BatchMeta put(Batch batch, String name) throws Exception {
        BatchMeta rows = AbstractRedisConformanceIT.rows(name + "-" + UUID.randomUUID(), 0, batch.size());
        return rows.withSchema(manager.put(batch, rows, PutOptions.defaults()).get(BOUND_MS, TimeUnit.MILLISECONDS)
                .schema(), true);
    }

    private Batch get(BatchMeta meta) throws Exception {
        return manager.get(meta, ReadOptions.copy()).get(BOUND_MS, TimeUnit.MILLISECONDS);
    }

    /** The failure of {@code f}, which must fail within the bound. */
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

    private static void awaitCondition(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
