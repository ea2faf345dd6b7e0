package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.backend.redis.ChunkPlan.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class ChunkPlanTest {

    @Test
    void standaloneKeysAreCutIntoRunsOfAtMostMaxBytesInOrder() {
        long[] sizes = {40, 40, 40, 10, 100, 1, 1};

        List<Chunk> plan = ChunkPlan.plan(sizes.length, null, i -> sizes[i], 100, 1024);

        assertThat(plan).extracting(c -> List.of(box(c.indexes()))).containsExactly(List.of(0, 1), List.of(2, 3),
                List.of(4), List.of(5, 6));
        assertThat(plan).extracting(Chunk::bytes).containsExactly(80L, 50L, 100L, 2L);
    }

    @Test
    void aKeyLargerThanMaxBytesIsACommandOfItsOwn() {
        long[] sizes = {10, 5000, 10};

        List<Chunk> plan = ChunkPlan.plan(3, null, i -> sizes[i], 100, 1024);

        assertThat(plan).extracting(c -> List.of(box(c.indexes()))).containsExactly(List.of(0), List.of(1), List.of(2));
    }

    @Test
    void maxKeysCapsEveryChunk() {
        List<Chunk> plan = ChunkPlan.plan(10, null, i -> 1, 1 << 20, 4);

        assertThat(plan).extracting(Chunk::size).containsExactly(4, 4, 2);
    }

    @Test
    void clusterKeysAreGroupedBySlotKeepingTheirOrderWithinASlot() {
        int[] slots = {7, 3, 7, 16383, 3, 7};

        List<Chunk> plan = ChunkPlan.plan(6, slots, i -> 1, 1 << 20, 1024);

        assertThat(plan).extracting(c -> List.of(box(c.indexes()))).containsExactly(List.of(1, 4), List.of(0, 2, 5),
                List.of(3));
    }

    @Test
    void noKeysNoChunks() {
        assertThat(ChunkPlan.plan(0, null, i -> 1, 10, 10)).isEmpty();
        assertThat(ChunkPlan.plan(0, new int[0], i -> 1, 10, 10)).isEmpty();
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> ChunkPlan.plan(1, null, i -> 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkPlan.plan(1, null, i -> 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkPlan.plan(2, new int[1], i -> 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkPlan.plan(1, new int[] {16384}, i -> 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Every key exactly once; one slot per chunk; limits kept unless a key alone exceeds them; order kept. */
    @RepeatedTest(50)
    void randomPlansKeepEveryRule(RepetitionInfo rep) {
        long seed = 1000L + rep.getCurrentRepetition();
        Random r = new Random(seed);
        int n = r.nextInt(400);
        boolean cluster = r.nextBoolean();
        int[] slots = cluster ? new int[n] : null;
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = r.nextInt(10) == 0 ? r.nextInt(5000) : r.nextInt(300);
            if (cluster) {
                slots[i] = r.nextInt(8) * 2000;
            }
        }
        long maxBytes = 1 + r.nextInt(2000);
        int maxKeys = 1 + r.nextInt(20);

        List<Chunk> plan = ChunkPlan.plan(n, slots, i -> sizes[i], maxBytes, maxKeys);

        boolean[] seen = new boolean[n];
        for (Chunk c : plan) {
            String why = "seed " + seed + ", " + c;
            assertThat(c.size()).as(why).isBetween(1, maxKeys);
            long bytes = 0;
            for (int k = 0; k < c.size(); k++) {
                int i = c.indexes()[k];
                assertThat(seen[i]).as(why + ": key %d twice", i).isFalse();
                seen[i] = true;
                bytes += sizes[i];
                if (k > 0) {
                    assertThat(i).as(why + ": order within a chunk").isGreaterThan(c.indexes()[k - 1]);
                    if (cluster) {
                        assertThat(slots[i]).as(why + ": one slot per chunk").isEqualTo(slots[c.indexes()[0]]);
                    }
                }
            }
            assertThat(c.bytes()).as(why).isEqualTo(bytes);
            if (c.size() > 1) {
                assertThat(bytes).as(why + ": bytes of a multi-key chunk").isLessThanOrEqualTo(maxBytes);
            }
        }
        for (int i = 0; i < n; i++) {
            assertThat(seen[i]).as("seed %d: key %d in no chunk", seed, i).isTrue();
        }
    }

    private static Integer[] box(int[] a) {
        List<Integer> out = new ArrayList<>();
        for (int x : a) {
            out.add(x);
        }
        return out.toArray(new Integer[0]);
    }
}
