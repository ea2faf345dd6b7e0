package io.transferqueue.backend.simple;

import io.transferqueue.config.DataSize;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RoutingGroup;
import io.transferqueue.spi.PutOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One in-process storage unit: the rows routed to it, keyed by (partition, global index), a lock that orders
 * every change to them, and one thread ({@code tq-simple-unit-<n>}) that does the unit's share of large requests, serves
 * puts waiting for room and runs their timers.
 *
 * <p><b>Threading.</b> A put or clear holds the unit's lock from its checks to its commit, so validation,
 * capacity accounting and the commit of one put never interleave with another change. It runs either on
 * the unit thread (large requests, split across units to copy in parallel) or on the caller's thread
 * (small requests, where a hand-off costs more than the work) when the lock is free. Rows are immutable and
 * kept in a {@link RowTable} readers use without the lock, so reads see each row before or after a change.
 * Futures are completed after the lock is released, never under it.
 *
 * <p><b>Capacity.</b> A put first computes exactly what it adds (new rows; bytes written minus bytes it
 * replaces) against the unit as it is, then copies and commits. If it does not fit it fails (reject) or
 * joins a FIFO queue (block) holding no copy; freed room makes the unit thread serve the queue in order, and
 * a timer on the unit thread fails a put whose timeout passes (a timeout too long for a {@code long} of
 * nanoseconds waits {@link Long#MAX_VALUE} ns). A put joins the queue only with its timer set, so every waiter
 * can be served or expired. Nothing spins or sleeps.
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

    private final RowTable rows;
    private final ReentrantLock lock = new ReentrantLock();
    /** Written under the lock; volatile for {@link #usedRows()} readers. */
    private volatile long usedRows;
    private volatile long usedBytes;
    /** Under the lock. */
    private final ArrayDeque<PendingPut> waiters = new ArrayDeque<>();
    /** Under the lock: a task serving the waiters is queued on the unit thread. */
    private boolean serveQueued;
    private volatile boolean closed;

    StorageUnit(int index, SimpleStorageConfig config, UnitListener listener, LongAdder copiedBytes,
            LongAdder adoptedBytes) {
        this.index = index;
        this.rowCapacity = config.rowCapacity();
        this.byteCapacity = config.byteCapacity();
        this.policy = config.fullPolicy();
        this.listener = listener;
        this.copiedBytes = copiedBytes;
        this.adoptedBytes = adoptedBytes;
        this.rows = new RowTable(config.units());
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

    /** The row of ({@code partition}, {@code globalIndex}), or null. Any thread, no lock. */
    StoredRow row(String partition, long globalIndex) {
        return rows.get(partition, globalIndex);
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

    /**
     * Stores the rows of {@code group}: on the caller's thread if {@code inline} and the unit is not busy
     * (the future is then complete on return, unless the put waits for room), else on the unit thread.
     */
    CompletableFuture<Void> put(PutRequest request, RoutingGroup group, boolean inline) {
        PendingPut p = new PendingPut(request, group);
        if (inline && lock.tryLock()) {
            listener.inline(index, "put");
            locked(after -> admit(p, after), p.future);
        } else {
            submit("put", p.future, () -> {
                lock.lock();
                locked(after -> admit(p, after), p.future);
            });
        }
        return p.future;
    }

    /**
     * Deletes the meta's fields (whole rows if it names none) of the rows of {@code group} whose generation
     * matches, all or none: a stale handle fails before anything is deleted. Runs on the caller's thread if
     * the unit is not busy, else on the unit thread.
     */
    CompletableFuture<Void> clear(BatchMeta meta, RoutingGroup group) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Step clear = completions -> {
            doClear(meta, group);
            completions.add(() -> f.complete(null));
        };
        if (lock.tryLock()) {
            listener.inline(index, "clear");
            locked(clear, f);
        } else {
            submit("clear", f, () -> {
                lock.lock();
                locked(clear, f);
            });
        }
        return f;
    }

    /** Fills {@code plan} with the rows at {@code positions}, on the unit thread. */
    CompletableFuture<Void> read(ReadPlan plan, int[] positions) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit("get", f, () -> {
            if (closed) {
                throw new ClosedException("simple storage is closed: storage unit " + index
                        + " accepts no more operations");
            }
            plan.readRows(positions);
            f.complete(null);
        });
        return f;
    }

    /** A change made under the lock; adds what must happen once the lock is released. */
    private interface Step {
        void run(List<Runnable> afterUnlock);
    }

    /**
     * Runs {@code step} with the lock (already held by the caller), releases it, then completes futures. A
     * failure of the step fails {@code future}.
     */
    private void locked(Step step, CompletableFuture<?> future) {
        List<Runnable> after = new ArrayList<>(2);
        try {
            if (closed) {
                throw new ClosedException("simple storage is closed: storage unit " + index
                        + " accepts no more operations");
            }
            step.run(after);
        } catch (RuntimeException | Error e) {
            after.add(() -> future.completeExceptionally(Failures.translate(e)));
        } finally {
            lock.unlock();
        }
        after.forEach(Runnable::run);
    }

    private void submit(String op, CompletableFuture<?> future, Runnable work) {
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
     * Stops accepting work: waiting puts fail with {@link ClosedException}, rows are dropped, operations that
     * already hold or wait for the lock finish first.
     */
    void shutdown() {
        List<Runnable> after = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            for (PendingPut p : waiters) {
                p.timer.cancel(false);
                after.add(() -> p.future.completeExceptionally(new ClosedException("simple storage closed while this "
                        + "put waited for room in storage unit " + index)));
            }
            waiters.clear();
            rows.clear();
            usedRows = 0;
            usedBytes = 0;
        } finally {
            lock.unlock();
        }
        executor.shutdown();
        after.forEach(Runnable::run);
    }

    boolean awaitTermination(Duration d) throws InterruptedException {
        return executor.awaitTermination(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    void shutdownNow() {
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ under the lock

    private void admit(PendingPut p, List<Runnable> after) {
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
            // everything that can fail comes before the put joins the queue: a failed request leaves no waiter
            p.timer = executor.schedule(() -> expire(p), waitNanos(timeout), TimeUnit.NANOSECONDS);
            waiters.addLast(p);
            return;
        }
        apply(p, need, after);
    }

    /**
     * {@code timeout} in nanoseconds, saturated at {@link Long#MAX_VALUE} (about 292 years): a longer timeout, which
     * {@link PutOptions} and a {@code UNIT_PUT}'s {@code timeoutMillis} allow, waits as good as forever instead of
     * failing.
     */
    static long waitNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Timer task on the unit thread. */
    private void expire(PendingPut p) {
        lock.lock();
        locked(after -> {
            if (waiters.remove(p)) {
                RuntimeException failure;
                try {
                    failure = full(need(p), "waited " + p.request.timeout() + " (the put's timeout)");
                } catch (RuntimeException e) {
                    failure = e;
                }
                RuntimeException f = failure;
                after.add(() -> p.future.completeExceptionally(Failures.translate(f)));
                serveWaiters(after);
            }
        }, new CompletableFuture<Void>());
    }

    /** Has the unit thread serve the waiters (so whoever freed the room does not pay for their copies). */
    private void scheduleServe() {
        if (waiters.isEmpty() || serveQueued) {
            return;
        }
        serveQueued = true;
        submit("serve", new CompletableFuture<Void>(), () -> {
            lock.lock();
            locked(after -> {
                serveQueued = false;
                serveWaiters(after);
            }, new CompletableFuture<Void>());
        });
    }

    /** Runs waiting puts in arrival order while the first one fits. */
    private void serveWaiters(List<Runnable> after) {
        while (!waiters.isEmpty()) {
            PendingPut p = waiters.peekFirst();
            Need need;
            try {
                need = need(p);
            } catch (RuntimeException e) {
                waiters.pollFirst();
                p.timer.cancel(false);
                after.add(() -> p.future.completeExceptionally(Failures.translate(e)));
                continue;
            }
            if (!fits(need)) {
                return;
            }
            waiters.pollFirst();
            p.timer.cancel(false);
            try {
                apply(p, need, after);
            } catch (RuntimeException | Error e) {
                after.add(() -> p.future.completeExceptionally(Failures.translate(e)));
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
        StoredRow[] found = new StoredRow[g.size()];
        for (int k = 0; k < g.size(); k++) {
            int pos = g.batchPosition(k);
            StoredRow old = rows.get(r.partition(pos), g.globalIndex(k));
            found[k] = old;
            int gen = r.generation(pos);
            if (old != null && old.generation() > gen) {
                throw ReadPlan.stale(r.handle(pos), old.generation(), index, "nothing was written to this unit");
            }
            for (int f = 0; f < r.fieldCount(); f++) {
                incoming += r.cellBytes(f, pos);
                if (old != null && old.generation() == gen) {
                    Object c = old.cell(r.fieldName(f));
                    if (c != null) {
                        replaced += Cells.byteSize(c);
                    }
                }
            }
            if (old == null) {
                newRows++;
            } else if (old.generation() < gen) {
                replaced += old.bytes();
            }
        }
        return new Need(g.size(), incoming, newRows, incoming - replaced, found);
    }

    private boolean fits(Need n) {
        return (rowCapacity < 0 || usedRows + n.newRows <= rowCapacity)
                && (byteCapacity < 0 || usedBytes + n.byteDelta <= byteCapacity);
    }

    /**
     * Copies the cells of {@code p}, then commits them all; a failure while copying changes nothing.
     *
     * @param need what {@link #need} found for {@code p} under this same lock hold (its rows as they are now)
     */
    private void apply(PendingPut p, Need need, List<Runnable> after) {
        PutRequest r = p.request;
        RoutingGroup g = p.group;
        int n = g.size();
        // copy first (the long part), then build the rows: each row and its cell array are allocated next
        // to each other, which keeps a later read of many rows to few cache misses
        Object[][] copies = new Object[n][];
        for (int k = 0; k < n; k++) {
            int pos = g.batchPosition(k);
            Object[] cells = new Object[r.fieldCount()];
            for (int f = 0; f < cells.length; f++) {
                cells[f] = r.makeCell(f, pos, copiedBytes, adoptedBytes);
            }
            copies[k] = cells;
        }
        StoredRow[] staged = new StoredRow[n];
        StoredRow[] old = need.found;
        RowLayout layout = r.layout();
        Map<RowLayout, StoredRow.Merge> merges = null;
        for (int k = 0; k < n; k++) {
            int pos = g.batchPosition(k);
            int gen = r.generation(pos);
            if (old[k] != null && old[k].generation() == gen) {
                if (merges == null) {
                    merges = StoredRow.mergeCache();
                }
                staged[k] = old[k].merge(layout, copies[k], merges);
            } else {
                Object[] cells = copies[k];
                for (int f = 0; f < cells.length; f++) {
                    cells[f] = Cells.seal(cells[f]);
                }
                staged[k] = new StoredRow(gen, layout, cells.clone());
            }
        }
        long rowDelta = 0;
        long byteDelta = 0;
        for (int k = 0; k < n; k++) {
            rows.put(r.partition(g.batchPosition(k)), g.globalIndex(k), staged[k]);
            rowDelta += old[k] == null ? 1 : 0;
            byteDelta += staged[k].bytes() - (old[k] == null ? 0 : old[k].bytes());
        }
        usedRows += rowDelta;
        usedBytes += byteDelta;
        after.add(() -> p.future.complete(null));
        if (byteDelta < 0) {
            scheduleServe();
        }
    }

    /**
     * Deletes the meta's fields of its rows (every field when the meta names none); a row left without fields
     * is deleted. Checks every row for staleness first.
     */
    private void doClear(BatchMeta meta, RoutingGroup g) {
        for (int k = 0; k < g.size(); k++) {
            int pos = g.batchPosition(k);
            StoredRow row = rows.get(meta.partition(pos), g.globalIndex(k));
            if (row != null && row.generation() > meta.generation(pos)) {
                throw ReadPlan.stale(meta.handle(pos), row.generation(), index, "nothing was cleared in this unit");
            }
        }
        Set<String> fields = meta.fieldNames();
        Map<RowLayout, StoredRow.Merge> reduced = fields.isEmpty() ? null : StoredRow.mergeCache();
        long freedRows = 0;
        long freedBytes = 0;
        for (int k = 0; k < g.size(); k++) {
            int pos = g.batchPosition(k);
            String partition = meta.partition(pos);
            long gi = g.globalIndex(k);
            StoredRow row = rows.get(partition, gi);
            if (row == null || row.generation() != meta.generation(pos)) {
                continue;
            }
            StoredRow left = fields.isEmpty() ? null : row.without(fields, reduced);
            if (left == row) {
                continue;
            }
            if (left == null) {
                rows.remove(partition, gi);
                freedRows++;
                freedBytes += row.bytes();
            } else {
                rows.put(partition, gi, left);
                freedBytes += row.bytes() - left.bytes();
            }
        }
        usedRows -= freedRows;
        usedBytes -= freedBytes;
        if (freedBytes > 0 || freedRows > 0) {
            scheduleServe();
        }
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
        /** The stored row of each of the put's rows (null: none), for {@link #apply} under the same lock hold. */
        final StoredRow[] found;

        Need(int putRows, long putBytes, int newRows, long byteDelta, StoredRow[] found) {
            this.putRows = putRows;
            this.putBytes = putBytes;
            this.newRows = newRows;
            this.byteDelta = byteDelta;
            this.found = found;
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
