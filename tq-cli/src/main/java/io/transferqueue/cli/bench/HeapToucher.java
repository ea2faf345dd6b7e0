package io.transferqueue.cli.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Touches this JVM's heap before anything is measured: allocates (and so zeroes) arrays adding up to the working
 * set, then drops them. The collector keeps the pages it then has for later allocations (the launcher runs the
 * benchmark with uncommit off), so timed operations rewrite mapped memory, as in a long-running process, instead
 * of faulting in fresh pages at a fraction of the copy speed.
 */
final class HeapToucher {
    private static final int CHUNK = 64 << 20;

    private HeapToucher() {
    }

    /**
     * Touches up to {@code bytes} (at most 80 % of the heap not in use).
     *
     * @return the bytes touched
     */
    static long touch(long bytes) {
        Runtime rt = Runtime.getRuntime();
        long room = (long) ((rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) * 0.8);
        long target = Math.max(0, Math.min(bytes, room));
        List<byte[]> held = new ArrayList<>();
        long done = 0;
        while (done < target) {
            int n = (int) Math.min(CHUNK, target - done);
            held.add(new byte[n]);
            done += n;
        }
        held.clear();
        System.gc();
        return done;
    }
}
