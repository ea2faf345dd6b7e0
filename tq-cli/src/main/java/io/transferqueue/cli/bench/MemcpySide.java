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
 */
final class MemcpySide implements Side {
    /** Largest single allocation of a store or destination area. */
    private static final int CHUNK = 1 << 30;

    private final boolean direct;
    private Workload prepared;
    private Area store;
    private Area dest;

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
            store = new Area(w.cells(), direct);
            dest = new Area(w.cells(), false);
            prepared = w;
        }
        List<ByteBuffer> cells = w.cells();
        long t0 = System.nanoTime();
        for (int i = 0; i < cells.size(); i++) {
            ByteBuffer c = cells.get(i);
            store.chunk(i).put(store.offset(i), c, c.position(), c.remaining());
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < cells.size(); i++) {
            int n = cells.get(i).remaining();
            dest.chunk(i).put(dest.offset(i), store.chunk(i), store.offset(i), n);
        }
        long t2 = System.nanoTime();
        if (verify) {
            List<ByteBuffer> got = new ArrayList<>(cells.size());
            for (int i = 0; i < cells.size(); i++) {
                got.add(dest.chunk(i).slice(dest.offset(i), cells.get(i).remaining()));
            }
            w.verifyCells(got, name());
        }
        return new long[] {t1 - t0, t2 - t1};
    }

    @Override
    public void done(Workload w) {
        prepared = null;
        store = null;
        dest = null;
    }

    @Override
    public void close() {
        done(null);
    }

    /** Cells laid out back to back in chunks of at most {@link #CHUNK} bytes (a cell never spans two). */
    private static final class Area {
        private final ByteBuffer[] chunks;
        private final int[] chunkOf;
        private final int[] offsets;

        Area(List<ByteBuffer> cells, boolean direct) {
            chunkOf = new int[cells.size()];
            offsets = new int[cells.size()];
            List<Long> sizes = new ArrayList<>();
            long used = 0;
            for (int i = 0; i < cells.size(); i++) {
                int n = cells.get(i).remaining();
                if (used + n > CHUNK && used > 0) {
                    sizes.add(used);
                    used = 0;
                }
                chunkOf[i] = sizes.size();
                offsets[i] = (int) used;
                used += n;
            }
            sizes.add(used);
            chunks = new ByteBuffer[sizes.size()];
            for (int k = 0; k < chunks.length; k++) {
                int n = Math.toIntExact(sizes.get(k));
                // allocation zeroes (touches) every page, so the timed copies rewrite mapped memory
                chunks[k] = (direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n))
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
        }

        ByteBuffer chunk(int cell) {
            return chunks[chunkOf[cell]];
        }

        int offset(int cell) {
            return offsets[cell];
        }
    }
}
