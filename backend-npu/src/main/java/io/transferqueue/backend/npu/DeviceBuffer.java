package io.transferqueue.backend.npu;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Buffers;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.StaleHandleException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cell read without copying: a lease on its bytes where they are, in device memory, for consumers that stay
 * on the device (hand {@link #devicePointer()} to a kernel or a collective). From
 * {@link NpuStorageManager#getOnDevice}.
 *
 * <p><b>Read-only.</b> The bytes are the stored cell itself: other readers see them too, so a consumer must
 * not write through the pointer (copy first; {@link #copyTo} and {@link #toHost()} give independent host
 * copies). The backend never writes a leased cell: an overwrite stores a new block.
 *
 * <p><b>Lifetime.</b> The lease keeps the cell's block alive, and counted against the capacity, even if the
 * row is cleared or overwritten meanwhile (readers never see recycled memory), until {@link #close()}. After
 * that, or after the storage closed, the pointer is invalid and every method but {@link #close()},
 * {@link #length()}, {@link #deviceId()} and {@link #runtime()} fails with a typed error. The storage reports
 * leases still open when it closes. Thread-safe.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final NpuKvStorageClient owner;
    private final DeviceAllocation block;
    private final AtomicBoolean released = new AtomicBoolean();

    DeviceBuffer(NpuKvStorageClient owner, DeviceAllocation block) {
        this.owner = owner;
        this.block = block;
    }

    /**
     * The device address of the first byte (0 for an empty cell), valid until {@link #close()}.
     *
     * @throws StaleHandleException after {@link #close()}
     * @throws ClosedException after the storage closed
     */
    public long devicePointer() {
        checkLive();
        return block.address();
    }

    /** Bytes of the cell. */
    public long length() {
        return block.length;
    }

    /** The device the bytes are on. */
    public int deviceId() {
        return owner.device().deviceId();
    }

    /** The runtime that owns the device memory. */
    public NpuRuntimeKind runtime() {
        return owner.device().runtime();
    }

    /** Always true: the bytes are shared with every other reader of the cell. */
    public boolean isReadOnly() {
        return true;
    }

    /** True once {@link #close()} ran. */
    public boolean isReleased() {
        return released.get();
    }

    /**
     * Copies the cell to {@code dst} at its position and advances the position by {@link #length()}.
     *
     * @throws StaleHandleException after {@link #close()}
     * @throws ClosedException after the storage closed
     * @throws InvalidRequestException if dst has fewer than {@link #length()} bytes remaining
     * @throws java.nio.ReadOnlyBufferException if dst is read-only
     */
    public void copyTo(ByteBuffer dst) {
        requireNonNull(dst, "dst is null");
        checkLive();
        int n = Math.toIntExact(block.length);
        if (dst.remaining() < n) {
            throw new InvalidRequestException("a device buffer of " + n + " bytes does not fit the " + dst.remaining()
                    + " bytes remaining in the destination");
        }
        ByteBuffer view = dst.duplicate();
        view.limit(view.position() + n);
        owner.copyLeased(block, view);
        dst.position(dst.position() + n);
    }

    /** A new writable little-endian heap buffer holding a copy of the cell. Same errors as {@link #copyTo}. */
    public ByteBuffer toHost() {
        ByteBuffer b = Buffers.allocate(Math.toIntExact(block.length));
        copyTo(b);
        return b.flip();
    }

    private void checkLive() {
        if (released.get()) {
            throw new StaleHandleException("the device buffer of " + block + " was released; read the cell again");
        }
        if (owner.isClosed()) {
            throw new ClosedException("the npu storage of the device buffer of " + block + " is closed; its device "
                    + "memory was released");
        }
    }

    /** Ends the lease. Idempotent. */
    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            owner.unlease(block);
        }
    }

    @Override
    public String toString() {
        return "DeviceBuffer(" + runtime().configName() + " device " + deviceId() + ", " + block.length + " bytes"
                + (released.get() ? ", released" : "") + ")";
    }
}
