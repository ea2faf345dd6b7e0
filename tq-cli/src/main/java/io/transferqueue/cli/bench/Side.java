package io.transferqueue.cli.bench;

import java.util.List;

/**
 * One side of a benchmark group: a backend through the TransferQueue client, or a baseline moving the same bytes
 * without it. A side times its own operations (and nothing else: metadata calls, clears and checks stay outside
 * the clock) and is used from one thread.
 */
interface Side extends AutoCloseable {

    /** The name printed and written, e.g. {@code simple} or {@code raw-jeromq}. */
    String name();

    /** Operations it times, in the order {@link #iterate} returns them: {@code PUT}, {@code GET}, .... */
    List<String> ops();

    /**
     * One iteration on {@code w}: writes it, reads it back, clears it.
     *
     * @param iteration 0-based, warm-up included (names partitions and keys)
     * @param verify whether to check every field read against what was written
     * @return nanoseconds of each operation of {@link #ops()}
     * @throws ChecksumMismatchException if {@code verify} and the bytes differ
     */
    long[] iterate(Workload w, int iteration, boolean verify) throws Exception;

    /** Called after the last iteration on {@code w} (free what was prepared for it). */
    default void done(Workload w) {
    }

    @Override
    void close() throws Exception;
}
