package io.transferqueue.meta;

import static java.util.Objects.requireNonNull;

/**
 * Identity of one row: the partition it belongs to, its global index and the generation of that index.
 * The controller recycles global indexes after a clear and bumps the generation on every reuse, so a
 * handle taken before a clear can never address the row that reuses its index: operations with it fail
 * with {@link io.transferqueue.error.StaleHandleException}.
 */
public record RowHandle(String partition, long globalIndex, int generation) {
    public RowHandle {
        requireNonNull(partition, "partition is null");
        if (globalIndex < 0) {
            throw new IllegalArgumentException("negative global index " + globalIndex);
        }
        if (generation < 0) {
            throw new IllegalArgumentException("negative generation " + generation);
        }
    }

    @Override
    public String toString() {
        return partition + "/" + globalIndex + "." + generation;
    }
}
