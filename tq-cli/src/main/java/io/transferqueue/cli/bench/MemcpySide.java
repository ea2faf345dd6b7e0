package io.transferqueue.cli.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory-bandwidth baseline of the in-process backends: the same cells copied one by one into preallocated,
 * already touched memory of this JVM. PUT copies the producer's cells into the store, GET copies the store into a
 * second preallocated heap area (the reader's). The store is on the heap ({@code memcpy-heap}, what {@code simple}
 * does at best) or direct memory ({@code memcpy-direct}: heap → off-heap and back, what a device copy through a
 * direct buffer does at best, the baseline of {@code npu}).
 *
 * <p>Both areas are one field large and every field is copied into the same area, one after the other: at the
 * medium scale whole-batch areas would keep two more 1.5 GiB batches live next to the backend's, and a copy far
 * beyond the caches runs at the same speed whichever pages it lands in (at small scales everything is in cache
 * either way). The check on the first and last iteration copies field by field, outside the clock, and reads each
 * field back before the next overwrites it.
 */
final class MemcpySide implements Side {
    /** Largest single allocation of an area. */
    private static final int CHUNK = 1 << 30;

    private final boolean direct;
    private Workload prepared;
    private Layout layout;
    private ByteBuffer[] store;
    private ByteBuffer[] dest;

    MemcpySide(boolean direct) {
        this.direct = direct;
    }

    @Override
    public String name() {
        return direct ? "memcpy-direct" : "memcpy-heap";
    }

    @Override
    public List<String> ops() {
        return List.of("PUT", "GET");
    }

    @Override
    public long[] iterate(Workload w, int iteration, boolean verify) {
        if (prepared != w) {
            done(prepared);
            layout = new Layout(w.cells(), w.rows());
            // allocation zeroes (touches) every page, so the timed copies rewrite mapped memory
            store = layout.allocate(direct);
            dest = layout.allocate(false);
            prepared = w;
        }
        List<ByteBuffer> cells = w.cells();
        long t0 = System.nanoTime();
        copyIn(cells, 0, cells.size());
        long t1 = System.nanoTime();
        copyOut(cells, 0, cells.size());
        long t2 = System.nanoTime();
        if (verify) {
            int rows = w.rows();
            List<String> fields = w.fields();
            for (int f = 0; f < fields.size(); f++) {
                copyIn(cells, f * rows, (f + 1) * rows);
                copyOut(cells, f * rows, (f + 1) * rows);
                List<ByteBuffer> got = new ArrayList<>(rows);
                for (int i = f * rows; i < (f + 1) * rows; i++) {
                    got.add(dest[layout.chunkOf[i]].slice(layout.offsets[i], cells.get(i).remaining()));
                }
                w.verifyField(fields.get(f), got, name());
            }
        }
        return new long[] {t1 - t0, t2 - t1};
    }

    private void copyIn(List<ByteBuffer> cells, int from, int to) {
        for (int i = from; i < to; i++) {
            ByteBuffer c = cells.get(i);
            store[layout.chunkOf[i]].put(layout.offsets[i], c, c.position(), c.remaining());
        }
    }

    private void copyOut(List<ByteBuffer> cells, int from, int to) {
        for (int i = from; i < to; i++) {
            int k = layout.chunkOf[i];
            int off = layout.offsets[i];
            dest[k].put(off, store[k], off, cells.get(i).remaining());
        }
    }

    @Override
    public void done(Workload w) {
        prepared = null;
        layout = null;
        store = null;
        dest = null;
    }

    @Override
    public void close() {
        done(null);
    }

    /**
     * Where each cell goes: the cells of each field back to back from offset 0, in chunks of at most {@link #CHUNK}
     * bytes (a cell never spans two); the area is as large as the largest field.
     */
    private static final class Layout {
        final int[] chunkOf;
        final int[] offsets;
        final List<Long> chunkSizes = new ArrayList<>();

        Layout(List<ByteBuffer> cells, int rows) {
            chunkOf = new int[cells.size()];
            offsets = new int[cells.size()];
            for (int start = 0; start < cells.size(); start += rows) {
                int chunk = 0;
                long used = 0;
                for (int i = start; i < start + rows; i++) {
                    int n = cells.get(i).remaining();
                    if (used + n > CHUNK && used > 0) {
                        grow(chunk, used);
                        chunk++;
                        used = 0;
                    }
                    chunkOf[i] = chunk;
                    offsets[i] = (int) used;
                    used += n;
                }
                grow(chunk, used);
            }
        }

        private void grow(int chunk, long used) {
            while (chunkSizes.size() <= chunk) {
                chunkSizes.add(0L);
            }
            chunkSizes.set(chunk, Math.max(chunkSizes.get(chunk), used));
        }

        ByteBuffer[] allocate(boolean direct) {
            ByteBuffer[] out = new ByteBuffer[chunkSizes.size()];
            for (int k = 0; k < out.length; k++) {
                int n = Math.toIntExact(chunkSizes.get(k));
                out[k] = (direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n)).order(ByteOrder.LITTLE_ENDIAN);
            }
            return out;
        }
    }
}
