package io.transferqueue.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.testing.RandomData;
import io.transferqueue.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchTest {

    private static Tensor range(int n, int... shape) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return Tensor.of(v, shape);
    }

    private static Batch sample(int rows) {
        List<Tensor> jag = new ArrayList<>();
        List<Object> uids = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            jag.add(range(i % 3, i % 3));
            uids.add("u" + i);
        }
        return Batch.builder().dense("ids", range(rows * 2, rows, 2)).jagged("logp", jag).objects("uid", uids).build();
    }

    @Test
    void builderKeepsFieldOrderAndSize() {
        Batch b = sample(4);
        assertThat(b.size()).isEqualTo(4);
        assertThat(b.fieldNames()).containsExactly("ids", "logp", "uid");
        assertThat(b.has("ids")).isTrue();
        assertThat(b.has("nope")).isFalse();
        assertThat(b.isEmpty()).isFalse();
        assertThat(b.byteSize()).isEqualTo(4 * 2 * 8 + (0 + 1 + 2 + 0) * 8 + 8);
        assertThatThrownBy(() -> b.columns().put("x", null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void builderRejectsSizeMismatchDuplicateAndEmptyNames() {
        assertThatThrownBy(() -> Batch.builder().dense("a", range(3, 3)).dense("b", range(4, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'b'").hasMessageContaining("4 rows").hasMessageContaining("3");
        assertThatThrownBy(() -> Batch.builder().dense("a", range(3, 3)).dense("a", range(3, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate field 'a'");
        assertThatThrownBy(() -> Batch.builder().dense("", range(3, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Batch.builder().add(null, DenseColumn.of(range(3, 3))))
                .isInstanceOf(NullPointerException.class).hasMessage("name is null");
        assertThatThrownBy(() -> Batch.builder().add("a", null))
                .isInstanceOf(NullPointerException.class).hasMessage("column is null");
        assertThatThrownBy(() -> Batch.ofSize(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectKeepsTheGivenOrderAndRejectsUnknownFields() {
        Batch b = sample(3);
        Batch s = b.select("uid", "ids");
        assertThat(s.fieldNames()).containsExactly("uid", "ids");
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.column("ids")).isSameAs(b.column("ids"));
        assertThatThrownBy(() -> b.select("ids", "missing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'missing'").hasMessageContaining("ids").hasMessageContaining("logp");
        assertThatThrownBy(() -> b.column("x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'");
    }

    @Test
    void rowsKeepsDuplicatesAndOrderAndCopies() {
        Batch b = sample(4);
        Batch r = b.rows(3, 1, 3);
        assertThat(r.size()).isEqualTo(3);
        assertThat(((ObjectColumn) r.column("uid")).values()).containsExactly("u3", "u1", "u3");
        assertThat(((DenseColumn) r.column("ids")).tensor().toLongArray()).containsExactly(6, 7, 2, 3, 6, 7);
        JaggedColumn logp = (JaggedColumn) r.column("logp");
        assertThat(logp.rowShape(0)).containsExactly(0);
        assertThat(logp.rowShape(1)).containsExactly(1);
        ((DenseColumn) b.column("ids")).data().putLong(6 * 8, 100);
        assertThat(((DenseColumn) r.column("ids")).row(0).getLong(0)).isEqualTo(6);
        assertThat(b.rows().size()).isZero();
    }

    @Test
    void rowsOutOfRangeFailsNamingThePositionAndChangesNothing() {
        Batch b = sample(4);
        assertThatThrownBy(() -> b.rows(0, 4)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("row 4").hasMessageContaining("[0, 4)");
        assertThatThrownBy(() -> b.rows(-1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("-1");
        assertThat(b).isEqualTo(sample(4));
    }

    @Test
    void sliceSharesBytes() {
        Batch b = sample(5);
        Batch s = b.slice(1, 4);
        assertThat(s.size()).isEqualTo(3);
        assertThat(((ObjectColumn) s.column("uid")).values()).containsExactly("u1", "u2", "u3");
        ((DenseColumn) b.column("ids")).data().putLong(2 * 8, -5);
        assertThat(((DenseColumn) s.column("ids")).row(0).getLong(0)).isEqualTo(-5);
        assertThat(b.slice(5, 5).size()).isZero();
        assertThatThrownBy(() -> b.slice(4, 6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.slice(3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.slice(-1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void chunkSplits433AndConcatRestores() {
        Batch b = sample(10);
        List<Batch> chunks = b.chunk(3);
        assertThat(chunks).extracting(Batch::size).containsExactly(4, 3, 3);
        assertThat(Batch.concat(chunks)).isEqualTo(b);
        assertThat(b.chunk(12)).extracting(Batch::size).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
        assertThat(Batch.concat(b.chunk(12))).isEqualTo(b);
        assertThat(b.chunk(1)).containsExactly(b);
        assertThatThrownBy(() -> b.chunk(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThat(Batch.chunkBounds(7, 2)).containsExactly(0, 4, 7);
    }

    @Test
    void concatOfDenseWithEqualShapesStaysDense() {
        Batch a = Batch.builder().dense("x", range(4, 2, 2)).build();
        Batch b = Batch.builder().dense("x", range(6, 3, 2)).build();
        Batch c = Batch.concat(List.of(a, b));
        assertThat(c.size()).isEqualTo(5);
        assertThat(c.column("x")).isInstanceOf(DenseColumn.class);
        assertThat(((DenseColumn) c.column("x")).tensor().toLongArray()).containsExactly(0, 1, 2, 3, 0, 1, 2, 3, 4, 5);
    }

    @Test
    void concatOfDenseWithDifferentShapesBecomesJagged() {
        Batch a = Batch.builder().dense("x", range(4, 2, 2)).build();
        Batch b = Batch.builder().dense("x", range(3, 1, 3)).build();
        Batch c = Batch.concat(List.of(a, b));
        assertThat(c.column("x")).isInstanceOf(JaggedColumn.class);
        JaggedColumn j = (JaggedColumn) c.column("x");
        assertThat(j.rowShape(0)).containsExactly(2);
        assertThat(j.rowShape(2)).containsExactly(3);
        assertThat(j.row(2).toLongArray()).containsExactly(0, 1, 2);
    }

    @Test
    void concatRejectsDifferentFieldsAndNamesTheFieldOnColumnConflicts() {
        Batch a = Batch.builder().dense("x", range(2, 2)).build();
        Batch b = Batch.builder().dense("y", range(2, 2)).build();
        assertThatThrownBy(() -> Batch.concat(List.of(a, b))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[x]").hasMessageContaining("[y]");
        Batch f = Batch.builder().dense("x", Tensor.of(new float[2])).build();
        assertThatThrownBy(() -> Batch.concat(List.of(a, f))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'x'");
        assertThat(Batch.concat(List.of())).isEqualTo(Batch.empty());
        assertThat(Batch.concat(List.of(Batch.empty(), a, Batch.empty()))).isSameAs(a);
    }

    @Test
    void mergeAddsFieldsOtherWinsAndSizesMustMatch() {
        Batch a = Batch.builder().dense("x", range(2, 2)).objects("u", List.of("a", "b")).build();
        Batch b = Batch.builder().objects("u", List.of("c", "d")).dense("y", range(2, 2)).build();
        Batch m = a.merge(b);
        assertThat(m.fieldNames()).containsExactly("x", "u", "y");
        assertThat(((ObjectColumn) m.column("u")).values()).containsExactly("c", "d");
        assertThatThrownBy(() -> a.merge(Batch.builder().dense("z", range(3, 3)).build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Batch.ofSize(5).merge(Batch.builder().dense("z", range(3, 3)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3").hasMessageContaining("5");
        assertThat(Batch.empty().merge(a)).isEqualTo(a);
        assertThat(a.merge(Batch.empty())).isEqualTo(a);
        assertThat(Batch.ofSize(2).merge(Batch.ofSize(2)).size()).isEqualTo(2);
    }

    @Test
    void readOnlyAndCopy() {
        Batch b = sample(3);
        Batch ro = b.asReadOnly();
        assertThat(ro.columns().values()).allMatch(Column::isReadOnly);
        Batch copy = ro.copy();
        ((DenseColumn) copy.column("ids")).data().putLong(0, 9);
        assertThat(((DenseColumn) b.column("ids")).row(0).getLong(0)).isZero();
        assertThat(ro).isEqualTo(b);
    }

    @Test
    void equalityIgnoresFieldOrderButNotContent() {
        Batch a = Batch.of(Map.of("x", DenseColumn.of(range(2, 2))));
        Batch b = Batch.builder().dense("x", range(2, 2)).build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(sample(3).select("uid", "ids")).isEqualTo(sample(3).select("ids", "uid"));
        assertThat(Batch.builder().dense("x", Tensor.of(new long[] {0, 2})).build()).isNotEqualTo(b);
        assertThat(Batch.ofSize(2)).isNotEqualTo(Batch.ofSize(3));
    }

    @Test
    void randomBatchesSurviveChunkAndConcat() {
        long seed = Seeds.seed(42);
        Random r = new Random(seed);
        for (int k = 0; k < 300; k++) {
            int rows = r.nextInt(12);
            Batch b = RandomData.batch(r, rows, 4);
            int n = 1 + r.nextInt(14);
            Batch back = Batch.concat(b.chunk(n));
            assertThat(back).as("seed %d iteration %d", seed, k).isEqualTo(b);
            int[] pos = r.ints(r.nextInt(6), 0, Math.max(1, rows)).toArray();
            if (rows > 0) {
                Batch picked = b.rows(pos);
                for (int j = 0; j < pos.length; j++) {
                    assertThat(picked.slice(j, j + 1)).as("seed %d", seed).isEqualTo(b.slice(pos[j], pos[j] + 1));
                }
            }
        }
    }

    @Test
    void ofSizeBatchHasRowsButNoFields() {
        Batch b = Batch.ofSize(3);
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.fieldNames()).isEmpty();
        assertThat(b.rows(0, 0).size()).isEqualTo(2);
        assertThat(Batch.ofSize(0)).isSameAs(Batch.empty());
        assertThat(Arrays.asList(b.chunk(2).get(0).size(), b.chunk(2).get(1).size())).containsExactly(2, 1);
        assertThat(DenseColumn.wrap(DType.INT8, 0, new int[] {2}, ByteBuffer.allocate(0)).size()).isZero();
    }
}
