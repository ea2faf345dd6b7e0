package io.transferqueue.cli.demo;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one stage of the demo (rows handled, bytes read and written, when it first and last moved data).
 * Updated by the stage's threads, read by the progress display and the summary.
 */
final class Stage {
    private final String name;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong firstNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);

    Stage(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** Marks the start of a data operation (the earliest one opens the stage's active time). */
    void started(long nanos) {
        firstNanos.accumulateAndGet(nanos, Math::min);
    }

    /** Counts a finished operation over {@code rows} rows. */
    void moved(long rows, long read, long written, long nanos) {
        bytesRead.addAndGet(read);
        bytesWritten.addAndGet(written);
        lastNanos.accumulateAndGet(nanos, Math::max);
        this.rows.addAndGet(rows);
    }

    long rows() {
        return rows.get();
    }

    long bytesRead() {
        return bytesRead.get();
    }

    long bytesWritten() {
        return bytesWritten.get();
    }

    /** Nanoseconds from the first operation's start to the last one's end, or 0 if nothing moved. */
    long activeNanos() {
        long first = firstNanos.get();
        long last = lastNanos.get();
        return first == Long.MAX_VALUE || last < first ? 0 : last - first;
    }
}
