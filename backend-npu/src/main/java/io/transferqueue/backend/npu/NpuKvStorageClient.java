package io.transferqueue.backend.npu;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Buffers;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageClient;
import io.transferqueue.spi.StorageStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KvStorageClient} whose values live in device memory: the npu backend under the shared
 * {@link io.transferqueue.spi.KvStorageManager}. Keys map to blocks of device memory in a table of this
 * instance ({@link DeviceAllocator} pools them); values are opaque bytes.
 *
 * <p><b>Backend meta.</b> {@link #mput} returns, per key, the cell's handle: a {@code List<Long>}
 * {@code [deviceId, handle, offset, length]}, where {@code handle} identifies the write (never reused by this
 * instance). Reads check the meta they are given against the table before anything reaches native code: a
 * handle of an earlier write of the key is a {@link StaleHandleException}; a handle whose device, offset or
 * length does not match (forged or corrupted), or meta that is not such a list, an
 * {@link InvalidRequestException}. A read without meta (null) finds the cell by its key alone. Device
 * addresses always come from the table, never from the meta.
 *
 * <p><b>Copies.</b> {@code mput} copies every value in (host → device), {@code mgetInto} straight into the
 * caller's buffers (device → host: a pointer copy for direct buffers, a pinned-array copy for heap ones),
 * {@code mget} into fresh heap buffers. Values are borrowed for the call; returned buffers belong to the
 * caller. Reads and {@link DeviceBuffer} leases hold a reference on their block, so a concurrent overwrite,
 * delete or close never frees memory that is being read.
 *
 * <p><b>Capacity.</b> A put that does not fit is rejected whole with
 * {@link io.transferqueue.error.CapacityExceededException}; nothing of it is written. An overwrite needs
 * room for the new value before the old one is freed.
 *
 * <p><b>Threading.</b> Thread-safe. Every call returns a completed future. The copies of a put or get of at
 * least 8 MiB are shared between the caller's thread and up to {@code tq.storage.npu.copy-threads} - 1 helper
 * threads (each copies a contiguous range of cells; the call returns when all are done).
 *
 * <p><b>Close.</b> Frees all device memory and closes the runtime after running calls finish. Device buffers
 * still leased, or blocks unaccounted for, are reported: a WARN and {@link #leaksAtClose()}; with
 * {@code tq.storage.npu.strict-close} also an {@link IllegalStateException} (after everything was released).
 */
public final class NpuKvStorageClient implements KvStorageClient {
    private static final Logger LOG = LoggerFactory.getLogger(NpuKvStorageClient.class);
    private static final int MAX_KEYS_IN_MESSAGE = 16;

    private final NpuConfig config;
    private final NpuDevice device;
    private final DeviceAllocator allocator;
    private final ParallelCopier copier;
    private final ConcurrentHashMap<String, DeviceAllocation> table = new ConcurrentHashMap<>();
    /** Handles start at a random point so the handles of two instances are unlikely to meet. */
    private final AtomicLong ids = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 48) << 12);
    private final AtomicInteger leases = new AtomicInteger();
    private final AtomicLong leaksAtClose = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private NpuKvStorageClient(NpuConfig config, NpuDevice device) {
        this.config = config;
        this.device = device;
        this.allocator = new DeviceAllocator(device, config.capacityBytes(), config.chunkBytes());
        this.copier = new ParallelCopier(config.copyThreads(), "tq-npu-copy-" + device.deviceId());
    }

    /**
     * Opens the device runtime {@code config} selects and a client on it.
     *
     * @throws io.transferqueue.error.BackendUnavailableException if the JNI library cannot be loaded, or no
     *     device is found and {@code required} is set
     */
    static NpuKvStorageClient open(NpuConfig config) {
        NpuDevice d = NpuDevice.open(config);
        try {
            return new NpuKvStorageClient(config, d);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ put

    /**
     * Copies every value into newly allocated device memory, then makes the keys point at it (freeing what they
     * pointed at). All or nothing: a capacity or runtime failure writes no key.
     *
     * @return the handle of each key, {@code [deviceId, handle, offset, length]}
     */
    @Override
    public CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values) {
        try {
            requireNonNull(keys, "keys is null");
            requireNonNull(values, "values is null");
            int n = keys.size();
            if (values.size() != n) {
                throw new InvalidRequestException("npu storage: a put of " + n + " keys with " + values.size() + " values");
            }
            long[] lengths = new long[n];
            for (int i = 0; i < n; i++) {
                requireNonNull(keys.get(i), "key is null");
                lengths[i] = requireNonNull(values.get(i), "value of key '" + keys.get(i) + "' is null").remaining();
            }
            enter();
            try {
                DeviceAllocation[] blocks = allocator.allocateAll(lengths, ids::incrementAndGet);
                try {
                    copier.forEach(lengths, i -> copyIn(blocks[i], values.get(i)));
                } catch (RuntimeException e) {
                    for (DeviceAllocation b : blocks) {
                        b.release();
                    }
                    throw e;
                }
                List<Object> handles = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    DeviceAllocation old = table.put(keys.get(i), blocks[i]);
                    if (old != null) {
                        old.release();
                    }
                    handles.add(handleOf(blocks[i]));
                }
                return CompletableFuture.completedFuture(handles);
            } finally {
                device.exit();
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private List<Long> handleOf(DeviceAllocation a) {
        return List.of((long) device.deviceId(), a.id, a.offset, a.length);
    }

    private void copyIn(DeviceAllocation a, ByteBuffer src) {
        checkBounds(a);
        if (a.length > 0) {
            device.copyIn(a.address(), src);
        }
    }

    private static void checkBounds(DeviceAllocation a) {
        if (!DeviceAllocator.isInBounds(a)) {
            throw new IllegalStateException("npu storage: " + a + " lies outside its chunk");
        }
    }

    // ------------------------------------------------------------------ get

    /** Fresh writable heap copies of the values, in key order. */
    @Override
    public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> backendMeta) {
        return readBlocks(keys, backendMeta, this::freshCopies);
    }

    /**
     * Copies each value straight into its destination (direct: a pointer copy; heap: a pinned-array copy);
     * positions of the destinations are not moved. A value whose size differs from its destination's remaining
     * bytes is a {@link BackendException} naming the key, before anything is copied.
     */
    @Override
    public CompletableFuture<Void> mgetInto(List<String> keys, List<Object> backendMeta, List<ByteBuffer> destinations) {
        try {
            requireNonNull(destinations, "destinations is null");
            if (destinations.size() != keys.size()) {
                throw new InvalidRequestException("npu storage: a read of " + keys.size() + " keys into "
                        + destinations.size() + " buffers");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return readBlocks(keys, backendMeta, blocks -> {
            for (int i = 0; i < blocks.length; i++) {
                ByteBuffer d = requireNonNull(destinations.get(i), "destination is null");
                checkSize(keys.get(i), blocks[i], d.remaining());
            }
            copier.forEach(lengthsOf(blocks), i -> copyOut(blocks[i], destinations.get(i)));
            return null;
        });
    }

    /**
     * Copies each value into a new heap buffer of the size asked for, allocated by the thread that copies it (so a
     * large read zero-fills and copies on {@code copy-threads} threads). A value of another size is a
     * {@link BackendException} naming the key, before anything is allocated.
     */
    @Override
    public CompletableFuture<List<ByteBuffer>> mgetOwned(List<String> keys, List<Object> backendMeta, int[] sizes) {
        try {
            requireNonNull(sizes, "sizes is null");
            if (sizes.length != keys.size()) {
                throw new InvalidRequestException("npu storage: a read of " + keys.size() + " keys with "
                        + sizes.length + " sizes");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return readBlocks(keys, backendMeta, blocks -> {
            for (int i = 0; i < blocks.length; i++) {
                checkSize(keys.get(i), blocks[i], sizes[i]);
            }
            return freshCopies(blocks);
        });
    }

    /** Each block copied into a new heap buffer, allocated by the thread that copies it. */
    private List<ByteBuffer> freshCopies(DeviceAllocation[] blocks) {
        ByteBuffer[] out = new ByteBuffer[blocks.length];
        copier.forEach(lengthsOf(blocks), i -> {
            out[i] = Buffers.allocate(Math.toIntExact(blocks[i].length));
            copyOut(blocks[i], out[i]);
        });
        return java.util.Arrays.asList(out);
    }

    private static void checkSize(String key, DeviceAllocation block, long size) {
        if (block.length != size) {
            throw new BackendException("npu storage: the value of key '" + key + "' has " + block.length
                    + " bytes, the destination " + size);
        }
    }

    /** Runs {@code read} on the blocks of {@code keys}, acquired all or nothing and released after it. */
    private <T> CompletableFuture<T> readBlocks(List<String> keys, List<Object> backendMeta,
            Function<DeviceAllocation[], T> read) {
        try {
            enter();
            try {
                DeviceAllocation[] blocks = acquireAll(keys, backendMeta);
                try {
                    return CompletableFuture.completedFuture(read.apply(blocks));
                } finally {
                    releaseAll(blocks);
                }
            } finally {
                device.exit();
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static long[] lengthsOf(DeviceAllocation[] blocks) {
        long[] out = new long[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            out[i] = blocks[i].length;
        }
        return out;
    }

    private void copyOut(DeviceAllocation a, ByteBuffer dst) {
        checkBounds(a);
        if (a.length > 0) {
            device.copyOut(a.address(), dst);
        }
    }

    /**
     * A reference on the block of every key, after checking its meta; all or nothing (a missing key, a bad
     * handle: every reference taken so far is dropped).
     */
    private DeviceAllocation[] acquireAll(List<String> keys, List<Object> backendMeta) {
        requireNonNull(keys, "keys is null");
        if (backendMeta != null && backendMeta.size() != keys.size()) {
            throw new InvalidRequestException("npu storage: a read of " + keys.size() + " keys with "
                    + backendMeta.size() + " backend meta entries");
        }
        DeviceAllocation[] out = new DeviceAllocation[keys.size()];
        List<String> missing = null;
        try {
            for (int i = 0; i < out.length; i++) {
                String key = requireNonNull(keys.get(i), "key is null");
                out[i] = acquire(key, backendMeta == null ? null : backendMeta.get(i));
                if (out[i] == null) {
                    if (missing == null) {
                        missing = new ArrayList<>();
                    }
                    missing.add(key);
                }
            }
            if (missing != null) {
                throw notFound(missing);
            }
            return out;
        } catch (RuntimeException e) {
            releaseAll(out);
            throw e;
        }
    }

    /** A reference on the key's current block after checking {@code meta} against it; null if there is none. */
    private DeviceAllocation acquire(String key, Object meta) {
        for (;;) {
            DeviceAllocation a = table.get(key);
            if (a == null) {
                return null;
            }
            if (a.tryRetain()) {
                try {
                    checkHandle(key, meta, a);
                } catch (RuntimeException e) {
                    a.release();
                    throw e;
                }
                return a;
            }
            // released between the lookup and the retain: the key already points elsewhere (or nowhere)
        }
    }

    /**
     * Checks a handle from backend meta against the block the table holds for its key.
     *
     * @throws InvalidRequestException if the meta is not a handle, or names another device, offset or length
     * @throws StaleHandleException if the handle is of another write of the key
     */
    private void checkHandle(String key, Object meta, DeviceAllocation a) {
        if (meta == null) {
            return;
        }
        long[] h = parseHandle(key, meta);
        if (h[1] != a.id) {
            throw new StaleHandleException("npu storage: the handle " + h[1] + " of key '" + key + "' is not that of "
                    + "the cell's current value (" + a.id + "): the cell was written again since, or the meta belongs "
                    + "to another store; read with the meta of the latest put");
        }
        if (h[0] != device.deviceId() || h[2] != a.offset || h[3] != a.length) {
            throw new InvalidRequestException("npu storage: the handle of key '" + key + "' says device " + h[0]
                    + ", offset " + h[2] + ", length " + h[3] + ", but handle " + a.id + " is device "
                    + device.deviceId() + ", offset " + a.offset + ", length " + a.length
                    + ": forged or corrupted backend meta");
        }
    }

    private static long[] parseHandle(String key, Object meta) {
        if (meta instanceof List<?> l && l.size() == 4) {
            long[] out = new long[4];
            for (int i = 0; i < 4; i++) {
                Object v = l.get(i);
                if (v instanceof Long || v instanceof Integer) {
                    out[i] = ((Number) v).longValue();
                } else {
                    out = null;
                    break;
                }
            }
            if (out != null) {
                return out;
            }
        }
        throw new InvalidRequestException("npu storage: the backend meta of key '" + key + "' is " + meta
                + ", not an npu cell handle [deviceId, handle, offset, length]");
    }

    private static void releaseAll(DeviceAllocation[] blocks) {
        for (DeviceAllocation a : blocks) {
            if (a != null) {
                a.release();
            }
        }
    }

    private static DataNotFoundException notFound(List<String> missing) {
        StringBuilder sb = new StringBuilder("npu storage: no value for ");
        sb.append(missing.size() == 1 ? "key" : missing.size() + " keys");
        for (int i = 0; i < Math.min(missing.size(), MAX_KEYS_IN_MESSAGE); i++) {
            sb.append(i == 0 ? " '" : ", '").append(missing.get(i)).append('\'');
        }
        return new io.transferqueue.error.MissingKeysException(missing,
                sb.append(missing.size() > MAX_KEYS_IN_MESSAGE ? ", ..." : "").toString());
    }

    // ------------------------------------------------------------------ device buffers

    /**
     * Leases the cells of {@code keys} where they are, on the device: all or nothing, after the same checks
     * as a read. Each lease keeps its block alive (and counted against the capacity) until closed.
     */
    List<DeviceBuffer> lease(List<String> keys, List<Object> backendMeta) {
        enter();
        try {
            DeviceAllocation[] blocks = acquireAll(keys, backendMeta);
            List<DeviceBuffer> out = new ArrayList<>(blocks.length);
            for (DeviceAllocation a : blocks) {
                leases.incrementAndGet();
                out.add(new DeviceBuffer(this, a));
            }
            return out;
        } finally {
            device.exit();
        }
    }

    /** Called once per lease by {@link DeviceBuffer#close()}. */
    void unlease(DeviceAllocation a) {
        leases.decrementAndGet();
        a.release();
    }

    /** Copies a leased block into {@code dst} at its position (unchanged); the caller checked the lease. */
    void copyLeased(DeviceAllocation a, ByteBuffer dst) {
        enter();
        try {
            copyOut(a, dst);
        } finally {
            device.exit();
        }
    }

    // ------------------------------------------------------------------ delete

    /** Removes the keys (missing keys are not an error); a block still being read is freed after the read. */
    @Override
    public CompletableFuture<Void> mdelete(List<String> keys, List<Object> backendMeta) {
        try {
            requireNonNull(keys, "keys is null");
            enter();
            try {
                for (String k : keys) {
                    DeviceAllocation a = table.remove(requireNonNull(k, "key is null"));
                    if (a != null) {
                        a.release();
                    }
                }
                return CompletableFuture.completedFuture(null);
            } finally {
                device.exit();
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ------------------------------------------------------------------ the rest

    private void enter() {
        if (closed.get()) {
            throw new ClosedException("npu storage is closed");
        }
        device.enter();
    }

    /**
     * {@link Capability#DEVICE_MEMORY} and {@link Capability#CAPACITY_LIMIT}, plus {@link Capability#REMOTE} on a
     * real device. Not {@link Capability#ZERO_COPY_READ}: device memory is not host-readable; zero-copy reads
     * are {@link NpuStorageManager#getOnDevice}.
     */
    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.of(Capability.DEVICE_MEMORY, Capability.CAPACITY_LIMIT);
        if (device.runtime() != NpuRuntimeKind.HOST) {
            c.add(Capability.REMOTE);
        }
        return Collections.unmodifiableSet(c);
    }

    /** Cells held, bytes accounted (cells rounded up to 512 bytes, leased cells included) and the capacity. */
    public StorageStats stats() {
        return new StorageStats(table.size(), allocator.usedBytes(), -1, allocator.capacity());
    }

    /** The {@link NpuDevice} for {@code NpuDevice.class}, else as {@link KvStorageClient#unwrap}. */
    @Override
    public <T> T unwrap(Class<T> type) {
        if (type == NpuDevice.class) {
            return type.cast(device);
        }
        return KvStorageClient.super.unwrap(type);
    }

    /** The device runtime this client uses. */
    public NpuDevice device() {
        return device;
    }

    /** True once {@link #close()} started. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Device buffers leased and not yet closed. */
    public int outstandingLeases() {
        return leases.get();
    }

    /** Bytes of device memory taken from the runtime (chunks), at most the capacity. */
    public long reservedBytes() {
        return allocator.reservedBytes();
    }

    /** Chunks taken from the runtime so far: stays flat while memory is being reused. */
    public long chunkAllocations() {
        return allocator.chunkAllocations();
    }

    /** Leases and blocks found outstanding by {@link #close()} (0 while open or after a clean close). */
    public long leaksAtClose() {
        return leaksAtClose.get();
    }

    /**
     * Frees all device memory and closes the runtime once running calls have finished. Idempotent.
     *
     * @throws IllegalStateException with {@code strict-close}, if device buffers were still leased or blocks
     *     unaccounted for (everything is released all the same)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long[] outstanding = new long[3];
        device.close(() -> {
            outstanding[0] = leases.get();
            for (DeviceAllocation a : table.values()) {
                a.release();
            }
            table.clear();
            outstanding[1] = allocator.liveBlocks();
            outstanding[2] = allocator.usedBytes();
            allocator.close();
        });
        copier.close();
        if (outstanding[0] > 0 || outstanding[1] > 0) {
            leaksAtClose.addAndGet(Math.max(outstanding[0], outstanding[1]));
            String msg = "npu storage closed with " + outstanding[0] + " device buffers still leased and "
                    + outstanding[1] + " blocks (" + outstanding[2] + " bytes) still allocated on "
                    + device + "; their memory was released and the buffers are invalid now: close every "
                    + "DeviceBuffer (or DeviceBatch) before closing the storage";
            LOG.warn(msg);
            if (config.strictClose()) {
                throw new IllegalStateException(msg);
            }
        }
    }

    @Override
    public String toString() {
        return "NpuKvStorageClient(" + device + ", " + table.size() + " cells" + (closed.get() ? ", closed" : "") + ")";
    }
}
