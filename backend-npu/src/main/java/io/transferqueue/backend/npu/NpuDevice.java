package io.transferqueue.backend.npu;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opened device runtime: the native handle of the npu backend, which
 * {@code storageManager.unwrap(NpuDevice.class)} returns. It stays owned by the backend (closed with it);
 * the public methods only describe it.
 *
 * <p>Inside the module it is the one door to native code: callers bracket every native call with
 * {@link #enter()} and {@link #exit()} (a read lock), and {@link #close()} takes the write lock, so no call
 * ever reaches a closed runtime. Device pointers passed in are validated by the caller (see
 * {@link DeviceAllocator}); this class checks host buffers (read-only, bounds).
 */
public final class NpuDevice {
    private static final Logger LOG = LoggerFactory.getLogger(NpuDevice.class);
    /** Bounce size for host sources that expose neither an array nor an address (read-only heap buffers). */
    private static final int BOUNCE_BYTES = 1 << 20;

    /** Free and total memory of the device as the runtime reports it (host: of the machine). */
    public record MemoryInfo(long freeBytes, long totalBytes) {
    }

    private final long rt;
    private final NpuRuntimeKind runtime;
    private final int deviceId;
    private final String library;
    private final String selection;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Written under the write lock, read under the read lock. */
    private boolean closed;

    private NpuDevice(long rt, NpuRuntimeKind runtime, int deviceId, String library, String selection) {
        this.rt = rt;
        this.runtime = runtime;
        this.deviceId = deviceId;
        this.library = library;
        this.selection = selection;
    }

    /**
     * Opens the runtime {@code config} asks for. {@code auto} tries acl, then cuda, then falls back to host;
     * an explicit acl or cuda that cannot be opened falls back to host with a WARN. With
     * {@code required}, no fallback: a {@link BackendUnavailableException} naming every library tried.
     * The choice and the reason are logged once at INFO.
     *
     * @throws BackendUnavailableException if the JNI library cannot be loaded, or as above
     */
    static NpuDevice open(NpuConfig config) {
        requireNonNull(config, "config is null");
        NpuNative.ensureLoaded();
        NpuRuntimeKind wanted = config.runtime();
        int id = config.deviceId();
        if (wanted == NpuRuntimeKind.HOST) {
            NpuDevice d = openNative(NpuRuntimeKind.HOST, id, List.of(), "tq.storage.npu.runtime=host");
            LOG.info("npu storage: host runtime (emulated device {} in host memory), chosen by tq.storage.npu.runtime=host",
                    id);
            return d;
        }
        List<NpuRuntimeKind> order = wanted == NpuRuntimeKind.AUTO ? List.of(NpuRuntimeKind.ACL, NpuRuntimeKind.CUDA)
                : List.of(wanted);
        List<String> failures = new ArrayList<>();
        for (NpuRuntimeKind kind : order) {
            List<String> libraries = config.librariesOf(kind);
            try {
                String why = "tq.storage.npu.runtime=" + wanted.configName()
                        + (failures.isEmpty() ? "" : " after " + String.join("; ", failures));
                NpuDevice d = openNative(kind, id, libraries, why);
                LOG.info("npu storage: {} runtime on device {} using {}, chosen by {}", kind.configName(), id,
                        d.library, why);
                return d;
            } catch (NpuNativeException e) {
                failures.add(kind.configName() + " unavailable (looked for " + String.join(", ", libraries) + "): "
                        + e.getMessage());
            }
        }
        String tried = String.join("; ", failures);
        if (config.required()) {
            throw new BackendUnavailableException("npu storage: tq.storage.npu.required is true and no device was found "
                    + "with tq.storage.npu.runtime=" + wanted.configName() + ": " + tried + ". Install the runtime and "
                    + "put it on LD_LIBRARY_PATH, name it in tq.storage.npu.acl-libraries / cuda-libraries, or set "
                    + "tq.storage.npu.required=false to fall back to the host runtime");
        }
        String why = "tq.storage.npu.runtime=" + wanted.configName() + ", no device found: " + tried;
        NpuDevice d = openNative(NpuRuntimeKind.HOST, id, List.of(), why);
        if (wanted == NpuRuntimeKind.AUTO) {
            LOG.info("npu storage: host runtime (emulated device {} in host memory), chosen by {}", id, why);
        } else {
            LOG.warn("npu storage: falling back to the host runtime (emulated device {} in host memory): {}; set "
                    + "tq.storage.npu.required=true to fail instead", id, why);
        }
        return d;
    }

    private static NpuDevice openNative(NpuRuntimeKind kind, int deviceId, List<String> libraries, String why) {
        byte[][] names = new byte[libraries.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = libraries.get(i).getBytes(StandardCharsets.UTF_8);
        }
        byte[][] report = new byte[1][];
        long rt;
        try {
            rt = NpuNative.open(kind.nativeCode(), deviceId, names, report);
        } catch (NpuNativeException e) {
            String r = reportText(report[0]);
            throw new NpuNativeException(e.getMessage() + (r.isEmpty() ? "" : " [" + r + "]"), e.runtimeCode(),
                    e.category());
        }
        String lib = new String(NpuNative.library(rt), StandardCharsets.UTF_8);
        return new NpuDevice(rt, kind, deviceId, lib, why + " [" + reportText(report[0]) + "]");
    }

    private static String reportText(byte[] utf8) {
        return utf8 == null ? "" : new String(utf8, StandardCharsets.UTF_8).strip().replace("\n", "; ");
    }

    // ------------------------------------------------------------------ public description

    /** The runtime in use: {@link NpuRuntimeKind#HOST}, {@link NpuRuntimeKind#ACL} or {@link NpuRuntimeKind#CUDA}. */
    public NpuRuntimeKind runtime() {
        return runtime;
    }

    public int deviceId() {
        return deviceId;
    }

    /** The vendor library loaded (as named in the options), empty for the host runtime. */
    public Optional<String> library() {
        return library.isEmpty() ? Optional.empty() : Optional.of(library);
    }

    /** Why this runtime was chosen: the option, and every library tried with what happened. */
    public String selection() {
        return selection;
    }

    /**
     * Free and total memory of the device.
     *
     * @throws ClosedException after the backend closed
     * @throws NpuNativeException if the runtime fails
     */
    public MemoryInfo memoryInfo() {
        enter();
        try {
            long[] out = new long[2];
            NpuNative.memInfo(rt, out);
            return new MemoryInfo(out[0], out[1]);
        } finally {
            exit();
        }
    }

    @Override
    public String toString() {
        return "NpuDevice(" + runtime.configName() + ", device " + deviceId + (library.isEmpty() ? "" : ", " + library)
                + ")";
    }

    // ------------------------------------------------------------------ module-internal

    /** The native runtime handle, for tests of the JNI layer's own checks. */
    long nativeHandle() {
        return rt;
    }

    /** Starts a native operation: a read lock, so close waits for it. */
    void enter() {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new ClosedException("npu storage: the " + runtime.configName() + " runtime of device " + deviceId
                    + " is closed");
        }
    }

    void exit() {
        lock.readLock().unlock();
    }

    /** Device memory of {@code size} bytes. Call between enter and exit. */
    long malloc(long size) {
        return NpuNative.malloc(rt, size);
    }

    /** Call between enter and exit, with a pointer malloc returned. */
    void free(long devicePointer) {
        NpuNative.free(rt, devicePointer);
    }

    /** Copies the remaining bytes of {@code src} to {@code dst} on the device; src's position is unchanged. */
    void copyIn(long dst, ByteBuffer src) {
        int n = src.remaining();
        if (n == 0) {
            return;
        }
        if (src.isDirect()) {
            NpuNative.copyFromDirect(rt, dst, src, src.position(), n);
        } else if (src.hasArray()) {
            NpuNative.copyFromArray(rt, dst, src.array(), src.arrayOffset() + src.position(), n);
        } else {
            // a read-only heap buffer exposes neither its array nor an address: bounce through a small array
            ByteBuffer s = src.duplicate();
            byte[] tmp = new byte[Math.min(n, BOUNCE_BYTES)];
            long d = dst;
            while (s.hasRemaining()) {
                int k = Math.min(tmp.length, s.remaining());
                s.get(tmp, 0, k);
                NpuNative.copyFromArray(rt, d, tmp, 0, k);
                d += k;
            }
        }
    }

    /** Copies {@code dst.remaining()} bytes from {@code src} on the device into dst; dst's position is unchanged. */
    void copyOut(long src, ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int n = dst.remaining();
        if (n == 0) {
            return;
        }
        if (dst.isDirect()) {
            NpuNative.copyToDirect(rt, src, dst, dst.position(), n);
        } else {
            NpuNative.copyToArray(rt, src, dst.array(), dst.arrayOffset() + dst.position(), n);
        }
    }

    /** Closes the runtime once every running operation has finished. Idempotent. */
    void close() {
        close(() -> { });
    }

    /**
     * Waits for every running operation, runs {@code lastly} (which may still make native calls, e.g. to
     * free memory) and closes the runtime, even if {@code lastly} throws. Idempotent: later calls run nothing.
     */
    void close(Runnable lastly) {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            try {
                lastly.run();
            } finally {
                closed = true;
                NpuNative.close(rt);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
