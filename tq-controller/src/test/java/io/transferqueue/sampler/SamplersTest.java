package io.transferqueue.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.spi.SampleResult;
import io.transferqueue.spi.SamplingContext;
import io.transferqueue.spi.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SamplersTest {
    private static final SamplingContext CTX = new SamplingContext("p", "t", false);
    private static final SamplingContext COMPLETE = new SamplingContext("p", "t", true);

    @Test
    void sequentialTakesTheOldestRowsAllOrNothing() {
        SequentialSampler s = new SequentialSampler();
        assertThat(s.sample(CTX, new ListReadyRows(), 2, SamplingParams.none()).isEmpty()).isTrue();
        SampleResult r = s.sample(CTX, new ListReadyRows(5, 3, 9), 2, SamplingParams.none());
        assertThat(r.sampled()).containsExactly(5, 3);
        assertThat(r.consumed()).containsExactly(5, 3);
        assertThat(s.sample(CTX, new ListReadyRows(1, 2), 3, SamplingParams.none()).isEmpty()).isTrue();
        assertThat(s.sample(COMPLETE, new ListReadyRows(1, 2), 3, SamplingParams.none()).sampled()).containsExactly(1, 2);
    }

    @Test
    void grpoReturnsWholeGroupsOfConsecutiveRowsOnly() {
        GrpoGroupNSampler s = new GrpoGroupNSampler(3);
        assertThat(s.sample(CTX, new ListReadyRows(0, 1, 3, 4, 6, 7), 6, SamplingParams.none()).isEmpty()).isTrue();
        assertThat(s.sample(CTX, new ListReadyRows(0, 1, 3, 4, 5, 6, 7, 9, 10, 11), 6, SamplingParams.none()).sampled())
                .containsExactly(3, 4, 5, 9, 10, 11);
        GrpoGroupNSampler four = new GrpoGroupNSampler(4);
        assertThat(four.sample(CTX, new ListReadyRows(5, 6, 7, 8, 9, 10, 11, 12), 8, SamplingParams.none()).sampled())
                .containsExactly(5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(four.sample(CTX, new ListReadyRows(LongStream.range(0, 16).toArray()), 20, SamplingParams.none())
                .isEmpty()).isTrue();
        assertThatThrownBy(() -> s.sample(CTX, new ListReadyRows(0, 1, 2), 4, SamplingParams.none()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple");
        assertThatThrownBy(() -> new GrpoGroupNSampler(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void grpoGroupSizeCanBeOverriddenPerRequestAndIsCachedPerRankAndBatch() {
        GrpoGroupNSampler s = new GrpoGroupNSampler(1);
        SamplingParams p = SamplingParams.of(0, 1, 7).withExtra(GrpoGroupNSampler.N_PARAM, 2);
        SampleResult first = s.sample(CTX, new ListReadyRows(1, 2, 4, 5), 2, p);
        assertThat(first.sampled()).containsExactly(1, 2);
        assertThat(s.sample(CTX, new ListReadyRows(4, 5), 2, p).sampled()).containsExactly(1, 2);
        s.dropPartition("p");
        assertThat(s.sample(CTX, new ListReadyRows(4, 5), 2, p).sampled()).containsExactly(4, 5);
    }

    @Test
    void rankAwareReplaysTheSameBatchPerGroupAndBatchIndex() {
        RankAwareSampler s = new RankAwareSampler();
        SampleResult a = s.sample(CTX, new ListReadyRows(0, 1, 2, 3), 2, SamplingParams.of(0, 2, 0));
        assertThat(a.sampled()).containsExactly(0, 1);
        assertThat(s.sample(CTX, new ListReadyRows(2, 3), 2, SamplingParams.of(0, 2, 0)).sampled()).containsExactly(0, 1);
        assertThat(s.sample(CTX, new ListReadyRows(2, 3), 2, SamplingParams.of(0, 2, 1)).sampled()).containsExactly(2, 3);
        assertThat(s.sample(new SamplingContext("p", "other", false), new ListReadyRows(2, 3), 2,
                SamplingParams.of(0, 2, 0)).sampled()).containsExactly(2, 3);
        assertThat(s.sample(CTX, new ListReadyRows(9), 2, SamplingParams.of(1, 2, 0)).isEmpty()).isTrue();
        assertThatThrownBy(() -> s.sample(CTX, new ListReadyRows(1), 1, SamplingParams.none()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void karmarkarKarpBalancesAndCoversEveryItemOnce() {
        List<int[]> two = KarmarkarKarp.partition(new long[] {10, 20, 30, 40}, 2, true);
        assertThat(two).allSatisfy(p -> assertThat(p).hasSize(2));
        assertThat(sum(new long[] {10, 20, 30, 40}, two.get(0))).isEqualTo(50);
        long[] w = {100, 90, 50, 10, 5, 1};
        List<int[]> parts = KarmarkarKarp.partition(w, 2, false);
        assertThat(Math.abs(sum(w, parts.get(0)) - sum(w, parts.get(1)))).isLessThanOrEqualTo(100);
        assertThat(KarmarkarKarp.partition(new long[] {3, 1, 2}, 1, false).get(0)).containsExactly(0, 1, 2);
        assertThat(KarmarkarKarp.partition(new long[] {50, 50, 50, 50}, 2, false))
                .allSatisfy(p -> assertThat(sum(new long[] {50, 50, 50, 50}, p)).isEqualTo(100));
        assertThatThrownBy(() -> KarmarkarKarp.partition(new long[] {10, 20, 30}, 2, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KarmarkarKarp.partition(new long[] {1}, 3, false))
                .isInstanceOf(IllegalArgumentException.class);
        Random rnd = new Random(42);
        for (int t = 0; t < 50; t++) {
            int n = 4 + rnd.nextInt(60);
            long[] ws = rnd.longs(n, 1, 1000).toArray();
            int k = 1 + rnd.nextInt(Math.min(n, 8));
            List<int[]> ps = KarmarkarKarp.partition(ws, k, false);
            int[] seen = new int[n];
            long max = 0;
            long min = Long.MAX_VALUE;
            for (int[] p : ps) {
                assertThat(p).isNotEmpty().isSorted();
                for (int i : p) {
                    seen[i]++;
                }
                max = Math.max(max, sum(ws, p));
                min = Math.min(min, sum(ws, p));
            }
            assertThat(seen).containsOnly(1);
            assertThat(max - min).isLessThanOrEqualTo(Arrays.stream(ws).max().getAsLong());
        }
    }

    @Test
    void seqlenBalancedKeepsGroupsWholeBalancesRanksAndConsumesEveryShareAtOnce() {
        Map<Long, Long> len = new HashMap<>();
        long[] ids = LongStream.range(0, 8).toArray();
        long[] lengths = {100, 100, 10, 10, 60, 60, 40, 40};
        for (int i = 0; i < 8; i++) {
            len.put(ids[i], lengths[i]);
        }
        SeqlenBalancedSampler s = new SeqlenBalancedSampler(2, 2, null);
        SampleResult rank0 = s.sample(CTX, new ListReadyRows(len, ids), 4, SamplingParams.of(0, 2, 0));
        assertThat(rank0.consumed()).hasSize(8);
        SampleResult rank1 = s.sample(CTX, new ListReadyRows(), 4, SamplingParams.of(1, 2, 0));
        assertThat(rank1.consumed()).isEmpty();
        List<Long> union = new ArrayList<>();
        for (long id : rank0.sampled()) {
            union.add(id);
        }
        for (long id : rank1.sampled()) {
            union.add(id);
        }
        assertThat(union).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(List.of(sumOf(len, rank0.sampled()), sumOf(len, rank1.sampled()))).containsExactlyInAnyOrder(200L, 220L);
        for (long[] part : List.of(rank0.sampled(), rank1.sampled())) {
            for (long id : part) {
                long mate = id % 2 == 0 ? id + 1 : id - 1;
                assertThat(part).contains(mate);
            }
        }
        assertThat(s.sample(CTX, new ListReadyRows(), 4, SamplingParams.of(5, 6, 0)).sampled()).isEmpty();
        assertThatThrownBy(() -> s.sample(CTX, new ListReadyRows(ids), 3, SamplingParams.of(0, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seqlenBalancedWorkFollowsTheRowsNotTheDpSizeARequestNames() {
        assertThat(SeqlenBalancedSampler.balance(new long[] {7, 8}, new long[] {1, 1}, 1, 1 << 20)).hasSize(2);
        SeqlenBalancedSampler s = new SeqlenBalancedSampler(1, 1, null);
        SampleResult last = s.sample(COMPLETE, new ListReadyRows(4, 5, 6), 1, SamplingParams.of(0, 1 << 20, 0));
        assertThat(last.sampled()).hasSize(1);
        assertThat(last.consumed()).containsExactlyInAnyOrder(4, 5, 6);
        assertThat(s.sample(COMPLETE, new ListReadyRows(), 1, SamplingParams.of((1 << 20) - 1, 1 << 20, 0)).emptyShare())
                .isTrue();
        assertThatThrownBy(() -> s.sample(CTX, new ListReadyRows(1), 1 << 12, SamplingParams.of(0, 1 << 20, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("global batch size");
    }

    @Test
    void karmarkarKarpWithAsManyPartsAsItemsStaysLinearInMemory() {
        int n = 20_000;
        long[] w = new Random(7).longs(n, 1, 1000).toArray();
        List<int[]> parts = KarmarkarKarp.partition(w, n / 2, false);
        assertThat(parts).hasSize(n / 2).allSatisfy(p -> assertThat(p).isNotEmpty().isSorted());
        assertThat(parts.stream().mapToInt(p -> p.length).sum()).isEqualTo(n);
        long max = parts.stream().mapToLong(p -> sum(w, p)).max().getAsLong();
        long min = parts.stream().mapToLong(p -> sum(w, p)).min().getAsLong();
        assertThat(max - min).isLessThanOrEqualTo(Arrays.stream(w).max().getAsLong());
        long[] one = LongStream.range(0, n).toArray();
        assertThat(KarmarkarKarp.partition(one, 1, true)).singleElement()
                .satisfies(p -> assertThat(p).hasSize(n).isSorted());
    }

    private static long sum(long[] w, int[] p) {
        long s = 0;
        for (int i : p) {
            s += w[i];
        }
        return s;
    }

    private static long sumOf(Map<Long, Long> len, long[] ids) {
        long s = 0;
        for (long id : ids) {
            s += len.get(id);
        }
        return s;
    }
}
