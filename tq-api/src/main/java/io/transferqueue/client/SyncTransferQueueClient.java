package io.transferqueue.client;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Batch;
import io.transferqueue.error.DeadlineExceededException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.KvBatchMeta;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.ReadOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Blocking view of a {@link TransferQueueClient}: each call waits up to the configured timeout (a waiting
 * fetch gets its {@code maxWait} on top) and throws the typed cause of a failure, never a
 * {@link java.util.concurrent.CompletionException}. A timeout is a {@link DeadlineExceededException}.
 */
public final class SyncTransferQueueClient {
    private final TransferQueueClient async;
    private final Duration timeout;

    public SyncTransferQueueClient(TransferQueueClient async, Duration timeout) {
        this.async = requireNonNull(async, "async is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** The asynchronous client behind this view. */
    public TransferQueueClient async() {
        return async;
    }

    private <T> T await(CompletableFuture<T> f, Duration extra, String what) {
        return Futures.await(f, timeout.plus(extra), what, " (tq.client.timeout)");
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        return await(f, Duration.ZERO, what);
    }

    public BatchMeta put(String partition, Batch batch) {
        return await(async.put(partition, batch), "put");
    }

    public BatchMeta put(String partition, Batch batch, List<? extends Map<String, ?>> tags) {
        return await(async.put(partition, batch, tags), "put");
    }

    public BatchMeta put(Batch batch, BatchMeta meta) {
        return await(async.put(batch, meta), "put");
    }

    public BatchMeta put(Batch batch, BatchMeta meta, List<? extends Map<String, ?>> tags, TagMode mode) {
        return await(async.put(batch, meta, tags, mode), "put");
    }

    public BatchMeta getMeta(GetMetaRequest request) {
        return await(async.getMeta(request), request.maxWait(), "getMeta");
    }

    public Batch get(BatchMeta meta) {
        return await(async.get(meta), "get");
    }

    public Batch get(BatchMeta meta, ReadOptions options) {
        return await(async.get(meta, options), "get");
    }

    public void setTags(BatchMeta meta, List<? extends Map<String, ?>> tags, TagMode mode) {
        await(async.setTags(meta, tags, mode), "setTags");
    }

    public void clearSamples(BatchMeta meta) {
        await(async.clearSamples(meta), "clearSamples");
    }

    public void clearPartition(String partition) {
        await(async.clearPartition(partition), "clearPartition");
    }

    public void resetConsumption(String partition, String task) {
        await(async.resetConsumption(partition, task), "resetConsumption");
    }

    public List<String> partitions() {
        return await(async.partitions(), "partitions");
    }

    public PartitionStats stats(String partition) {
        return await(async.stats(partition), "stats");
    }

    public void markComplete(String partition) {
        await(async.markComplete(partition), "markComplete");
    }

    public void expectRows(String partition, long rows) {
        await(async.expectRows(partition, rows), "expectRows");
    }

    public KvBatchMeta kvPut(String partition, String key, Batch fields, Map<String, ?> tag) {
        return await(async.kvPut(partition, key, fields, tag), "kvPut");
    }

    public KvBatchMeta kvBatchPut(String partition, List<String> keys, Batch fields,
            List<? extends Map<String, ?>> tags) {
        return await(async.kvBatchPut(partition, keys, fields, tags), "kvBatchPut");
    }

    public KvData kvBatchGet(String partition, List<String> keys, KvGetOptions options) {
        return await(async.kvBatchGet(partition, keys, options), "kvBatchGet");
    }

    public Map<String, Map<String, Object>> kvList(String partition) {
        return await(async.kvList(partition), "kvList");
    }

    public void kvClear(String partition, List<String> keys) {
        await(async.kvClear(partition, keys), "kvClear");
    }
}
