package io.transferqueue.client;

import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.KvBatchMeta;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.ReadOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous client API, the same for an embedded TransferQueue and a remote one. Every method returns
 * at once; futures complete with the result or with a typed
 * {@link io.transferqueue.error.TransferQueueException}. {@link #sync()} gives a blocking view.
 *
 * <p><b>Threading.</b> Futures may complete on client, controller or storage threads: do not block inside
 * their continuations (use the {@code *Async} variants with your own executor for heavy work).
 *
 * <p><b>Buffers.</b> Buffers of a batch passed to {@code put} are borrowed for the call: once the future
 * completes the caller may reuse them. Batches returned by {@code get} belong to the caller: independent
 * writable copies by default, read-only views with {@link ReadOptions#zeroCopy()}.
 */
public interface TransferQueueClient {

    /**
     * Writes a batch as new rows of {@code partition} (created if needed): allocates rows, stores the cells,
     * then makes the rows ready in one transition.
     *
     * @return the new rows with their fields, all ready
     */
    CompletableFuture<BatchMeta> put(String partition, Batch batch);

    /** {@link #put(String, Batch)} with per-row tags (they land together with readiness). */
    CompletableFuture<BatchMeta> put(String partition, Batch batch, List<? extends Map<String, ?>> tags);

    /**
     * Writes fields of existing rows (row i of the batch is row i of {@code meta}); tags are left alone.
     * A field whose kind, dtype or rank contradicts the partition's fails with
     * {@link io.transferqueue.error.SchemaConflictException} before anything is written. If the put fails
     * otherwise, the cells of fields a row did not have are removed again; cells it had may hold the new or
     * the old value.
     *
     * @return {@code meta} with the new fields added and every row ready
     */
    CompletableFuture<BatchMeta> put(Batch batch, BatchMeta meta);

    /** {@link #put(Batch, BatchMeta)} that also sets tags ({@code null} entries: no change). */
    CompletableFuture<BatchMeta> put(Batch batch, BatchMeta meta, List<? extends Map<String, ?>> tags, TagMode mode);

    /** Asks the controller for rows: insert, fetch (possibly waiting) or force-fetch. */
    CompletableFuture<BatchMeta> getMeta(GetMetaRequest request);

    /** Reads the fields of {@code meta} for its rows as independent copies. */
    CompletableFuture<Batch> get(BatchMeta meta);

    /** Reads the fields of {@code meta} for its rows. */
    CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options);

    /** Sets per-row tags of existing rows. */
    CompletableFuture<Void> setTags(BatchMeta meta, List<? extends Map<String, ?>> tags, TagMode mode);

    /**
     * Clears rows: they become invisible at once, their cells are deleted from storage, then their indexes are
     * released. Idempotent; a failed deletion can be retried by clearing again.
     */
    CompletableFuture<Void> clearSamples(BatchMeta meta);

    /** Clears every row of a partition and drops it. Unknown partitions: no-op. */
    CompletableFuture<Void> clearPartition(String partition);

    /** Forgets what {@code task} (every task if null) consumed in {@code partition}. */
    CompletableFuture<Void> resetConsumption(String partition, String task);

    /** Names of existing partitions. */
    CompletableFuture<List<String>> partitions();

    /** Production and consumption progress of a partition. */
    CompletableFuture<PartitionStats> stats(String partition);

    /** Ends a partition: no more rows will be inserted (see {@link GetMetaRequest#EXHAUSTED}). */
    CompletableFuture<Void> markComplete(String partition);

    /** Announces the total row count of a partition: it ends once that many rows were inserted. */
    CompletableFuture<Void> expectRows(String partition, long rows);

    // ------------------------------------------------------------------ key-value API

    /**
     * Writes one key: its fields (a batch of one row, or null) and/or its tag. The key becomes visible only
     * with its data; a failed put leaves no key behind.
     */
    CompletableFuture<KvBatchMeta> kvPut(String partition, String key, Batch fields, Map<String, ?> tag);

    /**
     * Writes several keys: row i of {@code fields} (may be null) and {@code tags.get(i)} (may be null) belong to
     * {@code keys.get(i)}. Existing keys get the new fields added (or overwritten). A failed put leaves no new
     * key behind and removes only cells that did not exist before; a field of another type than the partition's
     * fails with {@link io.transferqueue.error.SchemaConflictException} before anything is written.
     *
     * @return the keys, their tags, and the fields they all have now
     */
    CompletableFuture<KvBatchMeta> kvBatchPut(String partition, List<String> keys, Batch fields,
            List<? extends Map<String, ?>> tags);

    /**
     * Reads keys. By default every key must exist and have every field read: a missing key or a field some key
     * lacks is a {@link io.transferqueue.error.DataNotFoundException} naming it (see {@link KvGetOptions}).
     */
    CompletableFuture<KvData> kvBatchGet(String partition, List<String> keys, KvGetOptions options);

    /** Visible keys of a partition with their tags, in insertion order. */
    CompletableFuture<Map<String, Map<String, Object>>> kvList(String partition);

    /**
     * Clears keys (unknown keys are ignored), like {@link #clearSamples} on their rows. If storage fails to
     * delete, the future fails and the keys stay being cleared (reads and writes of them fail with
     * {@link io.transferqueue.error.RowClearingException}); clearing them again completes the clear.
     */
    CompletableFuture<Void> kvClear(String partition, List<String> keys);

    /** A blocking view of this client. */
    SyncTransferQueueClient sync();
}
