package io.transferqueue;

import static java.util.Objects.requireNonNull;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.KvData;
import io.transferqueue.client.KvGetOptions;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.client.SyncTransferQueueClient;
import io.transferqueue.client.TransferQueueClient;
import io.transferqueue.controller.ControllerApi;
import io.transferqueue.controller.KvRows;
import io.transferqueue.controller.ProduceNotice;
import io.transferqueue.data.Batch;
import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.KvBatchMeta;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client: combines a {@link ControllerApi} (metadata) with a {@link StorageManager} (bytes). The data path
 * never goes through the controller. Thread-safe.
 */
final class QueueClient implements TransferQueueClient {
    private static final Logger LOG = LoggerFactory.getLogger(QueueClient.class);

    private final ControllerApi controller;
    private final StorageManager storage;
    private final SyncTransferQueueClient sync;

    QueueClient(ControllerApi controller, StorageManager storage, Duration syncTimeout) {
        this.controller = requireNonNull(controller, "controller is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.sync = new SyncTransferQueueClient(this, syncTimeout);
    }

    private static <T> CompletableFuture<T> guard(java.util.function.Supplier<CompletableFuture<T>> body) {
        try {
            return body.get();
        } catch (TransferQueueException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException | NullPointerException | IndexOutOfBoundsException e) {
            return CompletableFuture.failedFuture(new InvalidRequestException(String.valueOf(e.getMessage()), e));
        }
    }

    private static Throwable cause(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ------------------------------------------------------------------ put

    @Override
    public CompletableFuture<BatchMeta> put(String partition, Batch batch) {
        return put(partition, batch, null);
    }

    @Override
    public CompletableFuture<BatchMeta> put(String partition, Batch batch, List<? extends Map<String, ?>> tags) {
        return guard(() -> {
            requireNonNull(partition, "partition is null");
            requireNonNull(batch, "batch is null");
            List<Map<String, Object>> normTags = normalizeTags(tags, batch.size());
            if (batch.size() == 0) {
                return CompletableFuture.completedFuture(BatchMeta.empty());
            }
            return controller.getMeta(GetMetaRequest.insert(partition, batch.size()))
                    .thenCompose(rows -> write(batch, rows, normTags, TagMode.MERGE, null, true));
        });
    }

    @Override
    public CompletableFuture<BatchMeta> put(Batch batch, BatchMeta meta) {
        return put(batch, meta, null, TagMode.MERGE);
    }

    @Override
    public CompletableFuture<BatchMeta> put(Batch batch, BatchMeta meta, List<? extends Map<String, ?>> tags,
            TagMode mode) {
        return guard(() -> {
            requireNonNull(batch, "batch is null");
            requireNonNull(meta, "meta is null");
            if (meta.isEmpty()) {
                throw new InvalidRequestException("put needs rows: the meta is empty");
            }
            if (batch.size() != meta.size() && !batch.fieldNames().isEmpty()) {
                throw new InvalidRequestException("batch has " + batch.size() + " rows, meta has " + meta.size());
            }
            List<Map<String, Object>> normTags = normalizeTags(tags, meta.size());
            return write(batch, meta, normTags, mode == null ? TagMode.MERGE : mode, null, false);
        });
    }

    /**
     * Stores {@code batch} for {@code rows}, then notifies. If storing or notifying fails, what was written is
     * removed again: whole rows when they are fresh, otherwise only the cells of fields the rows did not have
     * before (cells of existing fields may hold the new or the old value, as after any failed overwrite).
     */
    private CompletableFuture<BatchMeta> write(Batch batch, BatchMeta rows, List<Map<String, Object>> tags, TagMode mode,
            List<String> keys, boolean freshRows) {
        CompletableFuture<PutResult> stored = batch.fieldNames().isEmpty()
                ? CompletableFuture.completedFuture(PutResult.of(Map.of()))
                : storage.put(batch, rows, PutOptions.defaults());
        return stored.thenCompose(result -> controller.notifyProduced(new ProduceNotice(rows, result.schema(),
                        result.backendMeta(), tags, mode, keys)).thenApply(v -> result))
                .<CompletableFuture<BatchMeta>>handle((result, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(describe(rows, result, tags, mode));
                    }
                    Throwable failure = cause(error);
                    List<String> added = new ArrayList<>(batch.fieldNames());
                    added.removeAll(rows.fieldNames());
                    // the controller never learned these fields, so name them: a key-value store deletes only the
                    // cells it is told about
                    CompletableFuture<Void> undo = removeCells(batch, rows, added);
                    if (freshRows) {
                        undo = undo.thenCompose(v -> clearSamples(rows));
                    }
                    return undo.<BatchMeta>handle((v, undoError) -> {
                        if (undoError != null) {
                            failure.addSuppressed(cause(undoError));
                            LOG.warn("could not undo a failed put of {} rows: {}", rows.size(), cause(undoError).toString());
                        }
                        throw new CompletionException(failure);
                    });
                }).thenCompose(Function.identity());
    }

    /** Deletes the cells of {@code fields} (columns of {@code batch}) for {@code rows}. */
    private CompletableFuture<Void> removeCells(Batch batch, BatchMeta rows, List<String> fields) {
        if (fields.isEmpty() || rows.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return storage.clear(rows.selectFields(List.of()).withSchema(schemaOf(batch.select(fields)), false));
    }

    private static BatchMeta describe(BatchMeta rows, PutResult result, List<Map<String, Object>> tags, TagMode mode) {
        BatchMeta out = rows.withSchema(result.schema(), true);
        for (Map.Entry<String, List<Object>> e : result.backendMeta().entrySet()) {
            out = out.withBackendMeta(e.getKey(), e.getValue());
        }
        if (tags != null) {
            out = out.withTags(tags, mode);
        }
        return out;
    }

    private static List<Map<String, Object>> normalizeTags(List<? extends Map<String, ?>> tags, int size) {
        if (tags == null) {
            return null;
        }
        if (tags.size() != size) {
            throw new InvalidRequestException(tags.size() + " tag maps for " + size + " rows");
        }
        List<Map<String, Object>> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Map<String, ?> t = tags.get(i);
            out.add(t == null ? null : ObjectValues.normalizeMap(t, "tags of row " + i));
        }
        return out;
    }

    // ------------------------------------------------------------------ read, tags, clear

    @Override
    public CompletableFuture<BatchMeta> getMeta(GetMetaRequest request) {
        return guard(() -> controller.getMeta(requireNonNull(request, "request is null")));
    }

    @Override
    public CompletableFuture<Batch> get(BatchMeta meta) {
        return get(meta, ReadOptions.copy());
    }

    @Override
    public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
        return guard(() -> {
            requireNonNull(meta, "meta is null");
            if (meta.isEmpty()) {
                return CompletableFuture.completedFuture(Batch.empty());
            }
            if (meta.schema().isEmpty()) {
                return CompletableFuture.completedFuture(Batch.ofSize(meta.size()));
            }
            return storage.get(meta, requireNonNull(options, "options is null"));
        });
    }

    @Override
    public CompletableFuture<Void> setTags(BatchMeta meta, List<? extends Map<String, ?>> tags, TagMode mode) {
        return guard(() -> controller.notifyProduced(new ProduceNotice(meta, Map.of(), Map.of(),
                normalizeTags(tags, meta.size()), mode, null)));
    }

    @Override
    public CompletableFuture<Void> clearSamples(BatchMeta meta) {
        return guard(() -> {
            requireNonNull(meta, "meta is null");
            if (meta.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return controller.beginClear(meta).thenCompose(full -> full.isEmpty()
                    ? CompletableFuture.completedFuture(null)
                    : storage.clear(full).thenCompose(v -> controller.finishClear(full)));
        });
    }

    @Override
    public CompletableFuture<Void> clearPartition(String partition) {
        return guard(() -> controller.beginClearPartition(requireNonNull(partition, "partition is null"))
                .thenCompose(rows -> (rows.isEmpty() ? CompletableFuture.<Void>completedFuture(null) : storage.clear(rows))
                        .thenCompose(v -> controller.finishClearPartition(partition, rows))));
    }

    @Override
    public CompletableFuture<Void> resetConsumption(String partition, String task) {
        return guard(() -> controller.resetConsumption(partition, task));
    }

    @Override
    public CompletableFuture<List<String>> partitions() {
        return guard(controller::partitions);
    }

    @Override
    public CompletableFuture<PartitionStats> stats(String partition) {
        return guard(() -> controller.stats(partition));
    }

    @Override
    public CompletableFuture<Void> markComplete(String partition) {
        return guard(() -> controller.markComplete(partition));
    }

    @Override
    public CompletableFuture<Void> expectRows(String partition, long rows) {
        return guard(() -> controller.expectRows(partition, rows));
    }

    // ------------------------------------------------------------------ KV

    @Override
    public CompletableFuture<KvBatchMeta> kvPut(String partition, String key, Batch fields, Map<String, ?> tag) {
        return guard(() -> {
            if (fields != null && fields.size() != 1 && !fields.fieldNames().isEmpty()) {
                throw new InvalidRequestException("kvPut writes one key: fields must have exactly one row, got "
                        + fields.size() + "; use kvBatchPut for several keys");
            }
            return kvBatchPut(partition, List.of(requireNonNull(key, "key is null")), fields,
                    tag == null ? null : java.util.Collections.singletonList(tag));
        });
    }

    @Override
    public CompletableFuture<KvBatchMeta> kvBatchPut(String partition, List<String> keys, Batch fields,
            List<? extends Map<String, ?>> tags) {
        return guard(() -> {
            requireNonNull(partition, "partition is null");
            requireNonNull(keys, "keys is null");
            boolean hasFields = fields != null && !fields.fieldNames().isEmpty();
            if (!hasFields && tags == null) {
                throw new InvalidRequestException("kvBatchPut needs fields or tags");
            }
            if (keys.isEmpty()) {
                throw new InvalidRequestException("kvBatchPut needs at least one key");
            }
            if (new HashSet<>(keys).size() != keys.size()) {
                throw new InvalidRequestException("duplicate keys in " + keys);
            }
            if (hasFields && fields.size() != keys.size()) {
                throw new InvalidRequestException(keys.size() + " keys but the fields have " + fields.size() + " rows");
            }
            List<Map<String, Object>> normTags = normalizeTags(tags, keys.size());
            Batch data = hasFields ? fields : Batch.ofSize(keys.size());
            return controller.kvPrepare(partition, keys).thenCompose(rows -> write(data, rows.meta(), normTags,
                    TagMode.MERGE, keys, false)
                    .<CompletableFuture<KvBatchMeta>>handle((written, error) -> {
                        if (error == null) {
                            return CompletableFuture.completedFuture(kvMeta(partition, keys, rows, written));
                        }
                        int[] created = createdPositions(rows);
                        BatchMeta createdRows = rows.meta().selectRows(created);
                        CompletableFuture<Void> abort = created.length == 0 ? CompletableFuture.completedFuture(null)
                                : removeCells(data.rows(created), createdRows, new ArrayList<>(data.fieldNames()))
                                        .thenCompose(v -> controller.kvAbort(createdRows));
                        return abort.<KvBatchMeta>handle((v, abortError) -> {
                            Throwable failure = cause(error);
                            if (abortError != null) {
                                failure.addSuppressed(cause(abortError));
                            }
                            throw new CompletionException(failure);
                        });
                    }).thenCompose(Function.identity()));
        });
    }

    private static int[] createdPositions(KvRows rows) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < rows.created().length; i++) {
            if (rows.created()[i]) {
                positions.add(i);
            }
        }
        return positions.stream().mapToInt(Integer::intValue).toArray();
    }

    private static KvBatchMeta kvMeta(String partition, List<String> keys, KvRows before, BatchMeta written) {
        Set<String> fields = new TreeSet<>(before.meta().fieldNames());
        fields.addAll(written.fieldNames());
        List<Map<String, Object>> tags = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            tags.add(written.tags(i));
        }
        return new KvBatchMeta(keys, tags, partition, new ArrayList<>(fields), Map.of());
    }

    @Override
    public CompletableFuture<KvData> kvBatchGet(String partition, List<String> keys, KvGetOptions options) {
        return guard(() -> {
            KvGetOptions o = options == null ? KvGetOptions.strict() : options;
            return controller.kvLookup(partition, keys, o.fields(), o.commonFieldsOnly(), o.skipMissing())
                    .thenCompose(rows -> get(rows.meta()).thenApply(batch -> new KvData(rows.keys(), batch,
                            rows.missing())));
        });
    }

    @Override
    public CompletableFuture<Map<String, Map<String, Object>>> kvList(String partition) {
        return guard(() -> controller.kvList(partition));
    }

    @Override
    public CompletableFuture<Void> kvClear(String partition, List<String> keys) {
        return guard(() -> {
            if (keys.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return controller.kvClearRows(partition, keys).thenCompose(rows -> clearSamples(rows.meta()));
        });
    }

    @Override
    public SyncTransferQueueClient sync() {
        return sync;
    }

    static Map<String, FieldSchema> schemaOf(Batch batch) {
        Map<String, FieldSchema> m = new java.util.TreeMap<>();
        batch.columns().forEach((n, c) -> m.put(n, FieldSchema.of(c)));
        return m;
    }
}
