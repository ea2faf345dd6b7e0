package io.transferqueue.spi;

/**
 * Optional abilities a storage backend declares in {@link StorageManager#capabilities()}. Callers and
 * the conformance kit branch on them; using an undeclared capability fails with a typed error.
 */
public enum Capability {
    /** {@link ReadOptions#zeroCopy()} returns read-only views over stored bytes instead of copies. */
    ZERO_COPY_READ,
    /** Capacity limits (rows and/or bytes) with a declared policy when full. */
    CAPACITY_LIMIT,
    /** Data outlives the process (and a reopened backend finds it). */
    PERSISTENT,
    /** Data lives outside this process (another process, server or device). */
    REMOTE,
    /** Data lives in accelerator memory. */
    DEVICE_MEMORY
}
