package io.transferqueue.controller;

import static io.transferqueue.controller.Fixtures.insert;
import static io.transferqueue.controller.Fixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.SamplingParams;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SamplingThroughControllerTest {

    private static GetMetaRequest rank(String sampler, int group, int batchIndex, int n) {
        return GetMetaRequest.fetch("p", "train", List.of("x"), n).withSampler(sampler)
                .withSampling(SamplingParams.of(group, 2, batchIndex));
    }

    @Test
    void ranksOfOneGroupArrivingAtDifferentTimesWithDifferentReadySetsGetTheIdenticalBatch() throws Exception {
        try (Controller c = Fixtures.controller()) {
            BatchMeta first = insert(c, "p", 2);
            produce(c, first, "x");
            BatchMeta g0r0 = c.getMeta(rank("rank-aware", 0, 0, 2)).join();
            BatchMeta more = insert(c, "p", 4);
            produce(c, more, "x");
            BatchMeta g1 = c.getMeta(rank("rank-aware", 1, 0, 2)).join();
            BatchMeta g0r1 = c.getMeta(rank("rank-aware", 0, 0, 2)).join();
            assertThat(g0r1.globalIndexes()).containsExactly(g0r0.globalIndexes());
            assertThat(g0r1.handles()).isEqualTo(g0r0.handles());
            Set<Long> shared = new HashSet<>();
            for (long gi : g1.globalIndexes()) {
                shared.add(gi);
            }
            for (long gi : g0r0.globalIndexes()) {
                assertThat(shared).doesNotContain(gi);
            }
            CompletableFuture<BatchMeta> waitingOtherRank = c.getMeta(rank("rank-aware", 1, 0, 2)
                    .withWait(java.time.Duration.ofSeconds(30)));
            assertThat(waitingOtherRank.get(10, TimeUnit.SECONDS).globalIndexes()).containsExactly(g1.globalIndexes());
        }
    }

    @Test
    void cachedBatchWhoseRowsWereClearedIsRefusedWithATypedError() {
        try (Controller c = Fixtures.controller()) {
            BatchMeta rows = insert(c, "p", 4);
            produce(c, rows, "x");
            BatchMeta got = c.getMeta(rank("rank-aware", 0, 0, 2)).join();
            c.clearSamples(got, m -> CompletableFuture.completedFuture(null)).join();
            assertThatThrownBy(() -> c.getMeta(rank("rank-aware", 0, 0, 2)).join())
                    .hasCauseInstanceOf(StaleHandleException.class);
        }
    }

    @Test
    void grpoGroupsFollowInsertionEvenWhenRecycledIndexesAreNotConsecutive() {
        try (Controller c = Fixtures.controller()) {
            BatchMeta filler = insert(c, "other", 6);
            c.clearSamples(filler.selectRows(0, 2, 4), m -> CompletableFuture.completedFuture(null)).join();
            BatchMeta group = insert(c, "p", 4);
            assertThat(group.globalIndexes()).containsExactly(0, 2, 4, 6);
            produce(c, group, "x");
            BatchMeta got = c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 4).withSampler("grpo-group-n")
                    .withSampling(SamplingParams.none().withExtra("n-samples-per-prompt", 4))).join();
            assertThat(got.globalIndexes()).containsExactly(0, 2, 4, 6);
        }
    }

    @Test
    void seqlenBalancedUsesTagsLandedWithReadinessAndNoRankReselectsAnotherRanksRows() {
        try (Controller c = Fixtures.controller()) {
            BatchMeta rows = insert(c, "p", 8);
            List<Map<String, Object>> tags = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tags.add(Map.of("total_lengths", (long) (i + 1) * 10));
            }
            c.notifyProduced(new ProduceNotice(rows, Map.of("x", io.transferqueue.meta.FieldSchema.object()), Map.of(),
                    tags, TagMode.MERGE, null));
            BatchMeta r0b0 = c.getMeta(rank("seqlen-balanced", 0, 0, 2)).join();
            BatchMeta r0b1 = c.getMeta(rank("seqlen-balanced", 0, 1, 2)).join();
            BatchMeta r1b0 = c.getMeta(rank("seqlen-balanced", 1, 0, 2)).join();
            BatchMeta r1b1 = c.getMeta(rank("seqlen-balanced", 1, 1, 2)).join();
            Set<Long> all = new HashSet<>();
            for (BatchMeta m : List.of(r0b0, r0b1, r1b0, r1b1)) {
                assertThat(m.size()).isEqualTo(2);
                for (long gi : m.globalIndexes()) {
                    assertThat(all.add(gi)).as("row %s given twice", gi).isTrue();
                }
            }
            assertThat(all).hasSize(8);
        }
    }

    @Test
    void aRankWhoseShareOfTheLastBatchIsEmptyIsAnsweredAtOnceAndTheOthersSharesAreConsumed() {
        try (Controller c = Fixtures.controller()) {
            BatchMeta rows = insert(c, "p", 1);
            produce(c, rows, "x");
            c.markComplete("p");
            BatchMeta rank1 = c.getMeta(rank("seqlen-balanced", 1, 0, 2)
                    .withWait(java.time.Duration.ofSeconds(30))).join();
            assertThat(rank1.isEmpty()).isTrue();
            assertThat(rank1.extraInfo()).containsEntry(GetMetaRequest.EMPTY_SHARE, true);
            assertThat(c.stats("p").consumedPerTask()).containsEntry("train", 1L);
            BatchMeta rank0 = c.getMeta(rank("seqlen-balanced", 0, 0, 2)).join();
            assertThat(rank0.globalIndexes()).containsExactly(rows.globalIndexes());
            for (int r = 0; r < 2; r++) {
                assertThat(c.getMeta(rank("seqlen-balanced", r, 1, 2).withWait(java.time.Duration.ofSeconds(30)))
                        .join().extraInfo()).containsEntry(GetMetaRequest.EXHAUSTED, true);
            }
        }
    }
}
