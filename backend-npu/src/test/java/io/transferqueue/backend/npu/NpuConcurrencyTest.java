package io.transferqueue.backend.npu;

import static io.transferqueue.backend.npu.TestData.assertSameCells;
import static io.transferqueue.backend.npu.TestData.dense;
import static io.transferqueue.backend.npu.TestData.get;
import static io.transferqueue.backend.npu.TestData.jagged;
import static io.transferqueue.backend.npu.TestData.put;
import static io.transferqueue.backend.npu.TestData.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Eight threads putting, reading, clearing and overwriting at once: every byte comes back, a cell overwritten
 * while it is read is never seen torn (blocks are reference counted, an overwrite writes a new block), and
 * nothing leaks (strict close).
 */
class NpuConcurrencyTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 30;

    @Test
    void eightThreadsPutGetClearAndOverwriteWithoutLosingOrTearingBytes() throws Exception {
        long seed = new Random().nextLong();
        StorageManager sm = new NpuStorageFactory().create(NpuTestConfigs.host(),
                StorageContext.of("concurrency", getClass().getClassLoader()));
        NpuStorageManager m = sm.unwrap(NpuStorageManager.class);
        NpuKvStorageClient client = m.unwrap(NpuKvStorageClient.class);
        client.mput(List.of("shared"), List.of(uniform(4096, (byte) 1))).join();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<BatchMeta>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit((Callable<List<BatchMeta>>) () -> {
                    Random r = new Random(seed + thread);
                    start.await();
                    List<BatchMeta> kept = new ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        int salt = thread * 1000 + round;
                        Batch b = batch(r, salt);
                        BatchMeta meta = put(m, b, rows("t" + thread, round * 4L, 4));
                        assertSameCells(get(m, meta), b);
                        try (DeviceBatch leased = m.getOnDevice(meta.selectFields("d")).join()) {
                            assertThat(leased.cell("d", 3).toHost()).isEqualTo(((io.transferqueue.data.DenseColumn)
                                    b.column("d")).rowData(3));
                        }
                        if (round % 3 == 0) {
                            m.clear(meta).join();
                        } else {
                            kept.add(meta);
                        }
                        // overwrite the shared cell with a uniform value, and read it while others do the same
                        int len = 512 + r.nextInt(64 * 1024);
                        client.mput(List.of("shared"), List.of(uniform(len, (byte) salt))).join();
                        ByteBuffer seen = client.mget(List.of("shared"), null).join().get(0);
                        byte first = seen.get(0);
                        for (int i = 0; i < seen.remaining(); i++) {
                            if (seen.get(i) != first) {
                                throw new AssertionError("torn read of the shared cell at byte " + i + " (seed " + seed + ")");
                            }
                        }
                    }
                    return kept;
                }));
            }
            start.countDown();
            List<BatchMeta> kept = new ArrayList<>();
            for (Future<List<BatchMeta>> f : results) {
                try {
                    kept.addAll(f.get(120, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    throw new AssertionError("a worker failed (seed " + seed + "): " + e.getCause(), e.getCause());
                }
            }
            // every kept round of every thread is still intact
            for (int t = 0; t < THREADS; t++) {
                Random r = new Random(seed + t);
                for (int round = 0; round < ROUNDS; round++) {
                    Batch b = batch(r, t * 1000 + round);
                    r.nextInt(64 * 1024);
                    if (round % 3 != 0) {
                        int tt = t;
                        int rr = round;
                        BatchMeta meta = kept.stream().filter(k -> k.partition(0).equals("t" + tt)
                                && k.globalIndex(0) == rr * 4L).findFirst().orElseThrow();
                        assertSameCells(get(m, meta), b);
                    }
                }
            }
            assertThat(client.outstandingLeases()).isZero();
            assertThat(client.stats().rows()).as("cells held: kept rounds × 4 rows × 2 fields, plus the shared cell")
                    .isEqualTo(kept.size() * 8L + 1);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            sm.close();
        }
        assertThat(client.leaksAtClose()).isZero();
    }

    private static Batch batch(Random r, int salt) {
        int rowBytes = 1 + r.nextInt(20_000);
        return Batch.builder().add("d", dense(4, rowBytes, salt))
                .add("j", jagged(salt, r.nextInt(3000), 0, 1 + r.nextInt(5000), r.nextInt(10))).build();
    }

    private static ByteBuffer uniform(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return ByteBuffer.wrap(a);
    }
}
