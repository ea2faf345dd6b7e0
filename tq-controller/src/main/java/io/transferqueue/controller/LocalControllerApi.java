package io.transferqueue.controller;

import static java.util.Objects.requireNonNull;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@link ControllerApi} over an in-process {@link Controller}: calls run on the caller's thread and return
 * completed futures (parked fetches complete later on the controller's completion threads).
 */
public final class LocalControllerApi implements ControllerApi {
    private final Controller controller;
    private final boolean owned;

    /**
     * @param owned close the controller when this API is closed
     */
    public LocalControllerApi(Controller controller, boolean owned) {
        this.controller = requireNonNull(controller, "controller is null");
        this.owned = owned;
    }

    /** The controller behind this API. */
    public Controller controller() {
        return controller;
    }

    private static <T> CompletableFuture<T> call(Supplier<T> s) {
        try {
            return CompletableFuture.completedFuture(s.get());
        } catch (TransferQueueException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException | NullPointerException | IndexOutOfBoundsException e) {
            return CompletableFuture.failedFuture(new InvalidRequestException(String.valueOf(e.getMessage()), e));
        }
    }

    private static CompletableFuture<Void> run(Runnable r) {
        return call(() -> {
            r.run();
            return null;
        });
    }

    @Override
    public CompletableFuture<BatchMeta> getMeta(GetMetaRequest request) {
        return controller.getMeta(request);
    }

    @Override
    public CompletableFuture<Void> notifyProduced(ProduceNotice notice) {
        return run(() -> controller.notifyProduced(notice));
    }

    @Override
    public CompletableFuture<Map<String, boolean[]>> checkProduce(BatchMeta rows, Map<String, FieldSchema> schema) {
        return call(() -> controller.checkProduce(rows, schema));
    }

    @Override
    public CompletableFuture<BatchMeta> beginClear(BatchMeta rows) {
        return call(() -> controller.beginClear(rows));
    }

    @Override
    public CompletableFuture<Void> finishClear(BatchMeta rows) {
        return run(() -> controller.finishClear(rows));
    }

    @Override
    public CompletableFuture<BatchMeta> beginClearPartition(String partition) {
        return call(() -> controller.beginClearPartition(partition));
    }

    @Override
    public CompletableFuture<Void> finishClearPartition(String partition, BatchMeta rows) {
        return run(() -> controller.finishClearPartition(partition, rows));
    }

    @Override
    public CompletableFuture<Void> resetConsumption(String partition, String task) {
        return run(() -> controller.resetConsumption(partition, task));
    }

    @Override
    public CompletableFuture<List<String>> partitions() {
        return call(controller::partitions);
    }

    @Override
    public CompletableFuture<PartitionStats> stats(String partition) {
        return call(() -> controller.stats(partition));
    }

    @Override
    public CompletableFuture<Void> markComplete(String partition) {
        return run(() -> controller.markComplete(partition));
    }

    @Override
    public CompletableFuture<Void> expectRows(String partition, long rows) {
        return run(() -> controller.expectRows(partition, rows));
    }

    @Override
    public CompletableFuture<KvRows> kvPrepare(String partition, List<String> keys) {
        return call(() -> controller.kvPrepare(partition, keys));
    }

    @Override
    public CompletableFuture<Void> kvAbort(BatchMeta rows) {
        return run(() -> controller.kvAbort(rows));
    }

    @Override
    public CompletableFuture<KvRows> kvLookup(String partition, List<String> keys, List<String> fields,
            boolean commonOnly, boolean skipMissing) {
        return call(() -> controller.kvLookup(partition, keys, fields, commonOnly, skipMissing));
    }

    @Override
    public CompletableFuture<KvRows> kvClearRows(String partition, List<String> keys) {
        return call(() -> controller.kvClearRows(partition, keys));
    }

    @Override
    public CompletableFuture<Map<String, Map<String, Object>>> kvList(String partition) {
        return call(() -> controller.kvList(partition));
    }

    @Override
    public void close() {
        if (owned) {
            controller.close();
        }
    }
}
