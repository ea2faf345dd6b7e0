package io.transferqueue.spi;

/**
 * A sampler's answer: the row ids returned to the caller (in batch order) and the row ids the controller
 * marks consumed for the task (they are not offered to the task again until its consumption is reset). The
 * two may differ: a replay returns rows without consuming them; a balanced split consumes every rank's
 * share at once.
 *
 * @param sampled row ids for this caller, in batch order; empty means "not enough rows yet"
 * @param consumed row ids to mark consumed
 */
public record SampleResult(long[] sampled, long[] consumed) {
    private static final SampleResult EMPTY = new SampleResult(new long[0], new long[0]);

    /** Nothing selected (the request waits or returns empty). */
    public static SampleResult empty() {
        return EMPTY;
    }

    /** {@code rows} returned and consumed. */
    public static SampleResult of(long[] rows) {
        return new SampleResult(rows, rows);
    }

    public boolean isEmpty() {
        return sampled.length == 0;
    }
}
