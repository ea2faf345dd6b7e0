package io.transferqueue.backend.npu;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One cell's block of device memory, handed out by {@link DeviceAllocator}. Reference counted: the key table
 * holds one reference, every read in flight and every leased {@link DeviceBuffer} one more; the block goes
 * back to the allocator when the last one is released, so a clear or overwrite never frees memory that is
 * still being read (and a reader never sees recycled memory).
 */
final class DeviceAllocation {
    /** Unique per backend instance and never reused: the "generation" of the cell's handle. */
    final long id;
    /** Null for an empty cell (no device memory). */
    final DeviceAllocator.Chunk chunk;
    /** Offset of the block in its chunk. */
    final long offset;
    /** Bytes of the value. */
    final long length;
    /** Bytes accounted: length rounded up to the allocator's alignment (0 for an empty cell). */
    final long size;
    private final DeviceAllocator allocator;
    private final AtomicInteger refs = new AtomicInteger(1);

    DeviceAllocation(DeviceAllocator allocator, long id, DeviceAllocator.Chunk chunk, long offset, long length, long size) {
        this.allocator = allocator;
        this.id = id;
        this.chunk = chunk;
        this.offset = offset;
        this.length = length;
        this.size = size;
    }

    /** Device address of the block (0 for an empty cell). */
    long address() {
        return chunk == null ? 0 : chunk.base + offset;
    }

    /** Takes a reference unless the block was already released for good. */
    boolean tryRetain() {
        for (;;) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one returns the block to the allocator. */
    void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            allocator.free(this);
        } else if (r < 0) {
            throw new IllegalStateException("device allocation " + id + " released more often than retained");
        }
    }

    @Override
    public String toString() {
        return "DeviceAllocation(" + id + ", chunk " + (chunk == null ? "-" : chunk.id) + ", offset " + offset
                + ", length " + length + ")";
    }
}
