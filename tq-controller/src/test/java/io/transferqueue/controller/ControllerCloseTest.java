package io.transferqueue.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.TransferQueue;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.ClosedException;
import io.transferqueue.meta.BatchMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing a controller from its own callbacks and while fetches race it: close returns, every future completes. */
class ControllerCloseTest {

    /** Where a callback ran and what close() did to that thread. */
    private record CloseInCallback(String thread, long closeNanos, boolean interrupted) {
    }

    @Test
    @Timeout(20)
    void closeInAParkedFetchsCallbackReturnsAtOnceAndDoesNotInterruptTheCallbackThread() throws Exception {
        TransferQueue tq = TransferQueue.embedded(TqConfig.defaults());
        CompletableFuture<CloseInCallback> seen = new CompletableFuture<>();
        tq.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 2).withWait(Duration.ofSeconds(30)))
                .whenComplete((v, t) -> {
                    long t0 = System.nanoTime();
                    tq.close();
                    long took = System.nanoTime() - t0;
                    seen.complete(new CloseInCallback(Thread.currentThread().getName(), took,
                            Thread.currentThread().isInterrupted()));
                });

        tq.sync().put("p", Batch.builder().dense("x", Tensor.of(new float[] {1, 2})).build());

        CloseInCallback c = seen.get(15, TimeUnit.SECONDS);
        assertThat(c.thread()).as("the callback ran on a completion thread").startsWith("tq-controller-complete");
        // it used to wait 5 s for its own thread to finish: anything well below that shows it no longer does
        assertThat(c.closeNanos()).as("close() in the callback").isLessThan(TimeUnit.SECONDS.toNanos(4));
        assertThat(c.interrupted()).as("close() interrupted its own caller").isFalse();
        tq.close(); // a second close is harmless
    }

    @Test
    @Timeout(120)
    void everyFetchOnANewPartitionRacingCloseCompletes() throws Exception {
        for (int round = 0; round < 100; round++) {
            Controller c = Controller.create(TqConfig.defaults());
            List<CompletableFuture<BatchMeta>> fetches = new CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                String prefix = "p" + k + "-";
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 200; i++) {
                        try {
                            fetches.add(c.getMeta(GetMetaRequest.fetch(prefix + i, "t", List.of("x"), 1)
                                    .withWait(Duration.ofSeconds(30))));
                        } catch (ClosedException e) {
                            // refused: nothing left behind
                        }
                    }
                }, "close-race-" + k);
                t.start();
                threads.add(t);
            }
            go.countDown();
            Thread.sleep(round % 3);
            c.close();
            for (Thread t : threads) {
                t.join();
            }
            for (CompletableFuture<BatchMeta> f : fetches) {
                try {
                    f.get(3, TimeUnit.SECONDS);
                } catch (ExecutionException | CompletionException e) {
                    assertThat(e.getCause()).isInstanceOf(ClosedException.class);
                } catch (TimeoutException e) {
                    throw new AssertionError("round " + round + ": a fetch racing close() never completed", e);
                }
            }
        }
    }
}
