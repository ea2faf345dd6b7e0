package io.transferqueue.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Options of one {@link StorageManager#put}.
 *
 * @param transferOwnership the caller hands its buffers over: the backend may keep them instead of copying,
 *     and the caller must not touch them afterwards. Default false: the backend copies what it keeps, and
 *     the caller may reuse its buffers as soon as the put completes.
 * @param timeout how long a put may wait for capacity when the backend's policy is to block; at most
 *     {@link #MAX_TIMEOUT} (a longer one, e.g. {@code Duration.ofSeconds(Long.MAX_VALUE)}, waits that long), so
 *     every backend can turn it into milliseconds or nanoseconds and add it to a deadline
 */
public record PutOptions(boolean transferOwnership, Duration timeout) {
    /** The longest capacity wait; longer ones are shortened to it. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(365);

    private static final PutOptions DEFAULTS = new PutOptions(false, Duration.ofSeconds(30));

    public PutOptions {
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            timeout = MAX_TIMEOUT;
        }
    }

    /** Copying put, 30 s capacity wait. */
    public static PutOptions defaults() {
        return DEFAULTS;
    }

    /** These options with ownership transfer on. */
    public PutOptions withTransferOwnership() {
        return new PutOptions(true, timeout);
    }

    /** These options with another capacity wait. */
    public PutOptions withTimeout(Duration t) {
        return new PutOptions(transferOwnership, t);
    }
}
