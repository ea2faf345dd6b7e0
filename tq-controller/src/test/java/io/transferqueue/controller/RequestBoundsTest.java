package io.transferqueue.controller;

import static io.transferqueue.controller.Fixtures.fetch;
import static io.transferqueue.controller.Fixtures.insert;
import static io.transferqueue.controller.Fixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.data.DType;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.SamplingParams;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Client-chosen sizes are bounded before anything is allocated or registered; a refused request changes nothing. */
class RequestBoundsTest {
    private final Controller c = Fixtures.controller();

    @AfterEach
    void close() {
        c.close();
    }

    /** The error of a request, whether it is thrown while the request is built or sent, or fails the future. */
    private static Throwable failureOf(Supplier<CompletableFuture<?>> call) {
        try {
            call.get().join();
        } catch (CompletionException e) {
            return e.getCause();
        } catch (RuntimeException | Error e) {
            return e;
        }
        throw new AssertionError("the request succeeded");
    }

    @Test
    void anInsertAboveTheWireRowLimitIsRefusedBeforeAnythingIsAllocated() {
        assertThat(failureOf(() -> c.getMeta(GetMetaRequest.insert("p", Integer.MAX_VALUE))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("67108864");
        assertThat(failureOf(() -> c.getMeta(GetMetaRequest.insert("p", (1 << 26) + 1))))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(failureOf(() -> c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), Integer.MAX_VALUE))))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(c.partitions()).isEmpty();
        assertThat(c.indexCounters()[0]).isZero();
        assertThat(insert(c, "p", 2).globalIndexes()).containsExactly(0, 1);
    }

    @Test
    void aSeqlenBalancedFetchWithAHugeDpSizeIsRefusedAndConsumesNothing() {
        BatchMeta rows = insert(c, "p", 3);
        produce(c, rows, "x");
        c.markComplete("p");
        for (int dpSize : new int[] {Integer.MAX_VALUE, (1 << 20) + 1}) {
            assertThat(failureOf(() -> c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1)
                    .withSampler("seqlen-balanced").withSampling(new SamplingParams(0, dpSize, 0, Map.of())))))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("dp size");
        }
        assertThat(failureOf(() -> c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1)
                .withSampler("seqlen-balanced").withSampling(SamplingParams.of(2, 2, 0)))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("dp rank 2");
        assertThat(c.stats("p").consumedPerTask()).doesNotContainKey("t");
        // the largest dp size is served with the rows there are: rank 0 gets one row, the others nothing
        BatchMeta mine = c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1).withSampler("seqlen-balanced")
                .withSampling(SamplingParams.of(0, 1 << 20, 0))).join();
        assertThat(mine.size()).isEqualTo(1);
        assertThat(c.stats("p").consumedPerTask()).containsEntry("t", 3L);
    }

    @Test
    void aWaitTooLongToCountInNanosecondsIsShortenedAndLeavesNoGhostWaiter() throws Exception {
        GetMetaRequest r = GetMetaRequest.fetch("p", "t", List.of("x"), 2).withWait(Duration.ofMillis(Long.MAX_VALUE));
        assertThat(r.maxWait()).isEqualTo(Duration.ofDays(365));
        CompletableFuture<BatchMeta> f;
        try {
            f = c.getMeta(r);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        assertThat(f).isNotDone();
        assertThat(c.waitingFetches()).isEqualTo(1);
        BatchMeta rows = insert(c, "p", 2);
        c.notifyProduced(ProduceNotice.of(rows, Map.of("x", FieldSchema.dense(DType.INT32, new int[] {1})), Map.of()));
        assertThat(f.get(10, TimeUnit.SECONDS).globalIndexes()).containsExactly(rows.globalIndexes());
        assertThat(c.waitingFetches()).isZero();
        assertThat(fetch(c, "p", "t", 2, "x").isEmpty()).isTrue();
        assertThat(c.stats("p").consumedPerTask()).containsEntry("t", 2L);
    }

    @Test
    void closeFailsAParkedFetchWithTheLongestWait() {
        CompletableFuture<BatchMeta> parked = c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1)
                .withWait(Duration.ofSeconds(Long.MAX_VALUE)));
        assertThat(c.waitingFetches()).isEqualTo(1);
        c.close();
        assertThatThrownBy(parked::join).hasCauseInstanceOf(ClosedException.class);
    }

    @Test
    void repeatedFieldNamesCountOnceInEveryMode() {
        BatchMeta rows = insert(c, "p", 1000);
        produce(c, rows, "x");
        List<String> repeated = Collections.nCopies(100_000, "x");
        assertThat(GetMetaRequest.forceFetch("p", repeated).fields()).containsExactly("x");
        assertThat(GetMetaRequest.fetch("p", "t", List.of("y", "x", "y"), 1).fields()).containsExactly("y", "x");
        BatchMeta all = c.getMeta(GetMetaRequest.forceFetch("p", repeated)).join();
        assertThat(all.size()).isEqualTo(1000);
        assertThat(all.fieldNames()).containsExactly("x");
        assertThat(all.isReady()).isTrue();
        BatchMeta unknown = c.getMeta(GetMetaRequest.forceFetch("p", List.of("x", "y", "x"))).join();
        assertThat(unknown.fieldNames()).containsExactly("x");
        assertThat(unknown.isReady(0)).isFalse();
        assertThat(c.getMeta(GetMetaRequest.fetch("p", "t", repeated, 1000)).join().size()).isEqualTo(1000);

        KvRows kv = c.kvPrepare("kv", List.of("a"));
        c.notifyProduced(new ProduceNotice(kv.meta(), Map.of("x", FieldSchema.object()), Map.of(), null,
                TagMode.MERGE, List.of("a")));
        assertThat(c.kvLookup("kv", List.of("a"), repeated, false, false).meta().fieldNames()).containsExactly("x");
        assertThat(c.kvLookup("kv", List.of("a"), repeated, true, false).meta().fieldNames()).containsExactly("x");
    }

    @Test
    void moreDistinctFieldsThanTheLimitAreRefused() {
        BatchMeta rows = insert(c, "p", 2);
        produce(c, rows, "x");
        List<String> limit = IntStream.range(0, 4096).mapToObj(i -> "f" + i).toList();
        List<String> over = IntStream.range(0, 4097).mapToObj(i -> "f" + i).toList();
        assertThat(c.getMeta(GetMetaRequest.forceFetch("p", limit)).join().size()).isEqualTo(2);
        assertThat(failureOf(() -> c.getMeta(GetMetaRequest.forceFetch("p", over))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("4096");
        assertThat(failureOf(() -> c.getMeta(GetMetaRequest.fetch("p", "t", over, 1))))
                .isInstanceOf(InvalidRequestException.class);
        c.kvPrepare("kv", List.of("a"));
        assertThatThrownBy(() -> c.kvLookup("kv", List.of("a"), over, true, false))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(c.waitingFetches()).isZero();
        assertThat(fetch(c, "p", "t", 2, "x").size()).isEqualTo(2);
    }
}
