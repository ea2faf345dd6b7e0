package io.transferqueue.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldSchemaTest {

    @Test
    void denseSchema() {
        int[] shape = {2, 3};
        FieldSchema s = FieldSchema.dense(DType.FLOAT32, shape);
        shape[0] = 9;
        assertThat(s.kind()).isEqualTo(ColumnKind.DENSE);
        assertThat(s.rowShape()).containsExactly(2, 3);
        assertThat(s.rowShape(1000)).containsExactly(2, 3);
        assertThat(s.rank()).isEqualTo(2);
        assertThat(s.rowCount()).isEqualTo(-1);
        assertThat(s.rowNumel(0)).isEqualTo(6);
        assertThat(s.rowByteSize(0)).isEqualTo(24);
        assertThat(s.flatShapes()).isNull();
        assertThat(FieldSchema.dense(DType.INT8, new int[0]).rank()).isZero();
        assertThatThrownBy(() -> FieldSchema.dense(DType.INT8, new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSchema.dense(null, new int[0])).isInstanceOf(NullPointerException.class)
                .hasMessage("dtype is null");
    }

    @Test
    void jaggedSchema() {
        FieldSchema s = FieldSchema.jagged(DType.INT64, new int[][] {{1, 2}, {0, 3}, {4, 1}});
        assertThat(s.rank()).isEqualTo(2);
        assertThat(s.rowCount()).isEqualTo(3);
        assertThat(s.rowShape(1)).containsExactly(0, 3);
        assertThat(s.rowNumel(2)).isEqualTo(4);
        assertThat(s.rowByteSize(0)).isEqualTo(16);
        assertThat(s.selectRows(new int[] {2, 2}).flatShapes()).containsExactly(4, 1, 4, 1);
        assertThat(s.slice(1, 3).flatShapes()).containsExactly(0, 3, 4, 1);
        assertThatThrownBy(() -> s.rowShape()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.rowShape(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> s.selectRows(new int[] {3})).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> s.slice(2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> s.slice(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FieldSchema.jagged(DType.INT8, new int[][] {{1}, {1, 2}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1");
        assertThatThrownBy(() -> FieldSchema.jagged(DType.INT8, new int[][] {{}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank");
        assertThatThrownBy(() -> FieldSchema.jaggedFlat(DType.INT8, 2, new int[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSchema.jaggedFlat(DType.INT8, 1, new int[] {-4}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-4");
    }

    @Test
    void objectSchema() {
        FieldSchema o = FieldSchema.object();
        assertThat(o.dtype()).isNull();
        assertThat(o.rank()).isZero();
        assertThat(o.selectRows(new int[] {5})).isSameAs(o);
        assertThatThrownBy(() -> o.rowShape(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> o.rowNumel(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> o.toJagged(2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void schemaOfColumns() {
        assertThat(FieldSchema.of(DenseColumn.of(Tensor.of(new float[6], 3, 2))))
                .isEqualTo(FieldSchema.dense(DType.FLOAT32, new int[] {2}));
        assertThat(FieldSchema.of(JaggedColumn.of(List.of(Tensor.of(new long[2]), Tensor.of(new long[0])))))
                .isEqualTo(FieldSchema.jagged(DType.INT64, new int[][] {{2}, {0}}));
        assertThat(FieldSchema.of(ObjectColumn.of(List.of("a")))).isSameAs(FieldSchema.object());
    }

    @Test
    void concatKeepsDenseOrSpellsOutJagged() {
        FieldSchema d3 = FieldSchema.dense(DType.INT8, new int[] {3});
        FieldSchema d4 = FieldSchema.dense(DType.INT8, new int[] {4});
        assertThat(FieldSchema.concat(List.of(d3, d3), new int[] {2, 5})).isEqualTo(d3);
        FieldSchema mixed = FieldSchema.concat(List.of(d3, d4), new int[] {2, 1});
        assertThat(mixed.flatShapes()).containsExactly(3, 3, 4);
        FieldSchema j = FieldSchema.jagged(DType.INT8, new int[][] {{7}});
        assertThat(FieldSchema.concat(List.of(j, d3), new int[] {1, 2}).flatShapes()).containsExactly(7, 3, 3);
        assertThatThrownBy(() -> FieldSchema.concat(List.of(d3, FieldSchema.dense(DType.UINT8, new int[] {3})),
                new int[] {1, 1})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dtype");
        assertThatThrownBy(() -> FieldSchema.concat(List.of(d3, FieldSchema.dense(DType.INT8, new int[] {3, 1})),
                new int[] {1, 1})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank");
        assertThatThrownBy(() -> FieldSchema.concat(List.of(FieldSchema.object(), d3), new int[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object");
    }

    @Test
    void equality() {
        assertThat(FieldSchema.dense(DType.INT8, new int[] {1})).isEqualTo(FieldSchema.dense(DType.INT8, new int[] {1}))
                .hasSameHashCodeAs(FieldSchema.dense(DType.INT8, new int[] {1}))
                .isNotEqualTo(FieldSchema.dense(DType.UINT8, new int[] {1}))
                .isNotEqualTo(FieldSchema.jagged(DType.INT8, new int[][] {{1}}));
        assertThat(FieldSchema.dense(DType.INT8, new int[] {1}).toString()).contains("int8").contains("[1]");
    }
}
