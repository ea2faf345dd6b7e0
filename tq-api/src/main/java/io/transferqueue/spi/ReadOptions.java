package io.transferqueue.spi;

/**
 * Options of one {@link StorageManager#get}. Default: independent, writable copies that belong to the
 * caller. {@link #zeroCopy()}: read-only views over stored bytes, only where the backend declares
 * {@link Capability#ZERO_COPY_READ} (otherwise the get fails).
 */
public final class ReadOptions {
    private static final ReadOptions COPY = new ReadOptions(false);
    private static final ReadOptions ZERO_COPY = new ReadOptions(true);

    private final boolean zeroCopy;

    private ReadOptions(boolean zeroCopy) {
        this.zeroCopy = zeroCopy;
    }

    /** Independent, writable copies (the default). */
    public static ReadOptions copy() {
        return COPY;
    }

    /** Read-only views over stored bytes; writing them throws {@link java.nio.ReadOnlyBufferException}. */
    public static ReadOptions zeroCopy() {
        return ZERO_COPY;
    }

    /** True for zero-copy reads. */
    public boolean isZeroCopy() {
        return zeroCopy;
    }

    @Override
    public String toString() {
        return zeroCopy ? "ReadOptions(zero-copy)" : "ReadOptions(copy)";
    }
}
