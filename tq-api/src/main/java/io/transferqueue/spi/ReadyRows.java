package io.transferqueue.spi;

/**
 * The rows a sampler may choose from: produced for every requested field, not consumed by the task, not
 * being cleared. Rows are in insertion order; row ids are per-partition sequence numbers that increase with
 * insertion and are never reused while the partition exists (rows inserted by one call have consecutive
 * ids, which is how GRPO groups are recognized).
 *
 * <p>Access is lazy: asking for row {@code i} only scans as far as row {@code i}, so a sampler that needs
 * the first N rows pays for N, not for the whole partition. Valid only during the {@code sample} call.
 */
public interface ReadyRows {

    /** Number of ready rows (counts all of them). */
    int size();

    /** True if there are at least {@code n} ready rows; scans only as far as needed. */
    default boolean hasAtLeast(int n) {
        return size() >= n;
    }

    /** Id of the {@code i}-th ready row (increasing in {@code i}). */
    long rowId(int i);

    /** Global index of the {@code i}-th ready row. */
    long globalIndex(int i);

    /** Tag {@code key} of the {@code i}-th ready row, or null. */
    Object tag(int i, String key);

    /**
     * Elements of {@code field} in the {@code i}-th ready row (the sequence length of a 1-d jagged field), or
     * -1 if the field is unknown or not a tensor.
     */
    int elementCount(int i, String field);
}
