package io.transferqueue.controller;

/**
 * Allocates global indexes for rows of every partition. Released indexes are reused first-in first-out,
 * and every reuse bumps the index's generation, so handles taken before a release can be told apart from
 * the row that reuses the index. Memory: 8 bytes per index ever handed out (bounded by the most rows live at
 * once). Thread-safe.
 */
final class IndexAllocator {
    private int next;
    private int[] generation = new int[1024];
    private int[] pool = new int[1024];
    private int head;
    private int poolSize;

    /** Allocates {@code n} indexes: reused ones first (FIFO), then fresh. Generations go to {@code gens}. */
    synchronized int[] allocate(int n, int[] gens) {
        if (n < 0 || (long) next + n - Math.min(n, poolSize) > Integer.MAX_VALUE) {
            throw new IllegalStateException("global index space exhausted");
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int gi;
            if (poolSize > 0) {
                gi = pool[head];
                head = (head + 1) % pool.length;
                poolSize--;
                generation[gi]++;
            } else {
                gi = next++;
                if (gi >= generation.length) {
                    generation = java.util.Arrays.copyOf(generation, Math.max(gi + 1, generation.length * 2));
                }
            }
            out[i] = gi;
            gens[i] = generation[gi];
        }
        return out;
    }

    /** Returns indexes to the pool (appended, so the oldest released is reused first). */
    synchronized void release(int[] gis, int count) {
        if (poolSize + count > pool.length) {
            int[] p = new int[Math.max(pool.length * 2, poolSize + count)];
            for (int i = 0; i < poolSize; i++) {
                p[i] = pool[(head + i) % pool.length];
            }
            pool = p;
            head = 0;
        }
        for (int i = 0; i < count; i++) {
            pool[(head + poolSize) % pool.length] = gis[i];
            poolSize++;
        }
    }

    /** Current generation of {@code gi}, or -1 if it was never allocated. */
    synchronized int generation(long gi) {
        return gi >= 0 && gi < next ? generation[(int) gi] : -1;
    }

    /** Indexes ever handed out (the counter). */
    synchronized int allocated() {
        return next;
    }

    /** Indexes waiting in the reuse pool. */
    synchronized int reusable() {
        return poolSize;
    }

    synchronized long heapBytes() {
        return 4L * generation.length + 4L * pool.length;
    }
}
