package io.transferqueue.spi;

import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A live storage backend: stores the cells (row × field) of batches and gives them back. Created by a
 * {@link StorageManagerFactory}; owns what it opened and releases it in {@link #close()}.
 *
 * <p><b>Cells</b> are addressed by the row handles of the {@link BatchMeta} (partition, global index,
 * generation) and the field name. A backend must never return the cell of another generation: a read
 * with a stale handle fails with {@link io.transferqueue.error.StaleHandleException} (or
 * {@link io.transferqueue.error.DataNotFoundException} where the backend cannot tell stale from cleared),
 * never with data.
 *
 * <p><b>Threading.</b> Implementations are thread-safe. Futures may complete on a backend thread; callers
 * must not block in their continuations on such a thread.
 *
 * <p><b>Errors.</b> Futures complete exceptionally with {@link io.transferqueue.error.TransferQueueException}
 * subtypes: {@code BackendUnavailableException} when the store cannot be reached within its timeout,
 * {@code CapacityExceededException} when full, {@code DataNotFoundException} for a missing cell,
 * {@code BackendException} for a failure the store reported. A failed put may have written some cells; the
 * caller does not notify the controller, so they are never visible, and a clear removes them.
 */
public interface StorageManager extends AutoCloseable {

    /**
     * Stores every column of {@code batch} for the rows of {@code meta} (row i of the batch is row i of the
     * meta). Overwrites cells that exist. The caller's buffers are borrowed for the call unless
     * {@link PutOptions#transferOwnership()}; once the future completes the caller may reuse them.
     *
     * @return the schema written and per-cell backend meta, for the controller
     */
    CompletableFuture<PutResult> put(Batch batch, BatchMeta meta, PutOptions options);

    /**
     * Reads the fields of {@code meta} (its schema says kind, dtype and shapes) for its rows, in row order.
     * The batch returned belongs to the caller: independent writable copies by default, read-only views with
     * {@link ReadOptions#zeroCopy()} (only if {@link Capability#ZERO_COPY_READ} is declared, otherwise the
     * future fails with {@link io.transferqueue.error.InvalidRequestException}).
     */
    CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options);

    /**
     * Deletes the cells of {@code meta}'s fields for its rows, and nothing else: other fields of the same rows
     * stay readable (a client undoing a failed put of a new field relies on this). A row left without cells
     * is gone. Idempotent: missing cells are not an error. Never deletes a cell of another generation.
     */
    CompletableFuture<Void> clear(BatchMeta meta);

    /** What this backend can do. */
    Set<Capability> capabilities();

    /** Usage figures; {@link StorageStats#UNKNOWN} where the backend cannot tell. */
    default StorageStats stats() {
        return StorageStats.UNKNOWN;
    }

    /**
     * The native handle behind this backend (a RocksDB instance, a Lettuce connection, a device context),
     * for power users. The handle stays owned by the backend.
     *
     * @throws IllegalArgumentException if the backend has no handle of that type
     */
    default <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new IllegalArgumentException(getClass().getSimpleName() + " cannot be unwrapped to " + type.getName());
    }

    /** Releases everything this backend created (not what the host lent). Idempotent. */
    @Override
    void close();
}
