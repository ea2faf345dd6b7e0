package io.transferqueue.backend.simple;

import static io.transferqueue.backend.simple.TestData.await;
import static io.transferqueue.backend.simple.TestData.metaGen;
import static io.transferqueue.backend.simple.TestData.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.ReadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 40;
    private static final long SEED = 61;

    @ParameterizedTest(name = "parallel threshold {0}")
    @ValueSource(longs = {0, SimpleStorageConfig.DEFAULT_PARALLEL_THRESHOLD})
    void eightThreadsPutGetAndClearConcurrently(long threshold) throws Exception {
        LongAdder onUnitThreads = new LongAdder();
        LongAdder onCallers = new LongAdder();
        UnitListener count = new UnitListener() {
            @Override
            public void beforeTask(int unit, String op) {
                onUnitThreads.increment();
            }

            @Override
            public void inline(int unit, String op) {
                onCallers.increment();
            }
        };
        try (SimpleStorageManager m = new SimpleStorageManager(SimpleStorageConfig.unlimited(2)
                .withParallelThreshold(threshold), count)) {
            // rows every thread reads while the others churn their own
            Batch shared = TestData.mixed(new Random(SEED), 16);
            BatchMeta sharedMeta = TestData.put(m, shared, metaGen(0, range(1_000_000, 16)));

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> churn(m, thread, shared, sharedMeta)));
                }
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(m.stats().rows()).isEqualTo(16);
            assertThat(m.stats().bytes()).isEqualTo(sharedBytes(m, sharedMeta));
            assertThat(TestData.get(m, sharedMeta)).isEqualTo(shared);
        }
        // the mode's path ran: every put and get on unit threads, or (small batches) on the callers' threads
        if (threshold == 0) {
            assertThat(onUnitThreads.sum()).isGreaterThanOrEqualTo(THREADS * ROUNDS * 3L);
        } else {
            assertThat(onCallers.sum()).isGreaterThan(THREADS * ROUNDS / 2L);
        }
    }

    private static long sharedBytes(SimpleStorageManager m, BatchMeta meta) {
        long n = 0;
        for (int i = 0; i < meta.size(); i++) {
            long gi = meta.globalIndex(i);
            n += m.unit(io.transferqueue.meta.RoutingGroup.unitOf(gi, m.unitCount())).row(TestData.PARTITION, gi).bytes();
        }
        return n;
    }

    private static void churn(SimpleStorageManager m, int thread, Batch shared, BatchMeta sharedMeta) {
        long seed = SEED * 31 + thread;
        Random rnd = new Random(seed);
        long base = thread * 10_000L;
        for (int round = 0; round < ROUNDS; round++) {
            int rows = 1 + rnd.nextInt(16);
            Batch batch = TestData.mixed(rnd, rows);
            BatchMeta meta = TestData.put(m, batch, metaGen(round, range(base + rnd.nextInt(8), rows)));
            assertThat(TestData.get(m, meta)).as("seed %d round %d", seed, round).isEqualTo(batch);
            assertThat(await(m.get(meta, ReadOptions.zeroCopy()))).as("seed %d round %d", seed, round)
                    .isEqualTo(batch);
            int[] some = new int[] {rnd.nextInt(16), rnd.nextInt(16)};
            assertThat(TestData.get(m, sharedMeta.selectRows(some))).isEqualTo(shared.rows(some));
            await(m.clear(meta));
        }
    }
}
