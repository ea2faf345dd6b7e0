package io.transferqueue.backend.simple;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What a stored cell is. A tensor cell whose shape follows from its field ({@link RowLayout}) is a heap
 * {@link ByteBuffer} over its own exact-size array: dense rows (the field's row shape) and rank-1 jagged rows
 * (length / element size). Jagged rows of higher rank are {@link Shaped}, object values {@link Value}.
 *
 * <p>The buffer is the store's private handle (position 0, limit = capacity = array length, never moved):
 * a zero-copy read derives its read-only view from the buffer's fields without touching the array, and
 * buffers are allocated next to their row, so reading many rows costs few cache misses. Every array is
 * owned by the store, never written after the put and never reused for other data, so read-only views stay
 * valid and unchanged for as long as a reader holds them; the GC frees an array once no row and no view
 * references it.
 */
final class Cells {
    private Cells() {
    }

    /** A jagged row of rank ≥ 2: its shape and its little-endian bytes. */
    record Shaped(int[] shape, ByteBuffer data) {
    }

    /** A safe value (see {@link io.transferqueue.data.ObjectValues}), normalized and owned by the store. */
    record Value(Object value, long size) {
    }

    /** Payload bytes of a cell, for capacity accounting. */
    static long byteSize(Object cell) {
        if (cell instanceof ByteBuffer b) {
            return b.capacity();
        }
        if (cell instanceof Shaped s) {
            return s.data.capacity();
        }
        return ((Value) cell).size;
    }

    /** The bytes of a tensor cell (the store's handle: do not move it or hand it out). */
    static ByteBuffer data(Object cell) {
        return cell instanceof ByteBuffer b ? b : ((Shaped) cell).data;
    }

    /** A tensor cell over {@code array} (exact size, owned by the store). */
    static ByteBuffer wrap(byte[] array) {
        return ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A staged cell ready to be stored: a bare {@code byte[]} from a put becomes its buffer. Called when the
     * row is built, so the buffers are allocated next to the row.
     */
    static Object seal(Object staged) {
        return staged instanceof byte[] b ? wrap(b) : staged;
    }
}
