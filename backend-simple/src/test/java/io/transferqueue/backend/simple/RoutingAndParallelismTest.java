package io.transferqueue.backend.simple;

import static io.transferqueue.backend.simple.TestData.await;
import static io.transferqueue.backend.simple.TestData.meta;
import static io.transferqueue.backend.simple.TestData.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RoutingGroup;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoutingAndParallelismTest {

    /** Where each row of 0..9 lives after putting them with {@code puts}. */
    private static int[] placement(List<long[]> puts) {
        try (SimpleStorageManager m = TestData.manager(3)) {
            Random rnd = new Random(1);
            for (long[] gis : puts) {
                TestData.put(m, TestData.mixed(rnd, gis.length), meta(gis));
            }
            int[] unitOf = new int[10];
            for (int gi = 0; gi < 10; gi++) {
                unitOf[gi] = -1;
                for (int u = 0; u < m.unitCount(); u++) {
                    if (m.unit(u).row(TestData.PARTITION, gi) != null) {
                        assertThat(unitOf[gi]).as("row %d stored in two units", gi).isEqualTo(-1);
                        unitOf[gi] = u;
                    }
                }
            }
            return unitOf;
        }
    }

    @Test
    void routingDependsOnlyOnTheGlobalIndex() {
        int[] oneBatch = placement(List.of(range(0, 10)));
        int[] twoBatches = placement(List.of(range(0, 5), range(5, 5)));
        int[] reversed = placement(List.of(new long[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
        int[] singles = new int[10];
        List<long[]> ones = new ArrayList<>();
        for (long gi = 9; gi >= 0; gi--) {
            ones.add(new long[] {gi});
        }
        singles = placement(ones);
        assertThat(twoBatches).containsExactly(oneBatch);
        assertThat(reversed).containsExactly(oneBatch);
        assertThat(singles).containsExactly(oneBatch);
        for (int gi = 0; gi < 10; gi++) {
            assertThat(oneBatch[gi]).isEqualTo(RoutingGroup.unitOf(gi, 3));
        }
    }

    @Test
    void theUnitsOfOneRequestWorkInParallelOnTheirOwnThreads() throws Exception {
        // Every unit task waits at a barrier for the other unit's task of the same request: if the units ran
        // one after the other, the barrier would time out and the request fail.
        CyclicBarrier barrier = new CyclicBarrier(2);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger tasks = new AtomicInteger();
        UnitListener meet = (unit, op) -> {
            threads.add(Thread.currentThread().getName());
            tasks.incrementAndGet();
            try {
                barrier.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("unit " + unit + " ran " + op + " alone: units are not parallel", e);
            }
        };
        try (SimpleStorageManager m = new SimpleStorageManager(SimpleStorageConfig.unlimited(2)
                .withParallelThreshold(0), meet)) {
            Batch batch = TestData.mixed(new Random(2), 8);
            BatchMeta meta = meta(range(0, 8)).withSchema(
                    await(m.put(batch, meta(range(0, 8)), PutOptions.defaults())).schema(), true);
            assertThat(await(m.get(meta, ReadOptions.copy()))).isEqualTo(batch);
            await(m.clear(meta));
            assertThat(m.stats().rows()).isZero();
        }
        assertThat(tasks.get()).as("put and get, one task per unit each; clears run on the caller").isEqualTo(4);
        assertThat(threads).containsExactlyInAnyOrder("tq-simple-unit-0", "tq-simple-unit-1");
    }

    @Test
    void requestsBelowTheThresholdRunOnTheCallersThread() {
        AtomicInteger unitTasks = new AtomicInteger();
        UnitListener count = (unit, op) -> unitTasks.incrementAndGet();
        SimpleStorageConfig c = SimpleStorageConfig.unlimited(2).withParallelThreshold(1024);
        try (SimpleStorageManager m = new SimpleStorageManager(c, count)) {
            Random rnd = new Random(3);
            Batch small = Batch.builder().add("x", TestData.dense(rnd, io.transferqueue.data.DType.UINT8, 4, 16))
                    .build();
            var put = m.put(small, meta(range(0, 4)), PutOptions.defaults());
            assertThat(put).as("complete on return: ran on this thread").isCompleted();
            BatchMeta meta = meta(range(0, 4)).withSchema(put.join().schema(), true);
            assertThat(m.get(meta, ReadOptions.copy())).isCompleted();
            assertThat(unitTasks.get()).isZero();

            Batch large = Batch.builder().add("x", TestData.dense(rnd, io.transferqueue.data.DType.UINT8, 4, 512))
                    .build();
            BatchMeta largeMeta = meta(range(10, 4)).withSchema(await(m.put(large, meta(range(10, 4)),
                    PutOptions.defaults())).schema(), true);
            assertThat(await(m.get(largeMeta, ReadOptions.copy()))).isEqualTo(large);
            assertThat(unitTasks.get()).as("two units, put and get each").isEqualTo(4);
        }
    }
}
