package io.transferqueue.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void floatFactoryDefaultsTo1dAndIsLittleEndian() {
        Tensor t = Tensor.of(new float[] {1.5f, -2f, 3f});
        assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(t.shape()).containsExactly(3);
        assertThat(t.rank()).isEqualTo(1);
        assertThat(t.numel()).isEqualTo(3);
        assertThat(t.byteSize()).isEqualTo(12);
        assertThat(t.toFloatArray()).containsExactly(1.5f, -2f, 3f);
        ByteBuffer d = t.data();
        assertThat(d.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(d.position()).isZero();
        assertThat(Integer.reverseBytes(d.order(ByteOrder.BIG_ENDIAN).getInt(0)))
                .isEqualTo(Float.floatToIntBits(1.5f));
    }

    @Test
    void everyFactoryKeepsValuesAndShape() {
        assertThat(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).shape()).containsExactly(2, 3);
        assertThat(Tensor.of(new long[] {Long.MAX_VALUE, Long.MIN_VALUE}).toLongArray())
                .containsExactly(Long.MAX_VALUE, Long.MIN_VALUE);
        Tensor ints = Tensor.of(new int[] {Integer.MIN_VALUE, 0, 7}, 3, 1);
        assertThat(ints.dtype()).isEqualTo(DType.INT32);
        assertThat(ints.toLongArray()).containsExactly(Integer.MIN_VALUE, 0, 7);
        Tensor shorts = Tensor.of(new short[] {-3, 300});
        assertThat(shorts.dtype()).isEqualTo(DType.INT16);
        assertThat(shorts.toLongArray()).containsExactly(-3, 300);
        Tensor bools = Tensor.of(new boolean[] {true, false, true});
        assertThat(bools.dtype()).isEqualTo(DType.BOOL);
        assertThat(bools.getBoolean(0)).isTrue();
        assertThat(bools.getBoolean(1)).isFalse();
        assertThat(bools.data().get(2)).isEqualTo((byte) 1);
        Tensor u8 = Tensor.ofBytes(DType.UINT8, new byte[] {(byte) 255, 1});
        assertThat(u8.toDoubleArray()).containsExactly(255, 1);
        Tensor i8 = Tensor.ofBytes(DType.INT8, new byte[] {(byte) 255, 1});
        assertThat(i8.toDoubleArray()).containsExactly(-1, 1);
        Tensor h = Tensor.ofHalf(DType.FLOAT16, new float[] {0.5f, -65504f, 1e-8f});
        assertThat(h.toFloatArray()).containsExactly(0.5f, -65504f, 0f);
        Tensor bf = Tensor.ofHalf(DType.BFLOAT16, new float[] {1f, 3.0e38f});
        assertThat(bf.getFloat(0)).isEqualTo(1f);
        assertThat(bf.getFloat(1)).isCloseTo(3.0e38f, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void factoriesRejectValuesThatDoNotFillTheShape() {
        assertThatThrownBy(() -> Tensor.of(new float[] {1, 2, 3}, 2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 values").hasMessageContaining("[2, 2]");
        assertThatThrownBy(() -> Tensor.of(new long[] {1}, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> Tensor.ofBytes(DType.INT16, new byte[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("int16");
        assertThatThrownBy(() -> Tensor.ofHalf(DType.FLOAT32, new float[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("float32");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 1 << 16, 1 << 16))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroDimensionalAndEmptyTensors() {
        Tensor scalar = Tensor.of(new long[] {42}).reshape();
        assertThat(scalar.rank()).isZero();
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.numel()).isEqualTo(1);
        assertThat(scalar.getLong(0)).isEqualTo(42);
        Tensor empty = Tensor.zeros(DType.FLOAT32, 0, 5);
        assertThat(empty.numel()).isZero();
        assertThat(empty.byteSize()).isZero();
        assertThat(empty.shape()).containsExactly(0, 5);
        assertThat(Tensor.zeros(DType.INT8).shape()).isEmpty();
        assertThat(Tensor.zeros(DType.INT8).numel()).isEqualTo(1);
    }

    @Test
    void reshapeSharesBytesAndChecksCount() {
        Tensor t = Tensor.of(new int[] {1, 2, 3, 4, 5, 6});
        Tensor r = t.reshape(3, 2);
        assertThat(r.shape()).containsExactly(3, 2);
        t.data().putInt(0, 99);
        assertThat(r.getLong(0)).isEqualTo(99);
        assertThatThrownBy(() -> t.reshape(4, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4, 2]").hasMessageContaining("6 elements");
    }

    @Test
    void wrapSharesTheCallersBufferAndCopyOfDoesNot() {
        ByteBuffer buf = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(8);
        Tensor wrapped = Tensor.wrap(DType.INT64, new int[] {1}, buf);
        Tensor copied = Tensor.copyOf(DType.INT64, new int[] {1}, buf);
        buf.putLong(8, 77);
        assertThat(wrapped.getLong(0)).isEqualTo(77);
        assertThat(copied.getLong(0)).isZero();
        assertThat(buf.position()).isEqualTo(8);
        assertThatThrownBy(() -> Tensor.wrap(DType.INT64, new int[] {2}, buf))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 16 bytes, buffer has 8");
        assertThatThrownBy(() -> Tensor.wrap(null, new int[] {1}, buf)).isInstanceOf(NullPointerException.class)
                .hasMessage("dtype is null");
        assertThatThrownBy(() -> Tensor.wrap(DType.INT8, null, buf)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape is null");
    }

    @Test
    void shapeIsDefensivelyCopied() {
        int[] shape = {2, 2};
        Tensor t = Tensor.of(new float[4], shape);
        shape[0] = 4;
        assertThat(t.shape()).containsExactly(2, 2);
        t.shape()[0] = 9;
        assertThat(t.shape()).containsExactly(2, 2);
    }

    @Test
    void readOnlyViewCannotBeWrittenAndCopyIsIndependent() {
        Tensor t = Tensor.of(new float[] {1, 2});
        Tensor ro = t.asReadOnly();
        assertThat(ro.isReadOnly()).isTrue();
        assertThat(t.isReadOnly()).isFalse();
        assertThat(ro.asReadOnly()).isSameAs(ro);
        assertThatThrownBy(() -> ro.data().putFloat(0, 5f)).isInstanceOf(ReadOnlyBufferException.class);
        t.data().putFloat(0, 5f);
        assertThat(ro.getFloat(0)).isEqualTo(5f);
        Tensor c = ro.copy();
        assertThat(c.isReadOnly()).isFalse();
        c.data().putFloat(0, 9f);
        assertThat(t.getFloat(0)).isEqualTo(5f);
        assertThat(c).isNotEqualTo(t);
    }

    @Test
    void equalityIsByDtypeShapeAndContent() {
        Tensor a = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        ByteBuffer padded = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        padded.position(4);
        padded.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(new int[] {1, 2, 3, 4});
        Tensor b = Tensor.wrap(DType.INT32, new int[] {2, 2}, padded);
        assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.reshape(4)).isNotEqualTo(a);
        assertThat(Tensor.wrap(DType.FLOAT32, new int[] {2, 2}, a.data())).isNotEqualTo(a);
        assertThat(Tensor.of(new int[] {1, 2, 3, 5}, 2, 2)).isNotEqualTo(a);
        assertThat(a).isNotEqualTo("a").isNotEqualTo(null);
        assertThat(a.toString()).contains("int32").contains("[2, 2]");
    }

    @Test
    void elementAccessorsConvert() {
        Tensor f = Tensor.of(new double[] {-2.7, 2.7});
        assertThat(f.getLong(0)).isEqualTo(-2);
        assertThat(f.getLong(1)).isEqualTo(2);
        assertThat(f.getBoolean(0)).isTrue();
        assertThat(Tensor.of(new long[] {(1L << 62) + 1}).getLong(0)).isEqualTo((1L << 62) + 1);
        assertThat(Tensor.ofHalf(DType.BFLOAT16, new float[] {0f}).getBoolean(0)).isFalse();
    }
}
