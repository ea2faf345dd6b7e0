package io.transferqueue.backend.npu;

import io.transferqueue.error.CapacityExceededException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The backend's pool of device memory. Memory is taken from the runtime in chunks ({@code chunk-size}, or one
 * chunk for a larger cell) and cells get best-fit blocks inside them, aligned to {@value #ALIGNMENT} bytes;
 * freed blocks coalesce with their neighbours and are reused, and chunks stay mapped until close. Reusing
 * memory matters beyond the runtime's malloc cost: on these machines the first touch of a fresh page costs
 * ~8x a rewrite, so an allocator that handed out fresh memory per put would cap throughput far below memcpy.
 *
 * <p>Accounting: the bytes of live blocks ({@link #usedBytes()}) and of all chunks ({@link #reservedBytes()})
 * never exceed the capacity. A request that does not fit, or that the device itself cannot satisfy, is a
 * {@link CapacityExceededException} and allocates nothing. When a new chunk does not fit, chunks with no live
 * block are given back to the runtime first.
 *
 * <p>Thread-safe (one lock; the copies into the blocks happen outside it). Native calls are made with the
 * caller inside {@link NpuDevice#enter()}.
 */
final class DeviceAllocator {
    /** Alignment (and minimum size) of every block, as device runtimes' own caching allocators use. */
    static final long ALIGNMENT = 512;
    /** Chunks for large cells are rounded up to this. */
    static final long LARGE_CHUNK_GRANULE = 2L << 20;

    /** A chunk of device memory taken from the runtime. */
    static final class Chunk {
        final long id;
        final long base;
        final long size;
        /** Free blocks: offset → size. Guarded by the allocator. */
        final TreeMap<Long, Long> free = new TreeMap<>();
        /** Bytes of live blocks. Guarded by the allocator. */
        long live;
        /** Set when the chunk was given back to the runtime. Guarded by the allocator. */
        boolean released;

        Chunk(long id, long base, long size) {
            this.id = id;
            this.base = base;
            this.size = size;
        }
    }

    private record Block(long size, long chunk, long offset) {
    }

    private static final Comparator<Block> BY_SIZE = Comparator.comparingLong(Block::size)
            .thenComparingLong(Block::chunk).thenComparingLong(Block::offset);

    private final NpuDevice device;
    private final long capacity;
    private final long chunkSize;
    private final TreeSet<Block> freeBlocks = new TreeSet<>(BY_SIZE);
    private final Map<Long, Chunk> chunks = new HashMap<>();
    private long used;
    private long reserved;
    private long liveBlocks;
    private long nextChunkId = 1;
    private long chunkAllocations;
    private boolean closed;

    DeviceAllocator(NpuDevice device, long capacity, long chunkSize) {
        if (capacity < ALIGNMENT || chunkSize < ALIGNMENT || chunkSize % ALIGNMENT != 0) {
            throw new IllegalArgumentException("capacity " + capacity + " and chunk size " + chunkSize
                    + " must be at least " + ALIGNMENT + " (the chunk size a multiple of it)");
        }
        this.device = device;
        this.capacity = capacity;
        this.chunkSize = chunkSize;
    }

    static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /**
     * Blocks for all {@code lengths}, or none: if one does not fit, those already taken are given back and a
     * {@link CapacityExceededException} says how much is used, reserved and needed.
     *
     * @param ids supplies the id of each allocation
     */
    synchronized DeviceAllocation[] allocateAll(long[] lengths, LongSupplier ids) {
        if (closed) {
            throw new IllegalStateException("allocator is closed");
        }
        long needed = 0;
        for (long l : lengths) {
            if (l < 0) {
                throw new IllegalArgumentException("negative length " + l);
            }
            needed += align(l);
        }
        if (needed > capacity - used) {
            throw new CapacityExceededException("npu storage is full: " + lengths.length + " values need " + needed
                    + " bytes of device memory, " + used + " of the capacity of " + capacity + " bytes are in use "
                    + "(tq.storage.npu.capacity); nothing was written, clear rows first");
        }
        DeviceAllocation[] out = new DeviceAllocation[lengths.length];
        int i = 0;
        try {
            for (; i < lengths.length; i++) {
                out[i] = allocate(lengths[i], ids.getAsLong());
            }
            return out;
        } catch (RuntimeException e) {
            for (int j = 0; j < i; j++) {
                free(out[j]);
            }
            throw e;
        }
    }

    private DeviceAllocation allocate(long length, long id) {
        if (length == 0) {
            return new DeviceAllocation(this, id, null, 0, 0, 0);
        }
        long size = align(length);
        Block b = freeBlocks.ceiling(new Block(size, Long.MIN_VALUE, Long.MIN_VALUE));
        if (b == null) {
            Chunk c = newChunk(size);
            b = new Block(c.size, c.id, 0);
        } else {
            freeBlocks.remove(b);
            chunks.get(b.chunk()).free.remove(b.offset());
        }
        Chunk c = chunks.get(b.chunk());
        if (b.size() > size) {
            addFree(c, b.offset() + size, b.size() - size);
        }
        c.live += size;
        used += size;
        liveBlocks++;
        return new DeviceAllocation(this, id, c, b.offset(), length, size);
    }

    /** A new chunk holding at least {@code size} bytes, registered without free blocks. */
    private Chunk newChunk(long size) {
        long want = size > chunkSize ? roundUp(size, LARGE_CHUNK_GRANULE) : chunkSize;
        long room = (capacity - reserved) / ALIGNMENT * ALIGNMENT;
        if (room < size) {
            releaseEmptyChunks();
            room = (capacity - reserved) / ALIGNMENT * ALIGNMENT;
        }
        if (room < size) {
            throw new CapacityExceededException("npu storage is full: a value of " + size + " bytes fits in no free "
                    + "block and a new chunk would go past the capacity of " + capacity + " bytes ("
                    + used + " bytes in use, " + reserved + " reserved in " + chunks.size()
                    + " chunks: fragmented); nothing was written, clear rows first");
        }
        long chunkBytes = Math.min(want, room);
        long base;
        try {
            base = device.malloc(chunkBytes);
        } catch (NpuNativeException e) {
            if (e.category() == NpuNativeException.Category.OUT_OF_MEMORY) {
                throw new CapacityExceededException("npu storage: the device has no room for another chunk of "
                        + chunkBytes + " bytes (" + used + " bytes in use by this backend): " + e.getMessage()
                        + "; nothing was written", e);
            }
            throw e;
        }
        Chunk c = new Chunk(nextChunkId++, base, chunkBytes);
        chunks.put(c.id, c);
        reserved += chunkBytes;
        chunkAllocations++;
        return c;
    }

    private static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }

    private void addFree(Chunk c, long offset, long size) {
        c.free.put(offset, size);
        freeBlocks.add(new Block(size, c.id, offset));
    }

    private void removeFree(Chunk c, long offset, long size) {
        c.free.remove(offset);
        freeBlocks.remove(new Block(size, c.id, offset));
    }

    /** Returns a block (called by the last {@link DeviceAllocation#release()}); a no-op after close. */
    synchronized void free(DeviceAllocation a) {
        if (closed || a.chunk == null) {
            return;
        }
        Chunk c = a.chunk;
        if (c.released) {
            throw new IllegalStateException(a + " belongs to a chunk that was given back to the device");
        }
        long offset = a.offset;
        long size = a.size;
        Map.Entry<Long, Long> prev = c.free.floorEntry(offset);
        if (prev != null && prev.getKey() + prev.getValue() == offset) {
            removeFree(c, prev.getKey(), prev.getValue());
            offset = prev.getKey();
            size += prev.getValue();
        }
        Long next = c.free.get(offset + size);
        if (next != null) {
            removeFree(c, offset + size, next);
            size += next;
        }
        addFree(c, offset, size);
        c.live -= a.size;
        used -= a.size;
        liveBlocks--;
    }

    /** Gives chunks without live blocks back to the runtime. */
    private void releaseEmptyChunks() {
        List<Chunk> empty = new ArrayList<>();
        for (Chunk c : chunks.values()) {
            Long whole = c.free.get(0L);
            if (c.live == 0 && whole != null && whole == c.size) {
                empty.add(c);
            }
        }
        for (Chunk c : empty) {
            removeFree(c, 0, c.size);
            chunks.remove(c.id);
            reserved -= c.size;
            c.released = true;
            device.free(c.base);
        }
    }

    /**
     * Checks, without the lock, that a live block lies inside its chunk: done before every native copy, as a
     * second line behind the handle checks (a live block keeps its chunk, which only close gives back).
     */
    static boolean isInBounds(DeviceAllocation a) {
        if (a.chunk == null) {
            return a.length == 0;
        }
        return a.offset >= 0 && a.length > 0 && a.size >= a.length && a.offset <= a.chunk.size - a.size;
    }

    synchronized long usedBytes() {
        return used;
    }

    synchronized long reservedBytes() {
        return reserved;
    }

    synchronized long liveBlocks() {
        return liveBlocks;
    }

    synchronized int chunkCount() {
        return chunks.size();
    }

    /** Chunks taken from the runtime so far (a growing count means memory is not being reused). */
    synchronized long chunkAllocations() {
        return chunkAllocations;
    }

    long capacity() {
        return capacity;
    }

    /**
     * Gives every chunk back to the runtime, live blocks or not; later frees do nothing. Failures of the
     * runtime are collected (the first thrown, the others suppressed) after every chunk was tried.
     */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (Chunk c : chunks.values()) {
            c.released = true;
            try {
                device.free(c.base);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        chunks.clear();
        freeBlocks.clear();
        reserved = 0;
        if (failure != null) {
            throw failure;
        }
    }
}
