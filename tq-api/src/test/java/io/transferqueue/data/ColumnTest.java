package io.transferqueue.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnTest {

    private static Tensor range(int n, int... shape) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return Tensor.of(v, shape);
    }

    // ---------------------------------------------------------------- dense

    @Test
    void denseColumnOfA1dTensorHasZeroDimensionalRows() {
        DenseColumn c = DenseColumn.of(Tensor.of(new float[] {1, 2, 3}));
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.rowShape()).isEmpty();
        assertThat(c.rowBytes()).isEqualTo(4);
        assertThat(c.row(2).rank()).isZero();
        assertThat(c.row(2).getFloat(0)).isEqualTo(3f);
        assertThat(c.tensor().shape()).containsExactly(3);
        assertThat(c.kind()).isEqualTo(ColumnKind.DENSE);
        assertThatThrownBy(() -> DenseColumn.of(Tensor.of(new float[] {1}).reshape()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-d");
    }

    @Test
    void denseColumnSharesTheTensorBytesAndRowsCopies() {
        Tensor t = range(6, 3, 2);
        DenseColumn c = DenseColumn.of(t);
        DenseColumn picked = c.rows(2, 0, 2);
        DenseColumn sliced = c.slice(1, 3);
        t.data().putLong(4 * 8, 100);
        assertThat(c.row(2).toLongArray()).containsExactly(100, 5);
        assertThat(sliced.row(1).toLongArray()).containsExactly(100, 5);
        assertThat(picked.row(0).toLongArray()).containsExactly(4, 5);
        assertThat(picked.row(1).toLongArray()).containsExactly(0, 1);
        assertThat(picked.row(2).toLongArray()).containsExactly(4, 5);
        assertThat(picked.size()).isEqualTo(3);
    }

    @Test
    void denseRejectsBadInput() {
        assertThatThrownBy(() -> DenseColumn.wrap(DType.INT32, 2, new int[] {3}, ByteBuffer.allocate(20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 24 bytes, buffer has 20");
        assertThatThrownBy(() -> DenseColumn.wrap(DType.INT32, -1, new int[] {3}, ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        DenseColumn c = DenseColumn.of(range(4, 4));
        assertThatThrownBy(() -> c.rows(4)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("4");
        assertThatThrownBy(() -> c.rows(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> c.slice(3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> c.slice(0, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> c.row(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> DenseColumn.stack(List.of(range(2, 2), range(3, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1");
        assertThatThrownBy(() -> DenseColumn.stack(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stackCopiesEqualShapedRows() {
        Tensor a = range(2, 2);
        DenseColumn s = DenseColumn.stack(List.of(a, range(2, 2)));
        a.data().putLong(0, 9);
        assertThat(s.tensor().toLongArray()).containsExactly(0, 1, 0, 1);
        assertThat(s.rowShape()).containsExactly(2);
    }

    @Test
    void readOnlyAndCopy() {
        DenseColumn c = DenseColumn.of(range(4, 2, 2));
        DenseColumn ro = c.asReadOnly();
        assertThat(ro.isReadOnly()).isTrue();
        assertThatThrownBy(() -> ro.data().putLong(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> ro.row(0).data().putLong(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(ro.slice(0, 1).isReadOnly()).isTrue();
        DenseColumn copy = ro.copy();
        assertThat(copy.isReadOnly()).isFalse();
        copy.data().putLong(0, 42);
        assertThat(c.row(0).getLong(0)).isZero();
        assertThat(copy).isNotEqualTo(c);
        assertThat(ro).isEqualTo(c).hasSameHashCodeAs(c);
    }

    @Test
    void denseToJaggedKeepsRowsAndTheRankOfAnEmptyColumn() {
        DenseColumn c = DenseColumn.of(range(6, 3, 2));
        JaggedColumn j = c.toJagged();
        assertThat(j.size()).isEqualTo(3);
        assertThat(j.rowShape(1)).containsExactly(2);
        assertThat(j.row(2).toLongArray()).containsExactly(4, 5);
        DenseColumn empty = DenseColumn.wrap(DType.INT64, 0, new int[] {2, 3}, ByteBuffer.allocate(0));
        assertThat(empty.toJagged().rank()).isEqualTo(2);
        assertThat(empty.toJagged().size()).isZero();
        assertThatThrownBy(() -> DenseColumn.of(range(3, 3)).toJagged()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0-d");
    }

    // ---------------------------------------------------------------- jagged

    @Test
    void jaggedRowsAreViewsAndMayBeEmpty() {
        JaggedColumn j = JaggedColumn.of(List.of(range(3, 3), range(0, 0), range(4, 2, 2).reshape(4), range(1, 1)));
        assertThat(j.size()).isEqualTo(4);
        assertThat(j.rank()).isEqualTo(1);
        assertThat(j.rowNumel(1)).isZero();
        assertThat(j.rowByteSize(1)).isZero();
        assertThat(j.row(1).shape()).containsExactly(0);
        assertThat(j.row(2).toLongArray()).containsExactly(0, 1, 2, 3);
        assertThat(j.rowByteOffset(2)).isEqualTo(24);
        assertThat(j.byteSize()).isEqualTo(8 * 8);
        assertThat(j.isUniform()).isFalse();
        assertThat(j.flatShapes()).containsExactly(3, 0, 4, 1);
        j.values().putLong(3 * 8, 77);
        assertThat(j.row(2).getLong(0)).isEqualTo(77);
    }

    @Test
    void jaggedSliceRowsAndCopy() {
        JaggedColumn j = JaggedColumn.of(List.of(range(2, 1, 2), range(6, 2, 3), range(0, 0, 3)));
        assertThat(j.rank()).isEqualTo(2);
        JaggedColumn s = j.slice(1, 3);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.rowShape(0)).containsExactly(2, 3);
        assertThat(s.rowShape(1)).containsExactly(0, 3);
        assertThat(s.row(0).toLongArray()).containsExactly(0, 1, 2, 3, 4, 5);
        JaggedColumn picked = j.rows(2, 0, 0);
        assertThat(picked.size()).isEqualTo(3);
        assertThat(picked.row(0).numel()).isZero();
        assertThat(picked.row(2).toLongArray()).containsExactly(0, 1);
        assertThat(j.slice(0, 0).size()).isZero();
        assertThat(j.slice(3, 3).size()).isZero();
        assertThat(j.rows().size()).isZero();
        JaggedColumn copy = j.copy();
        copy.values().putLong(0, 5);
        assertThat(j.row(0).getLong(0)).isZero();
        assertThat(j.asReadOnly().isReadOnly()).isTrue();
        assertThat(j.asReadOnly()).isEqualTo(j);
        assertThatThrownBy(() -> j.rows(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> j.slice(2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> j.rowShape(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void jaggedRejectsBadInput() {
        assertThatThrownBy(() -> JaggedColumn.of(List.of(range(1, 1), Tensor.of(new float[1]))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1");
        assertThatThrownBy(() -> JaggedColumn.of(List.of(range(1, 1), range(4, 2, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank");
        assertThatThrownBy(() -> JaggedColumn.of(List.of(range(1, 1).reshape())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DenseColumn");
        assertThatThrownBy(() -> JaggedColumn.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JaggedColumn.wrap(DType.INT8, new int[][] {{2}, {-1}}, ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> JaggedColumn.wrap(DType.INT8, new int[][] {{2}, {3}}, ByteBuffer.allocate(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 bytes");
        assertThatThrownBy(() -> JaggedColumn.wrapFlat(DType.INT8, 2, 1, new int[] {1}, ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JaggedColumn.wrapFlat(DType.INT8, 1, 1, null, ByteBuffer.allocate(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("dims is null");
    }

    @Test
    void jaggedRejectsShapesWhoseElementCountOverflows() {
        // the product of these dimensions wraps around a long; it must be rejected, not truncated
        int big = Integer.MAX_VALUE;
        assertThatThrownBy(() -> JaggedColumn.wrapFlat(DType.INT8, 1, 3, new int[] {big, big, big},
                ByteBuffer.allocate(0))).isInstanceOf(IllegalArgumentException.class);
        int[] dims = {1 << 16, 1 << 16, 1 << 16, 1 << 16};
        assertThatThrownBy(() -> JaggedColumn.wrapFlat(DType.INT8, 1, 4, dims, ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalArgumentException.class);
        // a zero dimension makes the row empty whatever the others are
        JaggedColumn zero = JaggedColumn.wrapFlat(DType.INT8, 1, 3, new int[] {0, big, big}, ByteBuffer.allocate(0));
        assertThat(zero.rowNumel(0)).isZero();
    }

    @Test
    void jaggedToDense() {
        JaggedColumn uniform = JaggedColumn.of(List.of(range(2, 2), range(2, 2)));
        assertThat(uniform.isUniform()).isTrue();
        DenseColumn d = uniform.toDense();
        assertThat(d.rowShape()).containsExactly(2);
        assertThat(d.tensor().toLongArray()).containsExactly(0, 1, 0, 1);
        assertThatThrownBy(() -> JaggedColumn.of(List.of(range(2, 2), range(1, 1))).toDense())
                .isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- concat

    @Test
    void concatOfDenseWithOneShapeStaysDense() {
        Column c = Column.concat(List.of(DenseColumn.of(range(4, 2, 2)), DenseColumn.of(range(2, 1, 2))));
        assertThat(c).isInstanceOf(DenseColumn.class);
        assertThat(c.size()).isEqualTo(3);
        assertThat(((DenseColumn) c).tensor().toLongArray()).containsExactly(0, 1, 2, 3, 0, 1);
    }

    @Test
    void concatOfDenseWithDifferentShapesBecomesJagged() {
        Column c = Column.concat(List.of(DenseColumn.of(range(4, 2, 2)), DenseColumn.of(range(3, 1, 3))));
        assertThat(c).isInstanceOf(JaggedColumn.class);
        JaggedColumn j = (JaggedColumn) c;
        assertThat(j.size()).isEqualTo(3);
        assertThat(j.rowShape(0)).containsExactly(2);
        assertThat(j.rowShape(2)).containsExactly(3);
        assertThat(j.row(2).toLongArray()).containsExactly(0, 1, 2);
        Column mixed = Column.concat(List.of(j, DenseColumn.of(range(2, 1, 2))));
        assertThat(mixed).isInstanceOf(JaggedColumn.class);
        assertThat(((JaggedColumn) mixed).row(3).toLongArray()).containsExactly(0, 1);
    }

    @Test
    void concatIgnoresTheShapeOfEmptyParts() {
        DenseColumn emptyRank2 = DenseColumn.wrap(DType.INT64, 0, new int[] {4, 4}, ByteBuffer.allocate(0));
        DenseColumn scalars = DenseColumn.of(range(3, 3));
        Column c = Column.concat(List.of(emptyRank2, scalars));
        assertThat(c).isEqualTo(scalars);
        JaggedColumn emptyJagged = JaggedColumn.wrap(DType.INT64, new int[0][], ByteBuffer.allocate(0));
        assertThat(Column.concat(List.of(scalars, emptyJagged))).isEqualTo(scalars);
        JaggedColumn rank2 = JaggedColumn.of(List.of(range(2, 1, 2)));
        Column j = Column.concat(List.of(emptyJagged, rank2));
        assertThat(j).isEqualTo(rank2);
    }

    @Test
    void concatRejectsMixedKindsDtypesAndRanks() {
        assertThatThrownBy(() -> Column.concat(List.of(DenseColumn.of(range(2, 2)),
                DenseColumn.of(Tensor.of(new float[2]))))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("int64").hasMessageContaining("float32");
        assertThatThrownBy(() -> Column.concat(List.of(DenseColumn.of(range(2, 2)), ObjectColumn.of(List.of("a")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object");
        assertThatThrownBy(() -> Column.concat(List.of(ObjectColumn.of(List.of("a")), DenseColumn.of(range(2, 2)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object");
        assertThatThrownBy(() -> Column.concat(List.of(DenseColumn.of(range(2, 2)), DenseColumn.of(range(4, 1, 2, 2)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank");
        assertThatThrownBy(() -> Column.concat(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concatOfObjectsAppendsValues() {
        Column c = Column.concat(List.of(ObjectColumn.of(List.of("a")), ObjectColumn.of(Arrays.asList(null, 2L))));
        assertThat(((ObjectColumn) c).values()).containsExactly("a", null, 2L);
    }

    // ---------------------------------------------------------------- objects

    @Test
    void objectColumnNormalizesAndIsImmutable() {
        byte[] raw = {1, 2};
        List<Object> nested = new java.util.ArrayList<>(List.of(1, 2.5f));
        ObjectColumn c = ObjectColumn.of("x", Arrays.asList(3, (short) 4, (byte) 5, 1.5f, raw, nested, null,
                java.util.Map.of("k", List.of(true))));
        assertThat(c.values()).element(0).isEqualTo(3L);
        assertThat(c.value(1)).isEqualTo(4L);
        assertThat(c.value(2)).isEqualTo(5L);
        assertThat(c.value(3)).isEqualTo(1.5d);
        raw[0] = 9;
        nested.add("later");
        assertThat((byte[]) c.value(4)).containsExactly(1, 2);
        assertThat(c.value(5)).isEqualTo(List.of(1L, 2.5d));
        assertThat(c.value(6)).isNull();
        assertThatThrownBy(() -> c.values().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) c.value(5)).clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(c.isReadOnly()).isTrue();
        assertThat(c.copy()).isEqualTo(c);
        assertThat(c.dtype()).isNull();
        assertThat(c.rows(6, 0).values()).containsExactly(null, 3L);
        assertThat(c.slice(1, 3).values()).containsExactly(4L, 5L);
        assertThatThrownBy(() -> c.value(8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> c.slice(2, 9)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void objectColumnRejectsUnsupportedTypesNamingFieldRowAndType() {
        assertThatThrownBy(() -> ObjectColumn.of("uid", List.of("ok", new StringBuilder("no"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'uid'")
                .hasMessageContaining("row 1")
                .hasMessageContaining("java.lang.StringBuilder");
        assertThatThrownBy(() -> ObjectColumn.of("meta", List.of(java.util.Map.of("a", List.of(1, new Object())))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'meta'")
                .hasMessageContaining("row 0")
                .hasMessageContaining(".a[1]")
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> ObjectColumn.of("m", List.of(java.util.Map.of(1, "x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0").hasMessageContaining("java.lang.Integer").hasMessageContaining("String");
        assertThatThrownBy(() -> ObjectColumn.of("big", List.of(new java.math.BigInteger("1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BigInteger");
    }

    @Test
    void objectValuesRejectCyclesAndExcessiveNestingWithoutStackOverflow() {
        List<Object> cyclic = new java.util.ArrayList<>();
        cyclic.add(cyclic);
        assertThatThrownBy(() -> ObjectColumn.of("c", List.of(cyclic)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper");
        Object deep = "leaf";
        for (int i = 0; i < ObjectValues.MAX_DEPTH; i++) {
            deep = List.of(deep);
        }
        Object ok = deep;
        assertThat(ObjectColumn.of("d", List.of(ok)).size()).isEqualTo(1);
        Object tooDeep = List.of(ok);
        assertThatThrownBy(() -> ObjectColumn.of("d", List.of(tooDeep))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deepEqualsAndHashCompareBytesByContent() {
        Object a = java.util.Map.of("b", List.of(new byte[] {1, 2}, 3L));
        Object b = java.util.Map.of("b", List.of(new byte[] {1, 2}, 3L));
        assertThat(ObjectValues.deepEquals(a, b)).isTrue();
        assertThat(ObjectValues.deepHash(a)).isEqualTo(ObjectValues.deepHash(b));
        assertThat(ObjectValues.deepEquals(a, java.util.Map.of("b", List.of(new byte[] {1, 3}, 3L)))).isFalse();
        assertThat(ObjectValues.deepEquals(List.of(1L), List.of(1L, 2L))).isFalse();
        assertThat(ObjectValues.deepEquals(null, List.of())).isFalse();
        assertThat(ObjectColumn.of(List.of(new byte[] {7}))).isEqualTo(ObjectColumn.of(List.of(new byte[] {7})));
        assertThat(ObjectValues.estimateSize(java.util.Map.of("ab", "é"))).isEqualTo(4);
        assertThat(ObjectValues.estimateSize("😀")).isEqualTo(4);
    }

    @Test
    void copyOfAnObjectColumnGivesIndependentByteArrays() {
        ObjectColumn c = ObjectColumn.of(java.util.List.of(new byte[] {1, 2}, "s", java.util.List.of(new byte[] {3})));
        ObjectColumn copy = c.copy();
        ((byte[]) copy.value(0))[0] = 9;
        ((byte[]) ((java.util.List<?>) copy.value(2)).get(0))[0] = 9;
        assertThat((byte[]) c.value(0)).containsExactly(1, 2);
        assertThat((byte[]) ((java.util.List<?>) c.value(2)).get(0)).containsExactly(3);
        assertThat(copy).isNotSameAs(c);
        ObjectColumn noBytes = ObjectColumn.of(java.util.List.of("a", 1L));
        assertThat(noBytes.copy()).isSameAs(noBytes);
    }
}
