package io.transferqueue.meta;

import static io.transferqueue.testing.RandomData.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.testing.RandomData;
import io.transferqueue.testing.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Algebraic laws of {@link BatchMeta} over many random metas (lessons K6: the laws upstream broke). */
class BatchMetaLawsTest {
    private static final int ITERATIONS = 400;

    @Test
    void concatOfChunksIsTheOriginal() {
        long seed = Seeds.seed(1001);
        Random r = new Random(seed);
        for (int k = 0; k < ITERATIONS; k++) {
            int size = r.nextInt(20);
            BatchMeta m = RandomData.meta(r, size);
            int n = 1 + r.nextInt(size + 5); // includes n > size
            String before = render(m);
            List<BatchMeta> chunks = m.chunk(n);
            assertThat(chunks).as("seed %d iteration %d", seed, k).hasSize(n);
            int expectedLarge = size % n;
            for (int i = 0; i < n; i++) {
                assertThat(chunks.get(i).size()).as("seed %d chunk %d", seed, i)
                        .isEqualTo(size / n + (i < expectedLarge ? 1 : 0));
            }
            BatchMeta back = BatchMeta.concat(chunks);
            assertThat(back).as("seed %d iteration %d: concat(chunk(m, %d)) of %d rows", seed, k, n, size)
                    .isEqualTo(m);
            assertThat(render(back)).as("seed %d iteration %d", seed, k).isEqualTo(before);
            assertThat(render(m)).as("seed %d: chunk/concat changed the input", seed).isEqualTo(before);
        }
    }

    @Test
    void unionOfDisjointFieldsCommutes() {
        long seed = Seeds.seed(1002);
        Random r = new Random(seed);
        for (int k = 0; k < ITERATIONS; k++) {
            List<RowHandle> handles = RandomData.handles(r, r.nextInt(12));
            BatchMeta a = RandomData.meta(r, handles, "a", "ka");
            BatchMeta b = RandomData.meta(r, handles, "b", "kb");
            String ra = render(a);
            String rb = render(b);
            BatchMeta ab = a.union(b);
            BatchMeta ba = b.union(a);
            assertThat(ab).as("seed %d iteration %d", seed, k).isEqualTo(ba);
            assertThat(render(ab)).as("seed %d iteration %d", seed, k).isEqualTo(render(ba));
            if (!handles.isEmpty()) {
                assertThat(ab.fieldNames()).as("seed %d", seed).containsAll(a.fieldNames()).containsAll(b.fieldNames());
                for (int i = 0; i < handles.size(); i++) {
                    assertThat(ab.isReady(i)).isEqualTo(a.isReady(i) && b.isReady(i));
                }
                // union with itself changes nothing
                assertThat(a.union(a)).as("seed %d", seed).isEqualTo(a);
            }
            assertThat(render(a)).as("seed %d: union changed an input", seed).isEqualTo(ra);
            assertThat(render(b)).as("seed %d: union changed an input", seed).isEqualTo(rb);
        }
    }

    @Test
    void everyOperationLeavesItsInputsUnchanged() {
        long seed = Seeds.seed(1003);
        Random r = new Random(seed);
        for (int k = 0; k < ITERATIONS; k++) {
            int size = 1 + r.nextInt(10);
            BatchMeta m = RandomData.meta(r, size);
            BatchMeta other = RandomData.meta(r, m.handles(), "o", "ko");
            String before = render(m);
            String otherBefore = render(other);
            int[] positions = r.ints(r.nextInt(8), 0, size).toArray();
            int[] perm = permutation(r, size);
            List<Object> results = new ArrayList<>();
            results.add(m.selectRows(positions));
            results.add(m.slice(0, size / 2));
            results.add(m.reorder(perm));
            results.add(m.chunk(1 + r.nextInt(4)));
            results.add(m.chunkByPartition());
            results.add(m.selectFields(new ArrayList<>(m.fieldNames()).subList(0, m.fieldNames().size() / 2)));
            results.add(m.union(other));
            results.add(BatchMeta.concat(List.of(m, m.reorder(perm))));
            results.add(m.withReady(new boolean[size]));
            results.add(m.withTags(Collections.nCopies(size, Map.of("new", 1L)), TagMode.MERGE));
            results.add(m.withTags(Collections.nCopies(size, Map.of("new", 1L)), TagMode.REPLACE));
            results.add(m.withBackendMeta("zz", Collections.nCopies(size, "v")));
            results.add(m.withExtraInfo("zz", List.of(1L)));
            results.add(m.withoutExtraInfo("k0"));
            results.add(m.withSchema(Map.of("zz", FieldSchema.object()), true));
            assertThat(results).hasSize(15);
            assertThat(render(m)).as("seed %d iteration %d", seed, k).isEqualTo(before);
            assertThat(render(other)).as("seed %d iteration %d", seed, k).isEqualTo(otherBefore);
            // the reordered meta, reordered back, is the original
            assertThat(m.reorder(perm).reorder(inverse(perm))).as("seed %d", seed).isEqualTo(m);
        }
    }

    @Test
    void failedOperationsChangeNothing() {
        long seed = Seeds.seed(1004);
        Random r = new Random(seed);
        for (int k = 0; k < 100; k++) {
            int size = 1 + r.nextInt(8);
            BatchMeta m = RandomData.meta(r, size);
            String before = render(m);
            assertThatThrownBy(() -> m.selectRows(0, size)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.reorder(new int[size + 1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> m.chunk(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> m.union(RandomData.meta(r, size + 1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> m.withTags(List.of(), TagMode.MERGE)).isInstanceOf(IllegalArgumentException.class);
            assertThat(render(m)).as("seed %d iteration %d", seed, k).isEqualTo(before);
        }
    }

    @Test
    void selectRowsOfSelectRowsComposes() {
        long seed = Seeds.seed(1005);
        Random r = new Random(seed);
        for (int k = 0; k < ITERATIONS; k++) {
            int size = 1 + r.nextInt(10);
            BatchMeta m = RandomData.meta(r, size);
            int[] p = r.ints(r.nextInt(10), 0, size).toArray();
            if (p.length == 0) {
                continue;
            }
            int[] q = r.ints(r.nextInt(10), 0, p.length).toArray();
            int[] composed = new int[q.length];
            for (int i = 0; i < q.length; i++) {
                composed[i] = p[q[i]];
            }
            assertThat(m.selectRows(p).selectRows(q)).as("seed %d iteration %d", seed, k)
                    .isEqualTo(m.selectRows(composed));
        }
    }

    private static int[] permutation(Random r, int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        Collections.shuffle(l, r);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inv[p[i]] = i;
        }
        return inv;
    }
}
