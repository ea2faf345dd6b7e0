package io.transferqueue.controller;

/** Static helpers for bit sets kept as {@code long[]} over row slots. */
final class Bits {
    private Bits() {
    }

    static long[] forCapacity(int slots) {
        return new long[(slots + 63) >>> 6];
    }

    static boolean get(long[] b, int i) {
        return (b[i >>> 6] & (1L << i)) != 0;
    }

    static void set(long[] b, int i) {
        b[i >>> 6] |= 1L << i;
    }

    static void clear(long[] b, int i) {
        b[i >>> 6] &= ~(1L << i);
    }

    /** A copy of {@code b} with bit {@code map[i]} set for every set bit {@code i} that maps to {@code >= 0}. */
    static long[] remap(long[] b, int[] map, int oldHigh, int newCapacity) {
        if (b == null) {
            return null;
        }
        long[] out = forCapacity(newCapacity);
        for (int i = 0; i < oldHigh; i++) {
            int j = map[i];
            if (j >= 0 && get(b, i)) {
                set(out, j);
            }
        }
        return out;
    }
}
