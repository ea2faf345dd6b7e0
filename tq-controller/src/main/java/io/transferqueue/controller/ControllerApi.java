package io.transferqueue.controller;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The controller's operations as a client sees them: implemented in-process by {@link LocalControllerApi}
 * and over the network by the RPC client. Every future completes with the result or a typed
 * {@link io.transferqueue.error.TransferQueueException}. See {@link Controller} for the semantics.
 */
public interface ControllerApi extends AutoCloseable {

    CompletableFuture<BatchMeta> getMeta(GetMetaRequest request);

    CompletableFuture<Void> notifyProduced(ProduceNotice notice);

    /** See {@link Controller#checkProduce}: what a notify would refuse, before any byte is written. */
    CompletableFuture<Map<String, boolean[]>> checkProduce(BatchMeta rows, Map<String, FieldSchema> schema);

    CompletableFuture<BatchMeta> beginClear(BatchMeta rows);

    CompletableFuture<Void> finishClear(BatchMeta rows);

    CompletableFuture<BatchMeta> beginClearPartition(String partition);

    CompletableFuture<Void> finishClearPartition(String partition, BatchMeta rows);

    CompletableFuture<Void> resetConsumption(String partition, String task);

    CompletableFuture<List<String>> partitions();

    CompletableFuture<PartitionStats> stats(String partition);

    CompletableFuture<Void> markComplete(String partition);

    CompletableFuture<Void> expectRows(String partition, long rows);

    CompletableFuture<KvRows> kvPrepare(String partition, List<String> keys);

    CompletableFuture<Void> kvAbort(BatchMeta rows);

    CompletableFuture<KvRows> kvLookup(String partition, List<String> keys, List<String> fields, boolean commonOnly,
            boolean skipMissing);

    /** Rows of the keys for a clear, including rows being cleared (see {@link Controller#kvClearRows}). */
    CompletableFuture<KvRows> kvClearRows(String partition, List<String> keys);

    CompletableFuture<Map<String, Map<String, Object>>> kvList(String partition);

    /** Releases what this API object created (a connection; an owned controller). Idempotent. */
    @Override
    void close();
}
