package io.transferqueue.controller;

import static io.transferqueue.controller.Fixtures.fetch;
import static io.transferqueue.controller.Fixtures.insert;
import static io.transferqueue.controller.Fixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.PartitionNotFoundException;
import io.transferqueue.error.RowClearingException;
import io.transferqueue.error.SchemaConflictException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.TagMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControllerTest {
    private final Controller c = Fixtures.controller();

    @AfterEach
    void close() {
        c.close();
    }

    @Test
    void insertAllocatesFreshIndexesAndRecyclesReleasedOnesFirstInFirstOut() {
        BatchMeta train = insert(c, "train_0", 32);
        BatchMeta val = insert(c, "val_0", 16);
        assertThat(train.globalIndexes()).containsExactly(range(0, 32));
        assertThat(val.globalIndexes()).containsExactly(range(32, 48));
        c.clearPartition("train_0", m -> CompletableFuture.completedFuture(null)).join();
        BatchMeta next = insert(c, "train_1", 64);
        long[] expected = new long[64];
        System.arraycopy(range(0, 32), 0, expected, 0, 32);
        System.arraycopy(range(48, 80), 0, expected, 32, 32);
        assertThat(next.globalIndexes()).containsExactly(expected);
        assertThat(next.generation(0)).isEqualTo(1);
        assertThat(next.generation(40)).isEqualTo(0);
        assertThat(c.partitions()).containsExactly("train_1", "val_0");
    }

    @Test
    void indexReusedByAnotherPartitionNeverLeaksBackAndStaleHandlesAreRefused() {
        BatchMeta p1 = insert(c, "p1", 1);
        produce(c, p1, "x");
        c.clearSamples(p1, m -> CompletableFuture.completedFuture(null)).join();
        BatchMeta p2 = insert(c, "p2", 1);
        assertThat(p2.globalIndex(0)).isEqualTo(p1.globalIndex(0));
        assertThat(p2.generation(0)).isEqualTo(p1.generation(0) + 1);
        produce(c, p2, "x");

        assertThat(fetch(c, "p1", "t", 1, "x").isEmpty()).isTrue();
        assertThat(c.getMeta(GetMetaRequest.forceFetch("p1", List.of())).join().isEmpty()).isTrue();
        assertThatThrownBy(() -> produce(c, p1, "x")).isInstanceOf(StaleHandleException.class);
        assertThatThrownBy(() -> c.beginClear(p1)).isInstanceOf(StaleHandleException.class);
        assertThat(fetch(c, "p2", "t", 1, "x").globalIndexes()).containsExactly(p2.globalIndex(0));
    }

    @Test
    void fetchReturnsOnlyRowsWithEveryRequestedFieldAndMarksThemConsumedPerTask() {
        BatchMeta rows = insert(c, "p", 4);
        produce(c, rows.selectRows(0, 1, 2), "a");
        produce(c, rows.selectRows(1, 2, 3), "b");
        BatchMeta got = fetch(c, "p", "t1", 2, "a", "b");
        assertThat(got.globalIndexes()).containsExactly(rows.globalIndex(1), rows.globalIndex(2));
        assertThat(got.isReady()).isTrue();
        assertThat(got.fieldNames()).containsExactly("a", "b");
        assertThat(fetch(c, "p", "t1", 1, "a", "b").isEmpty()).isTrue();
        assertThat(fetch(c, "p", "t2", 2, "a", "b").size()).isEqualTo(2);
        PartitionStats s = c.stats("p");
        assertThat(s.rows()).isEqualTo(4);
        assertThat(s.producedPerField()).containsEntry("a", 3L).containsEntry("b", 3L);
        assertThat(s.consumedPerTask()).containsEntry("t1", 2L).containsEntry("t2", 2L);
    }

    @Test
    void fetchIsAllOrNothingAndResetConsumptionOffersRowsAgain() {
        BatchMeta rows = insert(c, "p", 3);
        produce(c, rows, "x");
        assertThat(fetch(c, "p", "t", 4, "x").isEmpty()).isTrue();
        assertThat(fetch(c, "p", "t", 3, "x").size()).isEqualTo(3);
        assertThat(fetch(c, "p", "t", 1, "x").isEmpty()).isTrue();
        c.resetConsumption("p", "t");
        assertThat(fetch(c, "p", "t", 3, "x").size()).isEqualTo(3);
        c.resetConsumption("unknown", null);
    }

    @Test
    void waitingFetchIsCompletedByTheNotifyThatMakesEnoughRowsReady() throws Exception {
        CompletableFuture<BatchMeta> waiting = c.getMeta(Fixtures.waitingFetch("p", "t", 4, "x"));
        BatchMeta rows = insert(c, "p", 4);
        produce(c, rows.selectRows(0, 1), "x");
        assertThat(waiting).isNotDone();
        produce(c, rows.selectRows(2, 3), "x");
        BatchMeta got = waiting.get(10, TimeUnit.SECONDS);
        assertThat(got.globalIndexes()).containsExactly(rows.globalIndexes());
    }

    @Test
    void aCancelledWaitingFetchConsumesNothing() {
        CompletableFuture<BatchMeta> waiting = c.getMeta(Fixtures.waitingFetch("p", "t", 2, "x"));
        assertThat(waiting.cancel(true)).isTrue();
        BatchMeta rows = insert(c, "p", 2);
        produce(c, rows, "x");
        assertThat(fetch(c, "p", "t", 2, "x").globalIndexes()).containsExactly(rows.globalIndexes());
    }

    @Test
    void waitersAreServedFirstInFirstOut() throws Exception {
        CompletableFuture<BatchMeta> first = c.getMeta(Fixtures.waitingFetch("p", "t", 2, "x"));
        CompletableFuture<BatchMeta> second = c.getMeta(Fixtures.waitingFetch("p", "t", 2, "x"));
        BatchMeta rows = insert(c, "p", 2);
        produce(c, rows, "x");
        assertThat(first.get(10, TimeUnit.SECONDS).globalIndexes()).containsExactly(rows.globalIndexes());
        assertThat(second).isNotDone();
        BatchMeta more = insert(c, "p", 2);
        produce(c, more, "x");
        assertThat(second.get(10, TimeUnit.SECONDS).globalIndexes()).containsExactly(more.globalIndexes());
    }

    @Test
    void waitingFetchTimesOutWithAnEmptyAnswer() throws Exception {
        BatchMeta got = c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1).withWait(Duration.ofMillis(50)))
                .get(10, TimeUnit.SECONDS);
        assertThat(got.isEmpty()).isTrue();
        assertThat(c.partitions()).isEmpty();
    }

    @Test
    void producerNotifyReturnsWhileAConsumerContinuationIsStillRunning() throws Exception {
        CountDownLatch inContinuation = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        c.getMeta(Fixtures.waitingFetch("p", "t", 1, "x")).thenRun(() -> {
            inContinuation.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        BatchMeta rows = insert(c, "p", 1);
        produce(c, rows, "x");
        BatchMeta more = insert(c, "p", 1);
        produce(c, more, "x");
        assertThat(inContinuation.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void clearingRowsAreInvisibleRefuseNotifiesAndSurviveAFailedDeletion() {
        BatchMeta rows = insert(c, "p", 2);
        produce(c, rows, "x");
        CompletableFuture<Void> failed = c.clearSamples(rows,
                m -> CompletableFuture.failedFuture(new IllegalStateException("storage down")));
        assertThatThrownBy(failed::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(fetch(c, "p", "t", 1, "x").isEmpty()).isTrue();
        assertThat(c.getMeta(GetMetaRequest.forceFetch("p", List.of())).join().isEmpty()).isTrue();
        assertThatThrownBy(() -> produce(c, rows, "y")).isInstanceOf(RowClearingException.class);
        assertThat(c.stats("p").rows()).isEqualTo(2);

        List<BatchMeta> deleted = new ArrayList<>();
        c.clearSamples(rows, m -> {
            deleted.add(m);
            return CompletableFuture.completedFuture(null);
        }).join();
        assertThat(deleted.get(0).globalIndexes()).containsExactly(rows.globalIndexes());
        assertThat(deleted.get(0).fieldNames()).containsExactly("x");
        assertThat(c.stats("p").rows()).isZero();
        c.clearSamples(rows, m -> CompletableFuture.completedFuture(null)).join();
    }

    @Test
    void clearRacingAPutKeepsTheNewData() throws Exception {
        BatchMeta old = insert(c, "p", 2);
        produce(c, old, "x");
        CountDownLatch inDelete = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CompletableFuture<Void> clearing = CompletableFuture.runAsync(() -> c.clearSamples(old, m -> {
            inDelete.countDown();
            try {
                proceed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(null);
        }).join());
        assertThat(inDelete.await(10, TimeUnit.SECONDS)).isTrue();
        BatchMeta fresh = insert(c, "p", 2);
        produce(c, fresh, "x");
        assertThat(fresh.globalIndexes()).doesNotContain(old.globalIndexes());
        proceed.countDown();
        clearing.get(10, TimeUnit.SECONDS);
        assertThat(fetch(c, "p", "t", 2, "x").globalIndexes()).containsExactly(fresh.globalIndexes());
    }

    @Test
    void clearPartitionDropsItWithItsStateButKeepsRowsInsertedMeanwhile() {
        BatchMeta rows = insert(c, "p", 3);
        produce(c, rows, "x");
        fetch(c, "p", "t", 3, "x");
        BatchMeta begun = c.beginClearPartition("p");
        BatchMeta late = insert(c, "p", 1);
        c.finishClearPartition("p", begun);
        assertThat(c.partitions()).containsExactly("p");
        assertThat(c.stats("p").rows()).isEqualTo(1);
        c.clearPartition("p", m -> CompletableFuture.completedFuture(null)).join();
        assertThat(c.partitions()).isEmpty();
        assertThatThrownBy(() -> c.stats("p")).isInstanceOf(PartitionNotFoundException.class);
        c.clearPartition("p", m -> CompletableFuture.completedFuture(null)).join();
        assertThat(late.size()).isEqualTo(1);
    }

    @Test
    void tagsAndBackendMetaArriveTogetherWithReadiness() {
        BatchMeta rows = insert(c, "p", 2);
        c.notifyProduced(new ProduceNotice(rows, Map.of("x", FieldSchema.dense(DType.INT64, new int[0])),
                Map.of("x", List.of("m0", "m1")), List.of(Map.of("uid", "a"), Map.of("uid", "b")), TagMode.MERGE,
                null));
        BatchMeta got = fetch(c, "p", "t", 2, "x");
        assertThat(got.tags(0)).containsEntry("uid", "a");
        assertThat(got.backendMeta("x", 1)).isEqualTo("m1");
        c.setTags(got, List.of(Map.of("v", 1), Map.of()), TagMode.MERGE);
        BatchMeta all = c.getMeta(GetMetaRequest.forceFetch("p", List.of("x"))).join();
        assertThat(all.tags(0)).containsEntry("uid", "a").containsEntry("v", 1L);
        c.setTags(got, List.of(Map.of("w", 2), Map.of()), TagMode.REPLACE);
        assertThat(c.getMeta(GetMetaRequest.forceFetch("p", List.of())).join().tags(0)).containsOnlyKeys("w");
    }

    @Test
    void dtypeConflictIsReturnedToTheProducerAndChangesNothing() {
        BatchMeta rows = insert(c, "p", 2);
        produce(c, rows.selectRows(0), "x");
        assertThatThrownBy(() -> c.notifyProduced(ProduceNotice.of(rows.selectRows(1),
                Map.of("x", FieldSchema.dense(DType.INT32, new int[] {4}), "y", FieldSchema.object()), Map.of())))
                .isInstanceOf(SchemaConflictException.class).hasMessageContaining("float32").hasMessageContaining("int32");
        assertThat(c.stats("p").producedPerField()).containsOnlyKeys("x").containsEntry("x", 1L);
        assertThatThrownBy(() -> c.notifyProduced(ProduceNotice.of(rows.selectRows(1),
                Map.of("x", FieldSchema.object()), Map.of()))).isInstanceOf(SchemaConflictException.class);
    }

    @Test
    void denseFieldIsPromotedToJaggedWhenShapesDifferAndDemotedWhenTheyAgreeAgain() {
        BatchMeta rows = insert(c, "p", 3);
        c.notifyProduced(ProduceNotice.of(rows.selectRows(0, 1), Map.of("x", FieldSchema.dense(DType.FLOAT32,
                new int[] {4})), Map.of()));
        c.notifyProduced(ProduceNotice.of(rows.selectRows(2), Map.of("x", FieldSchema.dense(DType.FLOAT32,
                new int[] {7})), Map.of()));
        BatchMeta all = c.getMeta(GetMetaRequest.forceFetch("p", List.of("x"))).join();
        FieldSchema s = all.schema("x");
        assertThat(s.kind()).isEqualTo(ColumnKind.JAGGED);
        assertThat(s.rowShape(0)).containsExactly(4);
        assertThat(s.rowShape(2)).containsExactly(7);
        BatchMeta firstTwo = fetch(c, "p", "t", 2, "x");
        assertThat(firstTwo.schema("x").kind()).isEqualTo(ColumnKind.DENSE);
        c.clearSamples(rows.selectRows(2), m -> CompletableFuture.completedFuture(null)).join();
        BatchMeta rest = c.getMeta(GetMetaRequest.forceFetch("p", List.of("x"))).join();
        assertThat(rest.schema("x")).isEqualTo(FieldSchema.dense(DType.FLOAT32, new int[] {4}));
    }

    @Test
    void jaggedPutStaysJaggedEvenWhenRowsHappenToAgree() {
        BatchMeta rows = insert(c, "p", 2);
        c.notifyProduced(ProduceNotice.of(rows, Map.of("x", FieldSchema.jagged(DType.INT64,
                new int[][] {{3}, {3}})), Map.of()));
        assertThat(fetch(c, "p", "t", 2, "x").schema("x").kind()).isEqualTo(ColumnKind.JAGGED);
    }

    @Test
    void badRequestsGetTypedErrorsAndTheControllerKeepsServing() {
        BatchMeta rows = insert(c, "p", 3);
        produce(c, rows, "x");
        assertThatThrownBy(() -> c.getMeta(GetMetaRequest.fetch("p", null, List.of("x"), 1)).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1).withSampler("nope")).join())
                .hasCauseInstanceOf(InvalidRequestException.class).hasMessageContaining("sequential");
        assertThatThrownBy(() -> c.getMeta(GetMetaRequest.fetch("p", "t", List.of(), 1)).join())
                .hasCauseInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 3).withSampler("grpo-group-n")
                .withSampling(io.transferqueue.spi.SamplingParams.none().withExtra("n-samples-per-prompt", 2))).join())
                .hasCauseInstanceOf(InvalidRequestException.class).hasMessageContaining("multiple");
        assertThatThrownBy(() -> c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1).withSampler("rank-aware"))
                .join()).hasCauseInstanceOf(InvalidRequestException.class);
        assertThat(fetch(c, "p", "t", 3, "x").size()).isEqualTo(3);
    }

    @Test
    void completePartitionGivesALastSmallerBatchAndThenSignalsExhaustion() throws Exception {
        BatchMeta rows = insert(c, "p", 5);
        produce(c, rows, "x");
        assertThat(fetch(c, "p", "t", 4, "x").size()).isEqualTo(4);
        CompletableFuture<BatchMeta> waiting = c.getMeta(Fixtures.waitingFetch("p", "t", 4, "x"));
        assertThat(waiting).isNotDone();
        c.markComplete("p");
        assertThat(waiting.get(10, TimeUnit.SECONDS).size()).isEqualTo(1);
        BatchMeta end = c.getMeta(Fixtures.waitingFetch("p", "t", 4, "x")).get(10, TimeUnit.SECONDS);
        assertThat(end.isEmpty()).isTrue();
        assertThat(end.extraInfo()).containsEntry(GetMetaRequest.EXHAUSTED, true);
        assertThatThrownBy(() -> insert(c, "p", 1)).hasCauseInstanceOf(InvalidRequestException.class);
    }

    @Test
    void expectedRowCountCompletesThePartitionOnceReached() throws Exception {
        c.expectRows("p", 2);
        BatchMeta a = insert(c, "p", 1);
        produce(c, a, "x");
        assertThat(fetch(c, "p", "t", 1, "x").size()).isEqualTo(1);
        CompletableFuture<BatchMeta> w = c.getMeta(Fixtures.waitingFetch("p", "t", 1, "x"));
        BatchMeta b = insert(c, "p", 1);
        assertThat(w).isNotDone();
        produce(c, b, "x");
        assertThat(w.get(10, TimeUnit.SECONDS).globalIndexes()).containsExactly(b.globalIndexes());
        assertThat(c.getMeta(Fixtures.waitingFetch("p", "t", 1, "x")).get(10, TimeUnit.SECONDS).extraInfo())
                .containsEntry(GetMetaRequest.EXHAUSTED, true);
    }

    @Test
    void memoryFollowsLiveRowsNotTheLargestIndex() {
        BatchMeta big = insert(c, "big", 100_000);
        produce(c, big, "x");
        long full = c.heapBytes();
        c.clearSamples(big.slice(0, 99_990), m -> CompletableFuture.completedFuture(null)).join();
        BatchMeta small = insert(c, "small", 10);
        produce(c, small, "x");
        assertThat(small.globalIndex(0)).isZero();
        long after = c.heapBytes();
        assertThat(after).isLessThan(full / 4);
    }

    @Test
    void kvKeysBecomeVisibleOnlyWithTheirDataAndAbortLeavesNoOrphans() {
        KvRows prepared = c.kvPrepare("p", List.of("a", "b"));
        assertThat(prepared.created()).containsExactly(true, true);
        assertThat(c.kvList("p")).isEmpty();
        c.notifyProduced(new ProduceNotice(prepared.meta().selectRows(0), Map.of("x", FieldSchema.object()), Map.of(),
                List.of(Map.of("tag", 1)), TagMode.MERGE, List.of("a")));
        c.kvAbort(prepared.meta());
        assertThat(c.kvList("p")).containsOnlyKeys("a");
        assertThat(c.stats("p").rows()).isEqualTo(1);
        KvRows again = c.kvPrepare("p", List.of("a"));
        assertThat(again.created()).containsExactly(false);
        assertThat(again.meta().fieldNames()).containsExactly("x");
        assertThatThrownBy(() -> c.kvLookup("p", List.of("a", "zz"), null, false, false))
                .hasMessageContaining("zz");
        KvRows found = c.kvLookup("p", List.of("a", "zz"), null, false, true);
        assertThat(found.keys()).containsExactly("a");
        assertThat(found.missing()).containsExactly("zz");
    }

    @Test
    void kvLookupNamesTheKeyAndFieldARowLacksUnlessCommonFieldsAreAsked() {
        KvRows prepared = c.kvPrepare("p", List.of("a", "b"));
        c.notifyProduced(new ProduceNotice(prepared.meta(), Map.of("x", FieldSchema.object()), Map.of(), null,
                TagMode.MERGE, List.of("a", "b")));
        c.notifyProduced(ProduceNotice.of(prepared.meta().selectRows(0), Map.of("y", FieldSchema.object()), Map.of()));
        assertThatThrownBy(() -> c.kvLookup("p", List.of("a", "b"), null, false, false))
                .hasMessageContaining("'b'").hasMessageContaining("'y'");
        assertThat(c.kvLookup("p", List.of("a", "b"), null, true, false).meta().fieldNames()).containsExactly("x");
    }

    private static long[] range(long from, long to) {
        long[] r = new long[(int) (to - from)];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
