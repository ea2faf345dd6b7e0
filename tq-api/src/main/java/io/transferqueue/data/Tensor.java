package io.transferqueue.data;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A contiguous, row-major, little-endian n-dimensional array: a dtype, a shape and a buffer of exactly
 * {@code numel × elementSize} bytes. Immutable as a value (dtype, shape); the bytes are writable only if
 * the tensor was built over a writable buffer.
 *
 * <p>Ownership: {@link #wrap} takes the caller's buffer without copying (the caller must not change it
 * afterwards); the {@code of(...)} factories and {@link #copyOf} copy. {@link #data()} returns a view that
 * shares the bytes. Equality is by dtype, shape and content.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final ByteBuffer data;

    private Tensor(DType dtype, int[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * Wraps the remaining bytes of {@code data} without copying.
     *
     * @throws IllegalArgumentException if the byte count does not match dtype and shape
     */
    public static Tensor wrap(DType dtype, int[] shape, ByteBuffer data) {
        requireNonNull(dtype, "dtype is null");
        requireNonNull(data, "data is null");
        int[] s = Shapes.checked(shape);
        int expected = Shapes.byteSize(dtype, s);
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor of dtype " + dtype + " and shape " + Shapes.toString(s)
                    + " needs " + expected + " bytes, buffer has " + data.remaining());
        }
        return new Tensor(dtype, s, Buffers.view(data));
    }

    /** Copies the remaining bytes of {@code data} into a new tensor. */
    public static Tensor copyOf(DType dtype, int[] shape, ByteBuffer data) {
        return wrap(dtype, shape, Buffers.copy(data));
    }

    /** A tensor of zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        requireNonNull(dtype, "dtype is null");
        int[] s = Shapes.checked(shape);
        return new Tensor(dtype, s, Buffers.allocate(Shapes.byteSize(dtype, s)));
    }

    /**
     * float32 values. Like every {@code of} factory: with no shape the tensor is 1-d
     * {@code [values.length]}; use {@link #reshape} for other shapes, including 0-d.
     */
    public static Tensor of(float[] values, int... shape) {
        ByteBuffer b = alloc(DType.FLOAT32, values.length, shape);
        b.asFloatBuffer().put(values);
        return new Tensor(DType.FLOAT32, shapeOr(values.length, shape), b);
    }

    /** float64 values. */
    public static Tensor of(double[] values, int... shape) {
        ByteBuffer b = alloc(DType.FLOAT64, values.length, shape);
        b.asDoubleBuffer().put(values);
        return new Tensor(DType.FLOAT64, shapeOr(values.length, shape), b);
    }

    /** int64 values. */
    public static Tensor of(long[] values, int... shape) {
        ByteBuffer b = alloc(DType.INT64, values.length, shape);
        b.asLongBuffer().put(values);
        return new Tensor(DType.INT64, shapeOr(values.length, shape), b);
    }

    /** int32 values. */
    public static Tensor of(int[] values, int... shape) {
        ByteBuffer b = alloc(DType.INT32, values.length, shape);
        b.asIntBuffer().put(values);
        return new Tensor(DType.INT32, shapeOr(values.length, shape), b);
    }

    /** int16 values. */
    public static Tensor of(short[] values, int... shape) {
        ByteBuffer b = alloc(DType.INT16, values.length, shape);
        b.asShortBuffer().put(values);
        return new Tensor(DType.INT16, shapeOr(values.length, shape), b);
    }

    /** bool values (one byte each). */
    public static Tensor of(boolean[] values, int... shape) {
        ByteBuffer b = alloc(DType.BOOL, values.length, shape);
        for (int i = 0; i < values.length; i++) {
            b.put(i, (byte) (values[i] ? 1 : 0));
        }
        return new Tensor(DType.BOOL, shapeOr(values.length, shape), b);
    }

    /** int8 or uint8 values from bytes. */
    public static Tensor ofBytes(DType dtype, byte[] values, int... shape) {
        if (dtype.elementSize() != 1) {
            throw new IllegalArgumentException("ofBytes needs a 1-byte dtype, got " + dtype);
        }
        ByteBuffer b = alloc(dtype, values.length, shape);
        b.put(0, values);
        return new Tensor(dtype, shapeOr(values.length, shape), b);
    }

    /** float values converted to {@code float16} or {@code bfloat16} (rounded to nearest even). */
    public static Tensor ofHalf(DType dtype, float[] values, int... shape) {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) {
            throw new IllegalArgumentException("ofHalf needs float16 or bfloat16, got " + dtype);
        }
        ByteBuffer b = alloc(dtype, values.length, shape);
        for (int i = 0; i < values.length; i++) {
            short bits = dtype == DType.FLOAT16 ? HalfFloats.floatToFloat16(values[i])
                    : HalfFloats.floatToBfloat16(values[i]);
            b.putShort(i * 2, bits);
        }
        return new Tensor(dtype, shapeOr(values.length, shape), b);
    }

    private static int[] shapeOr(int n, int[] shape) {
        return shape.length == 0 ? new int[] {n} : Shapes.checked(shape);
    }

    private static ByteBuffer alloc(DType dtype, int n, int[] shape) {
        int[] s = shapeOr(n, shape);
        if (Shapes.numel(s) != n) {
            throw new IllegalArgumentException(n + " values do not fill shape " + Shapes.toString(s));
        }
        return Buffers.allocate(n * dtype.elementSize());
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return data.remaining() / dtype.elementSize();
    }

    /** Number of bytes. */
    public int byteSize() {
        return data.remaining();
    }

    /**
     * A view of the bytes (position 0, little-endian). Shares content with this tensor; writable only if
     * the tensor is.
     */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** True if the bytes cannot be written through this tensor. */
    public boolean isReadOnly() {
        return data.isReadOnly();
    }

    /**
     * A view over the same bytes with another shape of the same element count; {@code reshape()} with no
     * dimensions gives a 0-d tensor of one element.
     */
    public Tensor reshape(int... newShape) {
        int[] s = Shapes.checked(newShape);
        if (Shapes.numel(s) != numel()) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.toString(shape) + " (" + numel()
                    + " elements) to " + Shapes.toString(s));
        }
        return new Tensor(dtype, s, data);
    }

    /** A read-only view over the same bytes. */
    public Tensor asReadOnly() {
        return data.isReadOnly() ? this : new Tensor(dtype, shape, Buffers.readOnlyView(data));
    }

    /** An independent, writable copy. */
    public Tensor copy() {
        return new Tensor(dtype, shape, Buffers.copy(data));
    }

    /** Element {@code i} (flat, row-major) converted to double. */
    public double getDouble(int i) {
        int off = i * dtype.elementSize();
        switch (dtype) {
            case BOOL:
            case UINT8:
                return data.get(off) & 0xff;
            case INT8:
                return data.get(off);
            case INT16:
                return data.getShort(off);
            case INT32:
                return data.getInt(off);
            case INT64:
                return data.getLong(off);
            case FLOAT16:
                return HalfFloats.float16ToFloat(data.getShort(off));
            case BFLOAT16:
                return HalfFloats.bfloat16ToFloat(data.getShort(off));
            case FLOAT32:
                return data.getFloat(off);
            case FLOAT64:
                return data.getDouble(off);
            default:
                throw new AssertionError(dtype);
        }
    }

    /** Element {@code i} converted to float. */
    public float getFloat(int i) {
        return (float) getDouble(i);
    }

    /**
     * Element {@code i} as long: exact for integer and bool dtypes; floating values are truncated toward zero.
     */
    public long getLong(int i) {
        if (dtype == DType.INT64) {
            return data.getLong(i * 8);
        }
        return (long) getDouble(i);
    }

    /** Element {@code i} as boolean (non-zero is true). */
    public boolean getBoolean(int i) {
        return getDouble(i) != 0;
    }

    /** All elements as doubles. */
    public double[] toDoubleArray() {
        double[] out = new double[numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** All elements as floats. */
    public float[] toFloatArray() {
        float[] out = new float[numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    /** All elements as longs. */
    public long[] toLongArray() {
        long[] out = new long[numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tensor t)) {
            return false;
        }
        return dtype == t.dtype && Arrays.equals(shape, t.shape) && Buffers.contentEquals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Buffers.contentHash(data);
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + ", " + Shapes.toString(shape) + ")";
    }
}
