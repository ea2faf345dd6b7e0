package io.transferqueue.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.data.DType;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ControllerStressTest {
    private static final int PRODUCERS = 8;
    private static final int CONSUMERS = 8;
    private static final String[] TASKS = {"actor", "critic", "ref", "reward"};
    private static final int ROWS = 100_000;
    private static final int BATCH = 50;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyRowIsConsumedExactlyOncePerTaskWithEightProducersAndEightConsumers() throws Exception {
        try (Controller c = Fixtures.controller()) {
            ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS);
            AtomicInteger produced = new AtomicInteger();
            Map<String, ConcurrentHashMap<Long, Integer>> seen = new ConcurrentHashMap<>();
            AtomicLong consumedTotal = new AtomicLong();
            for (String t : TASKS) {
                seen.put(t, new ConcurrentHashMap<>());
            }
            List<Future<?>> futures = new ArrayList<>();
            Map<String, FieldSchema> schema = Map.of("a", FieldSchema.dense(DType.INT64, new int[] {2}),
                    "b", FieldSchema.object());
            java.util.concurrent.CountDownLatch producersDone = new java.util.concurrent.CountDownLatch(PRODUCERS);
            for (int p = 0; p < PRODUCERS; p++) {
                futures.add(pool.submit(() -> {
                    try {
                        while (produced.getAndAdd(BATCH) < ROWS) {
                            BatchMeta rows = c.getMeta(GetMetaRequest.insert("stress", BATCH)).join();
                            c.notifyProduced(ProduceNotice.of(rows, Map.of("a", schema.get("a")), Map.of()));
                            c.notifyProduced(ProduceNotice.of(rows, Map.of("b", schema.get("b")), Map.of()));
                        }
                    } finally {
                        producersDone.countDown();
                        if (producersDone.getCount() == 0) {
                            c.markComplete("stress");
                        }
                    }
                    return null;
                }));
            }
            for (int k = 0; k < CONSUMERS; k++) {
                String task = TASKS[k % TASKS.length];
                futures.add(pool.submit(() -> {
                    while (true) {
                        BatchMeta m = c.getMeta(GetMetaRequest.fetch("stress", task, List.of("a", "b"), 32)
                                .withWait(Duration.ofSeconds(5))).join();
                        if (m.extraInfo().containsKey(GetMetaRequest.EXHAUSTED)) {
                            return null;
                        }
                        for (int i = 0; i < m.size(); i++) {
                            seen.get(task).merge(m.globalIndex(i) * 1_000_003L + m.generation(i), 1, Integer::sum);
                        }
                        consumedTotal.addAndGet(m.size());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(110, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
            int rows = (int) c.stats("stress").rows();
            assertThat(rows).isGreaterThanOrEqualTo(ROWS);
            assertThat(consumedTotal.get()).isEqualTo((long) rows * TASKS.length);
            for (String t : TASKS) {
                assertThat(seen.get(t)).hasSize(rows);
                assertThat(seen.get(t).values()).containsOnly(1);
                assertThat(c.stats("stress").consumedPerTask()).containsEntry(t, (long) rows);
            }
        }
    }
}
