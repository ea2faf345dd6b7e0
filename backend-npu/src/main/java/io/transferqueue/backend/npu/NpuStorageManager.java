package io.transferqueue.backend.npu;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Batch;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The npu backend: the shared {@link KvStorageManager} over an {@link NpuKvStorageClient} (keys
 * {@code <partition>/<index>.<generation>/<field>}, values in device memory), plus what only a device store
 * has:
 *
 * <ul>
 *   <li>{@link #getOnDevice} — <b>zero-copy reads for consumers on the device</b>: {@link DeviceBuffer} leases
 *       (device pointer, length, device id; read-only) instead of host bytes. A {@link Batch} holds host
 *       buffers, and device memory is not host-readable, so the backend does not declare
 *       {@link Capability#ZERO_COPY_READ}: {@code get(meta, ReadOptions.zeroCopy())} fails with
 *       {@link InvalidRequestException} like on any backend without it, and {@code get(meta, copy())} copies
 *       device → host into the batch's buffers. Reach this method with
 *       {@code storageManager.unwrap(NpuStorageManager.class)}.
 *   <li>{@link #stats()} — cells held, bytes of device memory accounted, and the capacity.
 *   <li>{@link #unwrap} — {@link NpuDevice} (the runtime handle), {@link NpuKvStorageClient}, or this.
 * </ul>
 *
 * <p>Thread-safe; every future completes on the calling thread before the method returns.
 */
public final class NpuStorageManager implements StorageManager {
    static final String NAME = "npu";

    private final NpuKvStorageClient client;
    private final KvStorageManager kv;

    /** Owns {@code client} from now on. */
    NpuStorageManager(NpuKvStorageClient client) {
        this.client = requireNonNull(client, "client is null");
        this.kv = new KvStorageManager(NAME, client, "");
    }

    @Override
    public CompletableFuture<PutResult> put(Batch batch, BatchMeta meta, PutOptions options) {
        return kv.put(batch, meta, options);
    }

    /** See {@link KvStorageManager#get}; zero-copy reads fail (see the class comment: use {@link #getOnDevice}). */
    @Override
    public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
        return kv.get(meta, options);
    }

    @Override
    public CompletableFuture<Void> clear(BatchMeta meta) {
        return kv.clear(meta);
    }

    /**
     * Leases the dense and jagged cells of {@code meta} on the device without copying: a {@link DeviceBatch}
     * with one read-only {@link DeviceBuffer} per (field, row), to be closed by the caller. All or nothing.
     * Each cell's backend meta (its handle) is checked as on a copying get.
     *
     * <p>Fails (through the future) with {@link InvalidRequestException} if the meta names an object field
     * (read those with {@link #get}) or holds a forged handle, {@link io.transferqueue.error.StaleHandleException}
     * for the handle of an earlier write, {@link io.transferqueue.error.DataNotFoundException} for a missing
     * cell, {@link BackendException} for a cell whose size differs from its schema, {@link ClosedException}
     * after close.
     */
    public CompletableFuture<DeviceBatch> getOnDevice(BatchMeta meta) {
        requireNonNull(meta, "meta is null");
        try {
            int n = meta.size();
            Map<String, FieldSchema> schema = meta.schema();
            List<String> keys = new ArrayList<>();
            List<Object> metas = new ArrayList<>();
            for (Map.Entry<String, FieldSchema> e : schema.entrySet()) {
                if (e.getValue().kind() == ColumnKind.OBJECT) {
                    throw new InvalidRequestException("npu storage: field '" + e.getKey() + "' is an object field, "
                            + "which lives in host form only as encoded bytes; read it with get()");
                }
                for (int i = 0; i < n; i++) {
                    keys.add(KvStorageManager.key(kv.keyPrefix(), meta.handle(i), e.getKey()));
                    metas.add(meta.backendMeta(e.getKey(), i));
                }
            }
            List<DeviceBuffer> leased = client.lease(keys, metas);
            Map<String, List<DeviceBuffer>> cells = new LinkedHashMap<>();
            int k = 0;
            try {
                for (Map.Entry<String, FieldSchema> e : schema.entrySet()) {
                    List<DeviceBuffer> rows = new ArrayList<>(n);
                    for (int i = 0; i < n; i++, k++) {
                        DeviceBuffer b = leased.get(k);
                        long expected = e.getValue().rowByteSize(i);
                        if (b.length() != expected) {
                            throw new BackendException("npu storage: the stored value of row " + meta.handle(i)
                                    + " field '" + e.getKey() + "' has " + b.length() + " bytes, its schema ("
                                    + e.getValue() + ") needs " + expected);
                        }
                        rows.add(b);
                    }
                    cells.put(e.getKey(), List.copyOf(rows));
                }
            } catch (RuntimeException ex) {
                leased.forEach(DeviceBuffer::close);
                throw ex;
            }
            return CompletableFuture.completedFuture(new DeviceBatch(n, schema, cells));
        } catch (TransferQueueException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new InvalidRequestException("npu storage: invalid device read: "
                    + e.getMessage(), e));
        }
    }

    /** {@link Capability#DEVICE_MEMORY}, {@link Capability#CAPACITY_LIMIT}, and REMOTE on a real device. */
    @Override
    public Set<Capability> capabilities() {
        return kv.capabilities();
    }

    /** Cells held, bytes of device memory accounted, and the capacity in bytes (no row limit). */
    @Override
    public StorageStats stats() {
        return client.stats();
    }

    /**
     * This manager, the {@link NpuDevice} runtime handle, the {@link NpuKvStorageClient}, or the
     * {@link KvStorageManager} underneath.
     *
     * @throws ClosedException after close (except for this manager itself)
     */
    @Override
    public <T> T unwrap(Class<T> type) {
        requireNonNull(type, "type is null");
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return kv.unwrap(type);
    }

    /** Frees all device memory and closes the runtime (see {@link NpuKvStorageClient#close()}). Idempotent. */
    @Override
    public void close() {
        kv.close();
    }

    @Override
    public String toString() {
        return "NpuStorageManager(" + client + ")";
    }
}
