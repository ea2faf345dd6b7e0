package io.transferqueue.backend.simple;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Batch;
import io.transferqueue.error.ClosedException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RoutingGroup;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default backend: {@code N} in-process storage units; a row with global index {@code g} lives
 * in unit {@code g mod N} ({@link RoutingGroup#route}), whatever batch it came in. Within a unit a row is
 * addressed by (partition, global index) and carries its generation; a cell by row and field.
 *
 * <p><b>Threading.</b> Each unit has one thread, {@code tq-simple-unit-<n>}. A put or copying get that moves
 * at least {@code tq.storage.simple.parallel-threshold} bytes (default 4 MiB) is split by unit and each
 * unit's share runs on that unit's thread, so the units of one request copy in parallel (with one unit per
 * core, as parallel as the machine gets); its future completes on the thread of the unit that finishes last,
 * so continuations attached to it run there: do not block in them. Smaller requests run on the caller's
 * thread (a hand-off would cost more than the copy) and return a completed future, except that a share whose
 * unit is busy with another change is handed to the unit thread rather than waited for. Zero-copy gets only
 * wrap stored arrays and always run on the caller's thread; clears run there too unless a unit is busy. A
 * put waiting for room completes on the unit thread. Validation errors are returned as failed futures,
 * never thrown.
 *
 * <p><b>Memory.</b> Every cell is its own exact-size heap array, copied from the caller's buffer (or, with
 * {@link PutOptions#transferOwnership()}, the caller's own array when a row is exactly one whole heap array).
 * Heap allocation reuses memory the GC has already touched, and a cleared row is garbage at once: no row keeps
 * a batch buffer alive. Arrays are never written after the put and never reused, so zero-copy views stay
 * unchanged for as long as a reader holds them.
 *
 * <p><b>Generations.</b> A put with an older generation than the stored row, and a get or clear of a stored
 * newer generation, fail with {@link io.transferqueue.error.StaleHandleException} and change nothing in that
 * unit. A newer generation replaces the whole row; the same generation adds or replaces fields.
 *
 * <p><b>Atomicity.</b> Within a unit a put is all or nothing: staleness and capacity are checked and every
 * cell copied before the first row changes. Across units it is not: when one unit fails, others may have
 * stored their rows (the controller is not told, so they are invisible, and a clear removes them).
 */
public final class SimpleStorageManager implements StorageManager {
    private static final Logger LOG = LoggerFactory.getLogger(SimpleStorageManager.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final SimpleStorageConfig config;
    private final StorageUnit[] units;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder copiedBytes = new LongAdder();
    private final LongAdder adoptedBytes = new LongAdder();

    /** Starts {@code config.units()} storage units. */
    public SimpleStorageManager(SimpleStorageConfig config) {
        this(config, UnitListener.NONE);
    }

    SimpleStorageManager(SimpleStorageConfig config, UnitListener listener) {
        this.config = requireNonNull(config, "config is null");
        this.units = new StorageUnit[config.units()];
        for (int i = 0; i < units.length; i++) {
            units[i] = new StorageUnit(i, config, listener, copiedBytes, adoptedBytes);
        }
    }

    /** The settings this manager runs with. */
    public SimpleStorageConfig config() {
        return config;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The batch's buffers are read by the unit threads until the future completes; then the caller may
     * reuse them (with ownership transfer it must not touch them at all). When a unit is full the put waits
     * (policy {@code block}, up to {@link PutOptions#timeout()}; a timeout beyond {@link Long#MAX_VALUE}
     * nanoseconds, about 292 years, waits that long) or fails (policy {@code reject}) with
     * {@link io.transferqueue.error.CapacityExceededException}. The result has no backend meta: rows are
     * found by global index.
     */
    @Override
    public CompletableFuture<PutResult> put(Batch batch, BatchMeta meta, PutOptions options) {
        requireNonNull(batch, "batch is null");
        requireNonNull(meta, "meta is null");
        requireNonNull(options, "options is null");
        if (closed.get()) {
            return closedFuture();
        }
        PutRequest request;
        try {
            request = PutRequest.prepare(batch, meta, options);
        } catch (RuntimeException e) {
            return Failures.failed(e);
        }
        PutResult result = PutResult.of(request.schema());
        if (!request.hasFields() || meta.isEmpty()) {
            return CompletableFuture.completedFuture(result);
        }
        boolean inline = batch.byteSize() < config.parallelThreshold();
        List<CompletableFuture<Void>> parts = new ArrayList<>(units.length);
        for (RoutingGroup g : RoutingGroup.route(request.globalIndexes(), units.length)) {
            parts.add(units[g.unit()].put(request, g, inline));
        }
        return Failures.whenAll(parts, () -> result);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Copying gets return fresh per-row arrays, copied by the unit threads in parallel. Zero-copy gets
     * return read-only views of the stored arrays (byte-array object values are still copied: they cannot be
     * made read-only). Missing rows or fields fail with {@link io.transferqueue.error.DataNotFoundException}
     * naming global index, generation and field before anything is allocated for the answer; a cell that
     * contradicts the meta's schema fails with {@link io.transferqueue.error.SchemaConflictException}. A get of
     * more than {@link ReadPlan#MAX_CELLS} cells (rows × fields; 2^26) fails with
     * {@link io.transferqueue.error.InvalidRequestException}.
     */
    @Override
    public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
        requireNonNull(meta, "meta is null");
        requireNonNull(options, "options is null");
        if (closed.get()) {
            return closedFuture();
        }
        ReadPlan plan;
        try {
            plan = new ReadPlan(meta, options.isZeroCopy(), units);
        } catch (RuntimeException e) {
            return Failures.failed(e);
        }
        if (!plan.hasFields() || meta.isEmpty()) {
            return CompletableFuture.completedFuture(plan.build());
        }
        if (options.isZeroCopy() || plan.estimatedBytes() < config.parallelThreshold()) {
            try {
                plan.readAll();
                return CompletableFuture.completedFuture(plan.build());
            } catch (RuntimeException e) {
                return Failures.failed(e);
            }
        }
        List<RoutingGroup> groups = RoutingGroup.route(meta.globalIndexes(), units.length);
        List<CompletableFuture<Void>> parts = new ArrayList<>(groups.size());
        for (RoutingGroup g : groups) {
            parts.add(units[g.unit()].read(plan, g.batchPositions()));
        }
        return Failures.whenAll(parts, plan::build);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deletes the meta's fields of its rows, or whole rows when the meta names no fields; a row left
     * without fields is deleted (and stops counting against the row limit). Only rows whose stored generation
     * equals the handle's are touched; rows not stored, stored with an older generation, or lacking the
     * fields are skipped. A handle older than the stored row fails with
     * {@link io.transferqueue.error.StaleHandleException} and such a clear deletes nothing (checked for every
     * unit before any deletes, and again by each unit under its lock).
     */
    @Override
    public CompletableFuture<Void> clear(BatchMeta meta) {
        requireNonNull(meta, "meta is null");
        if (closed.get()) {
            return closedFuture();
        }
        if (meta.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        for (int i = 0; i < meta.size(); i++) {
            StoredRow row = units[RoutingGroup.unitOf(meta.globalIndex(i), units.length)].row(meta.partition(i),
                    meta.globalIndex(i));
            if (row != null && row.generation() > meta.generation(i)) {
                return Failures.failed(ReadPlan.stale(meta.handle(i), row.generation(),
                        RoutingGroup.unitOf(meta.globalIndex(i), units.length), "nothing was cleared"));
            }
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>(units.length);
        for (RoutingGroup g : RoutingGroup.route(meta.globalIndexes(), units.length)) {
            parts.add(units[g.unit()].clear(meta, g));
        }
        return Failures.whenAll(parts, () -> null);
    }

    /** {@link Capability#ZERO_COPY_READ} and {@link Capability#CAPACITY_LIMIT}. */
    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.ZERO_COPY_READ, Capability.CAPACITY_LIMIT);
    }

    /**
     * Rows and payload bytes held, summed over units; capacities are the per-unit limits times the unit count,
     * {@code -1} when unlimited. After {@link #close()} nothing is held.
     */
    @Override
    public StorageStats stats() {
        long rows = 0;
        long bytes = 0;
        for (StorageUnit u : units) {
            rows += u.usedRows();
            bytes += u.usedBytes();
        }
        long rowCap = config.rowCapacity() < 0 ? -1 : saturatedTimes(config.rowCapacity(), units.length);
        long byteCap = config.byteCapacity() < 0 ? -1 : saturatedTimes(config.byteCapacity(), units.length);
        return new StorageStats(rows, bytes, rowCap, byteCap);
    }

    private static long saturatedTimes(long a, int b) {
        long r = a * b;
        return r / b == a ? r : Long.MAX_VALUE;
    }

    /**
     * Stops the unit threads: operations already queued finish, puts waiting for room fail with
     * {@link ClosedException}, stored rows are dropped. Later operations fail with {@link ClosedException}.
     * Idempotent. Waits up to 10 s for the threads (not when called on a unit thread).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean onUnitThread = false;
        for (StorageUnit u : units) {
            u.shutdown();
            onUnitThread |= u.isUnitThread();
        }
        if (!onUnitThread) {
            for (StorageUnit u : units) {
                try {
                    if (!u.awaitTermination(CLOSE_WAIT)) {
                        LOG.warn("storage unit {} did not stop within {}; interrupting it", u.index(), CLOSE_WAIT);
                        u.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    u.shutdownNow();
                }
            }
        }
        LOG.debug("simple storage closed ({} units)", units.length);
    }

    @Override
    public String toString() {
        return "SimpleStorageManager(" + config + (closed.get() ? ", closed" : "") + ")";
    }

    private static <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(new ClosedException("simple storage is closed"));
    }

    // ------------------------------------------------------------------ for tests in this package

    int unitCount() {
        return units.length;
    }

    StorageUnit unit(int i) {
        return units[i];
    }

    /** Payload bytes copied by puts since creation. */
    long copiedBytes() {
        return copiedBytes.sum();
    }

    /** Payload bytes whose arrays puts kept instead of copying (ownership transfer). */
    long adoptedBytes() {
        return adoptedBytes.sum();
    }
}
