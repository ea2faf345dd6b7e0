package io.transferqueue.backend.simple;

import io.transferqueue.data.DType;

/**
 * One stored (row, field) value. Tensor cells own an exact-size heap array that is never written after the
 * cell is created and never reused for other data, so read-only views handed out by zero-copy reads stay
 * valid (and unchanged) for as long as a reader holds them; the GC frees the array once no cell and no view
 * references it.
 */
sealed interface Cell permits Cell.TensorCell, Cell.ObjectCell {

    /** Payload bytes, for capacity accounting. */
    long byteSize();

    /** A tensor row: dtype, its shape and its little-endian bytes (owned, never written). */
    record TensorCell(DType dtype, int[] shape, byte[] data) implements Cell {
        @Override
        public long byteSize() {
            return data.length;
        }
    }

    /** A safe value (see {@link io.transferqueue.data.ObjectValues}), normalized and owned by the store. */
    record ObjectCell(Object value, long byteSize) implements Cell {
    }
}
