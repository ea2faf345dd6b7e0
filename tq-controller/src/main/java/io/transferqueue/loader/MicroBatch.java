package io.transferqueue.loader;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;

/**
 * One micro-batch of a {@link StreamingDataLoader}: rows {@code [from, to)} of a fetched batch, as data and as
 * metadata cut at the same boundaries, so row i of {@link #data()} is row i of {@link #meta()}.
 *
 * <p><b>Ownership.</b> The data belongs to the caller. By default it is an independent, writable copy (the
 * micro-batches of one batch are disjoint slices of one copy); with {@code ReadOptions.zeroCopy()} it is a
 * read-only view. The meta can be passed back to the client, e.g. {@code client.put(results, meta)} to add
 * fields to these rows.
 *
 * @param data the rows' fields
 * @param meta the rows' handles, schema and tags, same rows in the same order
 * @param batchIndex index of the fetched batch within this loader's stream (0, 1, ...)
 * @param microIndex index of this micro-batch within its batch (0 .. {@code microCount - 1})
 * @param microCount number of micro-batches its batch was split into
 */
public record MicroBatch(Batch data, BatchMeta meta, int batchIndex, int microIndex, int microCount) {
    public MicroBatch {
        requireNonNull(data, "data is null");
        requireNonNull(meta, "meta is null");
        if (data.size() != meta.size()) {
            throw new IllegalArgumentException("data has " + data.size() + " rows but meta has " + meta.size());
        }
        if (batchIndex < 0 || microIndex < 0 || microIndex >= microCount) {
            throw new IllegalArgumentException("bad position: batch " + batchIndex + ", micro-batch " + microIndex
                    + " of " + microCount);
        }
    }

    /** Rows in this micro-batch. */
    public int size() {
        return data.size();
    }

    /** True for the last micro-batch of its batch (e.g. the step boundary of gradient accumulation). */
    public boolean isLastOfBatch() {
        return microIndex == microCount - 1;
    }
}
