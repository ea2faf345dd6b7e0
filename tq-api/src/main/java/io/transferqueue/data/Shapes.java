package io.transferqueue.data;

import java.util.Arrays;

/** Shape arithmetic shared by tensors and columns. Shapes are {@code int[]}, never null. */
public final class Shapes {
    private static final int[] SCALAR = new int[0];

    private Shapes() {
    }

    /** The shape of a 0-d tensor. */
    public static int[] scalar() {
        return SCALAR;
    }

    /**
     * Number of elements of a shape (1 for a 0-d shape).
     *
     * @throws IllegalArgumentException if a dimension is negative or the product overflows an int
     */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) n;
    }

    /**
     * Bytes taken by a tensor of this shape and dtype.
     *
     * @throws IllegalArgumentException if the size does not fit in one buffer (2 GiB)
     */
    public static int byteSize(DType dtype, int[] shape) {
        long bytes = (long) numel(shape) * dtype.elementSize();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " and dtype " + dtype
                    + " needs " + bytes + " bytes; one buffer holds at most " + Integer.MAX_VALUE);
        }
        return (int) bytes;
    }

    /** A defensive copy that also rejects null and negative dimensions. */
    public static int[] checked(int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape is null");
        }
        int[] copy = shape.clone();
        numel(copy);
        return copy;
    }

    /** Prepends a leading dimension. */
    public static int[] prepend(int first, int[] rest) {
        int[] s = new int[rest.length + 1];
        s[0] = first;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return s;
    }

    /** Drops the leading dimension. */
    public static int[] tail(int[] shape) {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Formats like PyTorch: {@code [2, 3]}. */
    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }
}
