package io.transferqueue.backend.simple;

import io.transferqueue.config.DataSize;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RoutingGroup;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One in-process storage unit: the rows routed to it, keyed by global index, and one thread
 * ({@code tq-simple-unit-<n>}) that performs every change to them.
 *
 * <p><b>Threading.</b> Puts and clears run only on the unit's thread, so validation, capacity accounting
 * and the commit of one put never interleave with another change, without locks. Rows are immutable and
 * kept in a concurrent map, so reads may run on any thread (zero-copy gets run on the caller's) and see
 * each row either before or after a change.
 *
 * <p><b>Capacity.</b> A put first computes exactly what it adds (new rows; bytes written minus bytes it
 * replaces) against the unit's current state, then copies and commits. If it does not fit it either fails
 * (reject) or waits in a FIFO queue (block) holding no copy; clears serve the queue on the same thread and a
 * timer on the same thread fails a put whose timeout passes. Nothing spins or sleeps.
 */
final class StorageUnit {
    private final int index;
    private final long rowCapacity;
    private final long byteCapacity;
    private final FullPolicy policy;
    private final UnitListener listener;
    private final LongAdder copiedBytes;
    private final LongAdder adoptedBytes;
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    private final ConcurrentHashMap<Long, StoredRow> rows = new ConcurrentHashMap<>();
    /** Written only on the unit thread; volatile for {@link #usedRows()} readers. */
    private volatile long usedRows;
    private volatile long usedBytes;
    /** Unit thread only. */
    private final ArrayDeque<PendingPut> waiters = new ArrayDeque<>();

    StorageUnit(int index, SimpleStorageConfig config, UnitListener listener, LongAdder copiedBytes,
            LongAdder adoptedBytes) {
        this.index = index;
        this.rowCapacity = config.rowCapacity();
        this.byteCapacity = config.byteCapacity();
        this.policy = config.fullPolicy();
        this.listener = listener;
        this.copiedBytes = copiedBytes;
        this.adoptedBytes = adoptedBytes;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tq-simple-unit-" + index);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    int index() {
        return index;
    }

    long usedRows() {
        return usedRows;
    }

    long usedBytes() {
        return usedBytes;
    }

    /** The row of {@code globalIndex}, or null. Any thread. */
    StoredRow row(long globalIndex) {
        return rows.get(globalIndex);
    }

    /** True if the current thread is this unit's thread. */
    boolean isUnitThread() {
        return isThread(Thread.currentThread());
    }

    /** True if {@code t} is (or was) this unit's thread. */
    boolean isThread(Thread t) {
        return t == thread;
    }

    // ------------------------------------------------------------------ operations (any thread)

    /** Stores the rows of {@code group}. The future completes on this unit's thread. */
    CompletableFuture<Void> put(PutRequest request, RoutingGroup group) {
        PendingPut p = new PendingPut(request, group);
        run("put", p.future, () -> admit(p));
        return p.future;
    }

    /** Deletes the rows of {@code group} whose generation matches. Completes on this unit's thread. */
    CompletableFuture<Void> clear(BatchMeta meta, RoutingGroup group) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        run("clear", f, () -> {
            doClear(meta, group);
            f.complete(null);
        });
        return f;
    }

    /** Copies the rows at {@code positions} into {@code plan} on this unit's thread. */
    CompletableFuture<Void> read(ReadPlan plan, int[] positions) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        run("get", f, () -> {
            plan.readRows(this, positions);
            f.complete(null);
        });
        return f;
    }

    private void run(String op, CompletableFuture<?> future, Runnable work) {
        try {
            executor.execute(() -> {
                try {
                    listener.beforeTask(index, op);
                    work.run();
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(Failures.translate(e));
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new ClosedException("simple storage is closed: storage unit " + index
                    + " accepts no more operations", e));
        }
    }

    /**
     * Stops accepting work. Queued operations still run; then waiting puts fail with {@link ClosedException}
     * and every row is dropped.
     */
    void shutdown() {
        try {
            executor.execute(this::releaseAll);
        } catch (RejectedExecutionException ignored) {
            // already shut down
        }
        executor.shutdown();
    }

    boolean awaitTermination(Duration d) throws InterruptedException {
        return executor.awaitTermination(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    void shutdownNow() {
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ unit thread only

    private void admit(PendingPut p) {
        Need need = need(p);
        if (need.neverFits()) {
            throw new CapacityExceededException("a put of " + need.putRows + " rows and " + need.putBytes
                    + " bytes can never fit storage unit " + index + ", which holds at most " + limits()
                    + "; split the batch or raise tq.storage.simple.capacity-rows / capacity-bytes");
        }
        if (need.consumes() && (!waiters.isEmpty() || !fits(need))) {
            Duration timeout = p.request.timeout();
            if (policy == FullPolicy.REJECT || timeout.isZero()) {
                throw full(need, policy == FullPolicy.REJECT ? "policy reject" : "policy block with a zero timeout");
            }
            waiters.addLast(p);
            p.timer = executor.schedule(() -> expire(p), timeout.toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        apply(p);
    }

    private void expire(PendingPut p) {
        if (waiters.remove(p)) {
            RuntimeException failure;
            try {
                failure = full(need(p), "waited " + p.request.timeout() + " (the put's timeout)");
            } catch (RuntimeException e) {
                failure = e;
            }
            p.future.completeExceptionally(Failures.translate(failure));
            serveWaiters();
        }
    }

    /** Runs waiting puts in arrival order while the first one fits. */
    private void serveWaiters() {
        while (!waiters.isEmpty()) {
            PendingPut p = waiters.peekFirst();
            Need need;
            try {
                need = need(p);
            } catch (RuntimeException e) {
                waiters.pollFirst();
                p.timer.cancel(false);
                p.future.completeExceptionally(Failures.translate(e));
                continue;
            }
            if (!fits(need)) {
                return;
            }
            waiters.pollFirst();
            p.timer.cancel(false);
            try {
                apply(p);
            } catch (RuntimeException | Error e) {
                p.future.completeExceptionally(Failures.translate(e));
            }
        }
    }

    /** What {@code p} adds to this unit as it is now; fails if a row is stale. Changes nothing. */
    private Need need(PendingPut p) {
        PutRequest r = p.request;
        RoutingGroup g = p.group;
        int newRows = 0;
        long incoming = 0;
        long replaced = 0;
        for (int k = 0; k < g.size(); k++) {
            int pos = g.batchPosition(k);
            StoredRow old = rows.get(g.globalIndex(k));
            int gen = r.generation(pos);
            if (old != null && old.generation() > gen) {
                throw ReadPlan.stale(r.handle(pos), old.generation(), index, "nothing was written to this unit");
            }
            long rowBytes = 0;
            for (int f = 0; f < r.fieldCount(); f++) {
                rowBytes += r.cellBytes(f, pos);
                if (old != null && old.generation() == gen) {
                    Cell c = old.cell(r.fieldName(f));
                    if (c != null) {
                        replaced += c.byteSize();
                    }
                }
            }
            incoming += rowBytes;
            if (old == null) {
                newRows++;
            } else if (old.generation() < gen) {
                replaced += old.bytes();
            }
        }
        return new Need(g.size(), incoming, newRows, incoming - replaced);
    }

    private boolean fits(Need n) {
        return (rowCapacity < 0 || usedRows + n.newRows <= rowCapacity)
                && (byteCapacity < 0 || usedBytes + n.byteDelta <= byteCapacity);
    }

    /** Copies the cells of {@code p}, then commits them all; a failure while copying changes nothing. */
    private void apply(PendingPut p) {
        PutRequest r = p.request;
        RoutingGroup g = p.group;
        int n = g.size();
        StoredRow[] staged = new StoredRow[n];
        StoredRow[] old = new StoredRow[n];
        for (int k = 0; k < n; k++) {
            int pos = g.batchPosition(k);
            int gen = r.generation(pos);
            Map<String, Cell> cells = new HashMap<>(Math.max(4, r.fieldCount() * 2));
            for (int f = 0; f < r.fieldCount(); f++) {
                cells.put(r.fieldName(f), r.makeCell(f, pos, copiedBytes, adoptedBytes));
            }
            old[k] = rows.get(g.globalIndex(k));
            if (old[k] != null && old[k].generation() > gen) {
                // need() ran on this thread just before: cannot happen, but never overwrite a newer row
                throw ReadPlan.stale(r.handle(pos), old[k].generation(), index, "nothing was written to this unit");
            }
            staged[k] = old[k] != null && old[k].generation() == gen ? old[k].merge(cells) : StoredRow.of(gen, cells);
        }
        long rowDelta = 0;
        long byteDelta = 0;
        for (int k = 0; k < n; k++) {
            rows.put(g.globalIndex(k), staged[k]);
            rowDelta += old[k] == null ? 1 : 0;
            byteDelta += staged[k].bytes() - (old[k] == null ? 0 : old[k].bytes());
        }
        usedRows += rowDelta;
        usedBytes += byteDelta;
        p.future.complete(null);
        if (byteDelta < 0 && !waiters.isEmpty()) {
            serveWaiters();
        }
    }

    private void doClear(BatchMeta meta, RoutingGroup g) {
        for (int k = 0; k < g.size(); k++) {
            StoredRow row = rows.get(g.globalIndex(k));
            int pos = g.batchPosition(k);
            if (row != null && row.generation() > meta.generation(pos)) {
                throw ReadPlan.stale(meta.handle(pos), row.generation(), index, "nothing was cleared in this unit");
            }
        }
        long freedRows = 0;
        long freedBytes = 0;
        for (int k = 0; k < g.size(); k++) {
            long gi = g.globalIndex(k);
            StoredRow row = rows.get(gi);
            if (row != null && row.generation() == meta.generation(g.batchPosition(k))) {
                rows.remove(gi);
                freedRows++;
                freedBytes += row.bytes();
            }
        }
        usedRows -= freedRows;
        usedBytes -= freedBytes;
        if (freedRows > 0) {
            serveWaiters();
        }
    }

    private void releaseAll() {
        for (Iterator<PendingPut> it = waiters.iterator(); it.hasNext(); ) {
            PendingPut p = it.next();
            it.remove();
            p.timer.cancel(false);
            p.future.completeExceptionally(new ClosedException("simple storage closed while this put waited for room "
                    + "in storage unit " + index));
        }
        rows.clear();
        usedRows = 0;
        usedBytes = 0;
    }

    private CapacityExceededException full(Need n, String why) {
        return new CapacityExceededException("storage unit " + index + " is full (" + why + "): it holds " + usedRows
                + " rows and " + usedBytes + " bytes of at most " + limits() + "; this put adds " + n.newRows
                + " rows and " + Math.max(0, n.byteDelta) + " bytes. Nothing was written to this unit. Clear consumed "
                + "rows, or raise tq.storage.simple.capacity-rows / capacity-bytes.");
    }

    private String limits() {
        return (rowCapacity < 0 ? "unlimited rows" : rowCapacity + " rows") + " and "
                + (byteCapacity < 0 ? "unlimited bytes" : byteCapacity + " bytes (" + DataSize.ofBytes(byteCapacity)
                + ")");
    }

    /** What a put adds to a unit: rows it creates and its net bytes; its own size for the never-fits check. */
    private final class Need {
        final int putRows;
        final long putBytes;
        final int newRows;
        final long byteDelta;

        Need(int putRows, long putBytes, int newRows, long byteDelta) {
            this.putRows = putRows;
            this.putBytes = putBytes;
            this.newRows = newRows;
            this.byteDelta = byteDelta;
        }

        boolean consumes() {
            return newRows > 0 || byteDelta > 0;
        }

        boolean neverFits() {
            return (rowCapacity >= 0 && putRows > rowCapacity) || (byteCapacity >= 0 && putBytes > byteCapacity);
        }
    }

    /** A put admitted to this unit, possibly waiting for room. */
    private static final class PendingPut {
        final PutRequest request;
        final RoutingGroup group;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        ScheduledFuture<?> timer;

        PendingPut(PutRequest request, RoutingGroup group) {
            this.request = request;
            this.group = group;
        }
    }
}
