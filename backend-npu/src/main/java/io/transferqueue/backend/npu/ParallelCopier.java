package io.transferqueue.backend.npu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs the cell copies of one large put or get on up to {@code threads} threads, the calling thread included,
 * as contiguous ranges of cells of about equal bytes. A request of less than {@link #PARALLEL_MIN_BYTES}, or a
 * copier of one thread, copies on the calling thread alone. Helper threads start on first use and end after a
 * minute without work; {@link #close()} stops them.
 */
final class ParallelCopier implements AutoCloseable {
    /** Below this many bytes a request is copied by the calling thread alone. */
    static final long PARALLEL_MIN_BYTES = 8L << 20;

    private final int threads;
    private final ThreadPoolExecutor pool;

    ParallelCopier(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        if (threads == 1) {
            this.pool = null;
            return;
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads - 1, threads - 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Calls {@code copy} with every index {@code 0 <= i < sizes.length} ({@code sizes[i]} bytes each) and returns
     * once every call has ended, so nothing still copies when the caller releases its blocks. The first failure
     * is thrown, later ones added to it as suppressed.
     */
    void forEach(long[] sizes, IntConsumer copy) {
        long total = 0;
        for (long s : sizes) {
            total += s;
        }
        int parts = pool == null || total < PARALLEL_MIN_BYTES ? 1 : Math.min(threads, sizes.length);
        if (parts <= 1) {
            run(copy, 0, sizes.length);
            return;
        }
        int[] bounds = split(sizes, total, parts);
        List<Future<?>> helpers = new ArrayList<>(parts - 1);
        RuntimeException failure = null;
        for (int p = 1; p < parts; p++) {
            int from = bounds[p];
            int to = bounds[p + 1];
            try {
                helpers.add(pool.submit(() -> run(copy, from, to)));
            } catch (RejectedExecutionException closing) {
                failure = merge(failure, attempt(copy, from, to));
            }
        }
        failure = merge(failure, attempt(copy, bounds[0], bounds[1]));
        boolean interrupted = false;
        Error fatal = null;
        for (Future<?> f : helpers) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the copies must end before the caller goes on: keep waiting
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        failure = merge(failure, re);
                    } else if (cause instanceof Error err && fatal == null) {
                        fatal = err;
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (fatal != null) {
            throw fatal;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Boundaries of {@code parts} contiguous ranges of about {@code total / parts} bytes, none empty. */
    static int[] split(long[] sizes, long total, int parts) {
        int[] bounds = new int[parts + 1];
        bounds[parts] = sizes.length;
        long acc = 0;
        int i = 0;
        for (int p = 1; p < parts; p++) {
            long target = total * p / parts;
            // at least one cell per range, and room for one per remaining range
            while (i < sizes.length - (parts - p) && (i < bounds[p - 1] + 1 || acc + sizes[i] <= target)) {
                acc += sizes[i++];
            }
            bounds[p] = i;
        }
        return bounds;
    }

    private static void run(IntConsumer copy, int from, int to) {
        for (int i = from; i < to; i++) {
            copy.accept(i);
        }
    }

    private static RuntimeException attempt(IntConsumer copy, int from, int to) {
        try {
            run(copy, from, to);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static RuntimeException merge(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        if (next != null && next != first) {
            first.addSuppressed(next);
        }
        return first;
    }

    /** Stops the helper threads (waiting for running copies). Idempotent. */
    @Override
    public void close() {
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
