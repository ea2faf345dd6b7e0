package io.transferqueue.controller;

import static io.transferqueue.controller.Fixtures.await;
import static io.transferqueue.controller.Fixtures.fetch;
import static io.transferqueue.controller.Fixtures.insert;
import static io.transferqueue.controller.Fixtures.produce;
import static io.transferqueue.controller.Fixtures.waitingFetch;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.TqConfig;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.SamplingParams;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A parked fetch cancelled after a notify chose its rows, but before its future completed on the completion
 * thread, consumes nothing: its rows are offered to its task again.
 */
class CancelledFetchTest {
    private static Controller oneCompletionThread() {
        return Controller.create(TqConfig.defaults().with(ControllerOptions.COMPLETION_THREADS, 1));
    }

    /** Parks a fetch of task "A" whose completion blocks the single completion thread until released. */
    private static CountDownLatch blockCompletions(Controller c) {
        CountDownLatch release = new CountDownLatch(1);
        c.getMeta(waitingFetch("p", "A", 2, "x")).thenRun(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }

    @Test
    void aFetchCancelledAfterBeingServedGivesItsRowsBack() {
        try (Controller c = oneCompletionThread()) {
            CountDownLatch release = blockCompletions(c);
            CompletableFuture<BatchMeta> b = c.getMeta(waitingFetch("p", "B", 2, "x"));
            produce(c, insert(c, "p", 2), "x");          // serves A and B; B's completion queues behind A's
            assertThat(c.stats("p").consumedPerTask()).containsEntry("B", 2L);

            assertThat(b.cancel(false)).isTrue();
            CompletableFuture<BatchMeta> again = c.getMeta(waitingFetch("p", "B", 2, "x"));
            release.countDown();

            assertThat(await(again).size()).isEqualTo(2);  // served by the give-back of B's rows
            assertThat(c.stats("p").consumedPerTask()).containsEntry("A", 2L).containsEntry("B", 2L);
            assertThat(c.waitingFetches()).isZero();
        }
    }

    @Test
    void rowsOfACancelledFetchAreNotGivenBackAfterTheyWereCleared() {
        try (Controller c = oneCompletionThread()) {
            CountDownLatch release = blockCompletions(c);
            CompletableFuture<BatchMeta> b = c.getMeta(waitingFetch("p", "B", 2, "x"));
            BatchMeta rows = insert(c, "p", 3);
            produce(c, rows.selectRows(0, 1), "x");
            assertThat(b.cancel(false)).isTrue();
            c.finishClear(c.beginClear(rows.selectRows(0, 1)));
            CompletableFuture<BatchMeta> tail = c.getMeta(waitingFetch("p", "C", 1, "x"));
            produce(c, rows.selectRows(2), "x");           // serves C; its completion queues behind B's
            release.countDown();

            assertThat(await(tail).size()).isEqualTo(1);   // ran after B's completion (one thread, in order)
            assertThat(c.stats("p").consumedPerTask().getOrDefault("B", 0L)).isZero();
            assertThat(fetch(c, "p", "B", 2, "x").size()).isZero();
            assertThat(fetch(c, "p", "B", 1, "x").size()).isEqualTo(1);
        }
    }

    @Test
    void rowsASamplerSharesWithOtherRanksStayConsumedWhenOneRankCancels() {
        try (Controller c = Controller.create(TqConfig.defaults().with(ControllerOptions.COMPLETION_THREADS, 1)
                .with(ControllerOptions.SAMPLER, "rank-aware"))) {
            CountDownLatch release = new CountDownLatch(1);
            c.getMeta(waitingFetch("p", "A", 2, "x").withSampling(SamplingParams.of(0, 2, 0))).thenRun(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<BatchMeta> rank0 = c.getMeta(waitingFetch("p", "B", 2, "x")
                    .withSampling(SamplingParams.of(0, 2, 0)));
            BatchMeta rows = insert(c, "p", 2);
            produce(c, rows, "x");
            assertThat(rank0.cancel(false)).isTrue();
            CompletableFuture<BatchMeta> group1 = c.getMeta(waitingFetch("p", "B", 2, "x")
                    .withSampling(SamplingParams.of(1, 2, 0)));
            CompletableFuture<BatchMeta> tail = c.getMeta(waitingFetch("p", "C", 2, "y")
                    .withSampling(SamplingParams.of(0, 2, 0)));
            produce(c, rows, "y");                          // serves C; its completion queues behind rank 0's
            release.countDown();

            await(tail);
            // the other rank of group 0 (or rank 0's retry) still gets the rows from the sampler; group 1 must not
            BatchMeta retry = await(c.getMeta(waitingFetch("p", "B", 2, "x").withSampling(SamplingParams.of(0, 2, 0))));
            assertThat(retry.handles()).isEqualTo(rows.handles());
            assertThat(group1.isDone()).isFalse();
            assertThat(c.stats("p").consumedPerTask()).containsEntry("B", 2L);
        }
    }
}
