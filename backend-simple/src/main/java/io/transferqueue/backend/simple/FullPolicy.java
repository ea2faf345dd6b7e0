package io.transferqueue.backend.simple;

/** What a put does when a storage unit has no room for it. */
public enum FullPolicy {
    /**
     * Wait, up to {@link io.transferqueue.spi.PutOptions#timeout()}, until clears free enough room; then fail
     * with {@link io.transferqueue.error.CapacityExceededException}. Waiting puts are served in arrival order.
     */
    BLOCK,
    /** Fail at once with {@link io.transferqueue.error.CapacityExceededException}. */
    REJECT
}
