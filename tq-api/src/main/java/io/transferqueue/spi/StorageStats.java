package io.transferqueue.spi;

/**
 * Usage of a storage backend. Capacities are {@code -1} when unlimited; counts are {@code -1} when the
 * backend cannot tell. Every consumer must handle both.
 *
 * @param rows rows (or cells) held
 * @param bytes payload bytes held
 * @param rowCapacity row limit, -1 if unlimited
 * @param byteCapacity byte limit, -1 if unlimited
 */
public record StorageStats(long rows, long bytes, long rowCapacity, long byteCapacity) {
    /** Nothing known, nothing limited. */
    public static final StorageStats UNKNOWN = new StorageStats(-1, -1, -1, -1);

    /** True if neither rows nor bytes are limited. */
    public boolean isUnlimited() {
        return rowCapacity < 0 && byteCapacity < 0;
    }
}
