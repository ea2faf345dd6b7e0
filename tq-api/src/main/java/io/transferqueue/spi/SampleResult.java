package io.transferqueue.spi;

import static java.util.Objects.requireNonNull;

/**
 * A sampler's answer: the row ids returned to the caller (in batch order) and the row ids the controller
 * marks consumed for the task (they are not offered to the task again until its consumption is reset). The
 * two may differ: a replay returns rows without consuming them; a balanced split consumes every rank's
 * share at once.
 *
 * @param sampled row ids for this caller, in batch order
 * @param consumed row ids to mark consumed
 * @param emptyShare true if an empty {@code sampled} is this caller's final answer for its batch index (its
 *     share of a split is empty), not "not enough rows yet": the request is answered at once with
 *     {@link io.transferqueue.client.GetMetaRequest#EMPTY_SHARE} instead of waiting
 */
public record SampleResult(long[] sampled, long[] consumed, boolean emptyShare) {
    private static final SampleResult EMPTY = new SampleResult(new long[0], new long[0], false);

    public SampleResult {
        requireNonNull(sampled, "sampled is null");
        requireNonNull(consumed, "consumed is null");
        if (emptyShare && sampled.length > 0) {
            throw new IllegalArgumentException("an empty share cannot hold rows");
        }
    }

    /** Rows for the caller and rows to consume (not an empty share). */
    public SampleResult(long[] sampled, long[] consumed) {
        this(sampled, consumed, false);
    }

    /** Nothing selected yet (the request waits or returns empty). */
    public static SampleResult empty() {
        return EMPTY;
    }

    /** {@code rows} returned and consumed. */
    public static SampleResult of(long[] rows) {
        return new SampleResult(rows, rows, false);
    }

    /** The caller's share of a decided split is empty; {@code consumed} are the rows the split consumes now. */
    public static SampleResult emptyShare(long[] consumed) {
        return new SampleResult(new long[0], consumed, true);
    }

    /** True if no rows are returned to the caller. */
    public boolean isEmpty() {
        return sampled.length == 0;
    }
}
