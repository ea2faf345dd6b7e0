package io.transferqueue.client;

/** What a metadata request does. */
public enum FetchMode {
    /** Allocate new rows for a producer (in the partition, created if missing). */
    INSERT,
    /** Take ready, unconsumed rows through the sampler and mark them consumed for the task. */
    FETCH,
    /** Every row of the partition (produced or not, consumed or not); nothing is marked. */
    FORCE_FETCH
}
