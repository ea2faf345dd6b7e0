package io.transferqueue.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Small helpers for the little-endian buffers every tensor and column holds. None of them keeps a
 * reference to its arguments.
 */
public final class Buffers {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer()
            .order(ByteOrder.LITTLE_ENDIAN);

    private Buffers() {
    }

    /** A read-only empty little-endian buffer. */
    public static ByteBuffer empty() {
        return EMPTY.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A view of the remaining bytes of {@code b}: shares content, own position (0) and limit, little-endian,
     * and read-only if {@code b} is.
     */
    public static ByteBuffer view(ByteBuffer b) {
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A view of {@code length} bytes of {@code b} starting at absolute index {@code offset}. */
    public static ByteBuffer view(ByteBuffer b, int offset, int length) {
        return b.slice(offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A read-only view of the remaining bytes. */
    public static ByteBuffer readOnlyView(ByteBuffer b) {
        return b.asReadOnlyBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether any of the buffers is read-only. */
    static boolean anyReadOnly(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (b.isReadOnly()) {
                return true;
            }
        }
        return false;
    }

    /** Read-only little-endian views of each buffer, in order. */
    static ByteBuffer[] readOnlyViews(ByteBuffer[] buffers) {
        ByteBuffer[] views = new ByteBuffer[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            views[i] = readOnlyView(buffers[i]);
        }
        return views;
    }

    /** A new writable heap buffer holding a copy of the remaining bytes of {@code b}. */
    public static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer dst = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        dst.put(b.duplicate());
        return dst.flip();
    }

    /** A new writable heap buffer of {@code size} bytes, little-endian. */
    public static ByteBuffer allocate(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Copies all remaining bytes of {@code src} into {@code dst} at absolute {@code offset}, positions unchanged. */
    public static void copyInto(ByteBuffer src, ByteBuffer dst, int offset) {
        dst.put(offset, src, src.position(), src.remaining());
    }

    /** True if the remaining bytes of both buffers are equal. */
    public static boolean contentEquals(ByteBuffer a, ByteBuffer b) {
        return a.remaining() == b.remaining() && a.mismatch(b) == -1;
    }

    /** Hash of the remaining bytes (not of position or limit). */
    public static int contentHash(ByteBuffer b) {
        int h = 1;
        int end = b.limit();
        for (int i = b.position(); i < end; i++) {
            h = 31 * h + b.get(i);
        }
        return h;
    }

    /**
     * CRC32C of the remaining bytes, for end-to-end checks (benchmarks, demo, tests).
     */
    public static long checksum(ByteBuffer b) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.duplicate());
        return crc.getValue();
    }
}
