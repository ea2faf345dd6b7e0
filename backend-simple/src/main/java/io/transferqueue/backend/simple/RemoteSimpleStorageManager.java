package io.transferqueue.backend.simple;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Column;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.RoutingGroup;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageStats;
import io.transferqueue.transport.Protocol;
import io.transferqueue.transport.RpcClient;
import io.transferqueue.transport.RpcSettings;
import io.transferqueue.wire.BatchCodec;
import io.transferqueue.wire.BatchMetaCodec;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.WireLimits;
import io.transferqueue.wire.WireMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The simple backend with its units in other processes ({@link SimpleUnitServer}): rows are routed by global
 * index to the unit list in order (the controller serves the same list to every client), and the units of one
 * request are written and read in parallel over one long-lived connection each.
 *
 * <p>A put sends each unit its rows as views of the caller's buffers, one frame per row, without copying
 * (the {@code frames} encoding; a column of more rows than {@link BatchCodec#ROW_FRAME_BUDGET} allows goes as one
 * gathered frame, so every batch fits the receiver's frame limit); the caller may reuse its buffers when the future completes. A get receives one
 * frame per field column from each unit and returns rows that are views of those frames: independent of the
 * store and writable, or read-only with {@link ReadOptions#zeroCopy()}. A unit that does not answer within
 * {@code tq.rpc.timeout} fails the requests that touch it with
 * {@link io.transferqueue.error.BackendUnavailableException} naming it; the other units keep working.
 */
final class RemoteSimpleStorageManager implements StorageManager {
    private final List<String> units;
    private final RpcClient rpc;
    private final AtomicBoolean closed = new AtomicBoolean();

    RemoteSimpleStorageManager(List<String> units, RpcSettings settings) {
        this.units = List.copyOf(requireNonNull(units, "units is null"));
        if (units.isEmpty()) {
            throw new InvalidRequestException("no remote storage units given");
        }
        this.rpc = RpcClient.create("simple-remote", settings);
    }

    List<String> units() {
        return units;
    }

    private <T> CompletableFuture<T> closed() {
        return CompletableFuture.failedFuture(new ClosedException("simple storage (remote units) is closed"));
    }

    @Override
    public CompletableFuture<PutResult> put(Batch batch, BatchMeta meta, PutOptions options) {
        if (closed.get()) {
            return closed();
        }
        if (batch.size() != meta.size() && !batch.fieldNames().isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("batch has " + batch.size()
                    + " rows, meta has " + meta.size()));
        }
        Map<String, FieldSchema> schema = new TreeMap<>();
        batch.columns().forEach((n, c) -> schema.put(n, FieldSchema.of(c)));
        PutResult result = PutResult.of(schema);
        if (batch.fieldNames().isEmpty() || meta.isEmpty()) {
            return CompletableFuture.completedFuture(result);
        }
        List<CompletableFuture<WireMessage>> calls = new ArrayList<>();
        for (RoutingGroup g : RoutingGroup.route(meta.globalIndexes(), units.size())) {
            int[] positions = g.batchPositions();
            List<ByteBuffer> payloads = new ArrayList<>();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("meta", BatchMetaCodec.encode(meta.selectRows(positions), false));
            body.put("batch", BatchCodec.encode(UnitMessages.rowViews(batch, positions), payloads, true));
            body.put("timeoutMillis", options.timeout().toMillis());
            calls.add(rpc.call(units.get(g.unit()), Protocol.UNIT_PUT, body, payloads,
                    rpc.settings().timeout().plus(options.timeout())));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).thenApply(v -> result);
    }

    @Override
    public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
        if (closed.get()) {
            return closed();
        }
        if (meta.isEmpty() || meta.schema().isEmpty()) {
            return CompletableFuture.completedFuture(meta.isEmpty() ? Batch.empty() : Batch.ofSize(meta.size()));
        }
        List<RoutingGroup> groups = RoutingGroup.route(meta.globalIndexes(), units.size());
        List<CompletableFuture<Batch>> calls = new ArrayList<>(groups.size());
        for (RoutingGroup g : groups) {
            Map<String, Object> body = Map.of("meta", BatchMetaCodec.encode(meta.selectRows(g.batchPositions()), false));
            calls.add(rpc.call(units.get(g.unit()), Protocol.UNIT_GET, body, List.of()).thenApply(r ->
                    BatchCodec.decode(Envelope.getMap(r.body(), "batch"), r.payloads(), WireLimits.DEFAULT)));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<Batch> parts = new ArrayList<>(calls.size());
            for (CompletableFuture<Batch> c : calls) {
                parts.add(c.join());
            }
            Batch out = assemble(meta, groups, parts);
            return options.isZeroCopy() ? out.asReadOnly() : out;
        });
    }

    /** Puts the units' rows back in batch order, as views of the received frames. */
    private static Batch assemble(BatchMeta meta, List<RoutingGroup> groups, List<Batch> parts) {
        int n = meta.size();
        Batch.Builder b = Batch.builder();
        for (Map.Entry<String, FieldSchema> e : meta.schema().entrySet()) {
            String field = e.getKey();
            FieldSchema schema = e.getValue();
            Column[] byGroup = new Column[groups.size()];
            for (int k = 0; k < groups.size(); k++) {
                byGroup[k] = parts.get(k).column(field);
                if (byGroup[k].size() != groups.get(k).size()) {
                    throw new TransferQueueException("storage unit " + groups.get(k).unit() + " answered "
                            + byGroup[k].size() + " rows of '" + field + "' for " + groups.get(k).size());
                }
            }
            if (schema.kind() == ColumnKind.OBJECT) {
                Object[] values = new Object[n];
                for (int k = 0; k < groups.size(); k++) {
                    ObjectColumn c = (ObjectColumn) byGroup[k];
                    for (int j = 0; j < c.size(); j++) {
                        values[groups.get(k).batchPosition(j)] = c.value(j);
                    }
                }
                b.add(field, ObjectColumn.ofTrusted(new ArrayList<>(java.util.Arrays.asList(values))));
                continue;
            }
            ByteBuffer[] rows = new ByteBuffer[n];
            for (int k = 0; k < groups.size(); k++) {
                for (int j = 0; j < byGroup[k].size(); j++) {
                    rows[groups.get(k).batchPosition(j)] = UnitMessages.row(byGroup[k], j);
                }
            }
            if (schema.kind() == ColumnKind.DENSE) {
                b.add(field, DenseColumn.ofRows(schema.dtype(), schema.rowShape(), java.util.Arrays.asList(rows)));
            } else {
                b.add(field, JaggedColumn.ofRows(schema.dtype(), schema.rank(), schema.flatShapes(),
                        java.util.Arrays.asList(rows)));
            }
        }
        return b.build();
    }

    @Override
    public CompletableFuture<Void> clear(BatchMeta meta) {
        if (closed.get()) {
            return closed();
        }
        if (meta.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<WireMessage>> calls = new ArrayList<>();
        for (RoutingGroup g : RoutingGroup.route(meta.globalIndexes(), units.size())) {
            Map<String, Object> body = Map.of("meta", BatchMetaCodec.encode(meta.selectRows(g.batchPositions()), false));
            calls.add(rpc.call(units.get(g.unit()), Protocol.UNIT_CLEAR, body, List.of()));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]));
    }

    /** {@link Capability#REMOTE}, {@link Capability#CAPACITY_LIMIT} (enforced by the units), zero-copy reads. */
    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.REMOTE, Capability.CAPACITY_LIMIT, Capability.ZERO_COPY_READ);
    }

    /** Sums the units' figures; {@link StorageStats#UNKNOWN} if a unit does not answer. */
    @Override
    public StorageStats stats() {
        long rows = 0;
        long bytes = 0;
        long rowCap = 0;
        long byteCap = 0;
        try {
            for (String u : units) {
                StorageStats s = UnitMessages.stats(rpc.call(u, Protocol.UNIT_STATS, Map.of(), List.of())
                        .get(rpc.settings().timeout().toMillis(), TimeUnit.MILLISECONDS).body());
                rows += s.rows();
                bytes += s.bytes();
                rowCap = rowCap < 0 || s.rowCapacity() < 0 ? -1 : rowCap + s.rowCapacity();
                byteCap = byteCap < 0 || s.byteCapacity() < 0 ? -1 : byteCap + s.byteCapacity();
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return StorageStats.UNKNOWN;
        }
        return new StorageStats(rows, bytes, rowCap, byteCap);
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(rpc)) {
            return type.cast(rpc);
        }
        return StorageManager.super.unwrap(type);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            rpc.close();
        }
    }

    @Override
    public String toString() {
        return "RemoteSimpleStorageManager" + units;
    }
}
