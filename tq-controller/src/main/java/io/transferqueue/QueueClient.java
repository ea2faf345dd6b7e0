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
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.PartitionNotFoundException;
import io.transferqueue.error.RowClearingException;
import io.transferqueue.error.SchemaConflictException;
import io.transferqueue.error.StaleHandleException;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
                    .thenCompose(rows -> write(batch, rows, filled(rows.size(), true), normTags, TagMode.MERGE, null));
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
            return write(batch, meta, filled(meta.size(), false), normTags, mode == null ? TagMode.MERGE : mode, null);
        });
    }

    /**
     * Stores {@code batch} for {@code rows}, then notifies. Before a byte is written to rows that existed before
     * this put, the field types are checked as the notify checks them (against the caller's meta when it
     * describes every field and row, else by asking the controller), so a write the controller would refuse
     * replaces no stored cell. If storing or notifying fails, the cells that did not exist before are deleted:
     * every cell of created rows, and the fields an existing row did not hold (or every cell written, when the
     * rows were cleared meanwhile). Cells an existing row held may then hold the new or the old value, as after
     * any failed overwrite. Created rows are released at the controller even when the delete fails: they are
     * left CLEARING, and a later clear of them or of their partition finishes the cleanup.
     *
     * @param created per row, true if the row was created for this put (it holds nothing this put did not write)
     * @param keys KV keys of the rows (the put is a KV put), or null
     */
    private CompletableFuture<BatchMeta> write(Batch batch, BatchMeta rows, boolean[] created,
            List<Map<String, Object>> tags, TagMode mode, List<String> keys) {
        Map<String, FieldSchema> schema = schemaOf(batch);
        CompletableFuture<Map<String, boolean[]>> checked;
        try {
            checked = heldBefore(rows, created, schema);
        } catch (TransferQueueException e) {
            checked = CompletableFuture.failedFuture(e);
        }
        return checked.<CompletableFuture<BatchMeta>>handle((held, checkError) -> {
            if (checkError != null) {
                // nothing was written; only rows created for this put need releasing
                return undo(batch, rows, created, keys, null, false, cause(checkError));
            }
            AtomicBoolean stored = new AtomicBoolean();
            CompletableFuture<PutResult> put = schema.isEmpty()
                    ? CompletableFuture.completedFuture(PutResult.of(Map.of()))
                    : storage.put(batch, rows, PutOptions.defaults());
            return put.thenCompose(result -> {
                stored.set(true);
                return controller.notifyProduced(new ProduceNotice(rows, result.schema(), result.backendMeta(), tags,
                        mode, keys)).thenApply(v -> result);
            }).<CompletableFuture<BatchMeta>>handle((result, error) -> error == null
                    ? CompletableFuture.completedFuture(describe(rows, result, tags, mode))
                    : undo(batch, rows, created, keys, held, stored.get(), cause(error)))
                    .thenCompose(Function.identity());
        }).thenCompose(Function.identity());
    }

    /**
     * Which rows held each field of {@code schema} before this put (created rows hold nothing), after checking
     * the types as the notify will. The caller's meta answers when it describes every field and every existing
     * row is ready (a ready row holds every field its meta describes, of the type the meta gives); otherwise the
     * controller is asked, which also refuses rows that are stale or being cleared.
     *
     * @throws io.transferqueue.error.SchemaConflictException if the meta gives a field another type
     */
    private CompletableFuture<Map<String, boolean[]>> heldBefore(BatchMeta rows, boolean[] created,
            Map<String, FieldSchema> schema) {
        int[] existing = positions(created, false);
        Map<String, boolean[]> held = new HashMap<>();
        schema.keySet().forEach(f -> held.put(f, new boolean[rows.size()]));
        if (existing.length == 0 || schema.isEmpty()) {
            return CompletableFuture.completedFuture(held);
        }
        boolean metaKnows = rows.schema().keySet().containsAll(schema.keySet());
        for (int i : existing) {
            metaKnows &= rows.isReady(i);
        }
        if (metaKnows) {
            String partition = rows.partition(existing[0]);
            schema.forEach((f, incoming) -> checkType(partition, f, rows.schema(f), incoming));
            for (boolean[] h : held.values()) {
                for (int i : existing) {
                    h[i] = true;
                }
            }
            return CompletableFuture.completedFuture(held);
        }
        return controller.checkProduce(rows.selectRows(existing), schema).thenApply(found -> {
            found.forEach((f, h) -> {
                boolean[] all = held.get(f);
                if (all != null) {
                    for (int k = 0; k < existing.length; k++) {
                        all[existing[k]] = h[k];
                    }
                }
            });
            return held;
        });
    }

    /** The positions {@code i} where {@code flags[i] == value}, in order. */
    private static int[] positions(boolean[] flags, boolean value) {
        int n = 0;
        for (boolean f : flags) {
            n += f == value ? 1 : 0;
        }
        int[] out = new int[n];
        for (int i = 0, k = 0; i < flags.length; i++) {
            if (flags[i] == value) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** The controller's rule ({@link FieldSchema#checkCompatible}), checked before anything is written. */
    private static void checkType(String partition, String field, FieldSchema existing, FieldSchema incoming) {
        FieldSchema.checkCompatible(partition, field, existing.kind() == ColumnKind.OBJECT, existing.dtype(),
                existing.rank(), incoming, "; nothing was written");
    }

    /**
     * Undoes a failed put and fails with {@code failure} (undo errors attached as suppressed).
     *
     * @param held which rows held each field before the put; null if nothing was written
     * @param stored the storage put succeeded (the notify failed)
     */
    private CompletableFuture<BatchMeta> undo(Batch batch, BatchMeta rows, boolean[] created, List<String> keys,
            Map<String, boolean[]> held, boolean stored, Throwable failure) {
        // rows cleared while the put was in flight: no clear will name the cells that landed after it
        boolean gone = stored && (failure instanceof RowClearingException || failure instanceof StaleHandleException
                || failure instanceof PartitionNotFoundException);
        CompletableFuture<Void> deleted = held == null ? CompletableFuture.completedFuture(null)
                : removeCells(batch, rows, created, held, gone);
        BatchMeta createdRows = rows.selectRows(positions(created, true));
        return deleted.<CompletableFuture<BatchMeta>>handle((v, deleteError) -> {
            CompletableFuture<Void> released;
            try {
                if (createdRows.isEmpty()) {
                    released = CompletableFuture.completedFuture(null);
                } else if (keys == null) {
                    // begin the clear whatever happened above: rows left CLEARING never block a complete partition
                    released = clearSamples(createdRows);
                } else if (deleteError == null) {
                    released = controller.kvAbort(createdRows);
                } else {
                    // cells may remain: leave the rows CLEARING so clearing the partition deletes them
                    released = controller.beginClear(createdRows).thenApply(m -> null);
                }
            } catch (RuntimeException e) {
                released = CompletableFuture.failedFuture(e);
            }
            return released.<BatchMeta>handle((w, releaseError) -> {
                for (Throwable t : new Throwable[] {deleteError, releaseError}) {
                    if (t != null && cause(t) != failure) {
                        failure.addSuppressed(cause(t));
                        LOG.warn("could not fully undo a failed put of {} rows: {}", rows.size(), cause(t).toString());
                    }
                }
                throw new CompletionException(failure);
            });
        }).thenCompose(Function.identity());
    }

    /**
     * Deletes the cells this put wrote that did not exist before: those of fields a row did not hold (all of a
     * created row's), or every cell written when {@code all}. The controller may never have learned these
     * fields, so they are named: a key-value store deletes only the cells it is told about.
     */
    private CompletableFuture<Void> removeCells(Batch batch, BatchMeta rows, boolean[] created,
            Map<String, boolean[]> held, boolean all) {
        Map<Set<String>, List<Integer>> rowsByFields = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Set<String> fields = new TreeSet<>();
            for (String f : batch.fieldNames()) {
                if (all || created[i] || !held.get(f)[i]) {
                    fields.add(f);
                }
            }
            if (!fields.isEmpty()) {
                rowsByFields.computeIfAbsent(fields, k -> new ArrayList<>()).add(i);
            }
        }
        List<CompletableFuture<Void>> deletes = new ArrayList<>();
        rowsByFields.forEach((fields, positions) -> {
            int[] p = positions.stream().mapToInt(Integer::intValue).toArray();
            try {
                deletes.add(storage.clear(rows.selectRows(p).selectFields(List.of())
                        .withSchema(schemaOf(batch.rows(p).select(fields)), false)));
            } catch (RuntimeException e) {
                deletes.add(CompletableFuture.failedFuture(e));
            }
        });
        return CompletableFuture.allOf(deletes.toArray(new CompletableFuture<?>[0]));
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
            return controller.kvPrepare(partition, keys).thenCompose(rows -> {
                // kvPrepare describes the fields every row holds: mark the existing rows ready to say so
                boolean[] existing = new boolean[rows.created().length];
                for (int i = 0; i < existing.length; i++) {
                    existing[i] = !rows.created()[i];
                }
                return write(data, rows.meta().withReady(existing), rows.created(), normTags, TagMode.MERGE, keys)
                        .thenApply(written -> kvMeta(partition, keys, rows, written));
            });
        });
    }

    private static boolean[] filled(int n, boolean value) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, value);
        return b;
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
