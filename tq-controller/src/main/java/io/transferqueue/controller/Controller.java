package io.transferqueue.controller;

import static java.util.Objects.requireNonNull;

import io.transferqueue.client.FetchMode;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.ConfigException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.PartitionNotFoundException;
import io.transferqueue.error.RowClearingException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.SampleResult;
import io.transferqueue.spi.Sampler;
import io.transferqueue.spi.SamplerFactory;
import io.transferqueue.spi.SamplingContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The control plane: partitions, row lifecycle, production and consumption state, tags, KV keys, and the
 * samplers that decide which ready rows a fetch gets. It never sees payload bytes.
 *
 * <p><b>Concurrency.</b> Each partition has its own lock; operations on different partitions run in parallel,
 * operations spanning partitions lock them in name order. Nothing sleeps or spins: a fetch that may wait is
 * parked and completed by the notify (or fetch, reset, completion mark) that makes enough rows ready; waiters
 * are served first-in first-out. Futures of parked fetches complete on the controller's completion threads
 * ({@link ControllerOptions#COMPLETION_THREADS}), never on the producer's thread, so a slow consumer can never
 * delay a producer. A fetch cancelled between being served and its future completing gives its rows back to
 * its task (unless its sampler shares them with other callers, {@link Sampler#sharesResults}): a cancelled fetch
 * consumes nothing.
 *
 * <p><b>Errors.</b> Every operation answers with a result or a typed {@link TransferQueueException}; a bad
 * request changes nothing and the controller keeps serving everyone else.
 *
 * <p><b>Row lifecycle.</b> ALLOCATED (insert) → cells PRODUCED (notify) → CLEARING ({@link #beginClear}:
 * invisible to fetches, notifies refused) → FREE ({@link #finishClear}: index released, generation bumped on
 * reuse). A failed storage deletion leaves rows CLEARING; clearing them again completes it.
 */
public final class Controller implements AutoCloseable {
    private final TqConfig config;
    private final String defaultSampler;
    private final NamedPlugins<SamplerFactory> samplerFactories;
    private final Map<String, Sampler> samplers = new ConcurrentHashMap<>();
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    private final IndexAllocator allocator = new IndexAllocator();
    private final ExecutorService completions;
    /** Threads of {@link #completions}: close() on one of them (a fetch's callback) must not wait for the pool. */
    private final Set<Thread> completionThreads = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean closed;

    private Controller(TqConfig config, NamedPlugins<SamplerFactory> samplerFactories) {
        this.config = requireNonNull(config, "config is null");
        this.samplerFactories = requireNonNull(samplerFactories, "samplerFactories is null");
        this.defaultSampler = config.get(ControllerOptions.SAMPLER);
        samplerFactories.get(defaultSampler);
        this.completions = Executors.newFixedThreadPool(config.get(ControllerOptions.COMPLETION_THREADS),
                daemonThreads("tq-controller-complete", completionThreads));
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("tq-controller-timer", null));
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * A controller whose samplers are found with {@link java.util.ServiceLoader} on this class's loader.
     *
     * @throws ConfigException if the configured default sampler is not found
     */
    public static Controller create(TqConfig config) {
        return create(config, NamedPlugins.discover(SamplerFactory.class, Controller.class.getClassLoader(),
                "sampler", SamplerFactory::name));
    }

    /** A controller with the given sampler factories. */
    public static Controller create(TqConfig config, NamedPlugins<SamplerFactory> samplerFactories) {
        return new Controller(config, samplerFactories);
    }

    /** Daemon threads {@code <prefix>-<n>}, each also added to {@code track} if not null. */
    private static ThreadFactory daemonThreads(String prefix, Set<Thread> track) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            if (track != null) {
                track.add(t);
            }
            return t;
        };
    }

    /** The sampler factories this controller can use. */
    public NamedPlugins<SamplerFactory> samplerFactories() {
        return samplerFactories;
    }

    // ------------------------------------------------------------------ holders and locking

    /** Lock and waiters of one partition name; the partition state itself may be absent. */
    private static final class Holder {
        final String name;
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        Partition partition;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        boolean retired;

        Holder(String name) {
            this.name = name;
        }
    }

    private static final class Waiter {
        final GetMetaRequest request;
        final CompletableFuture<BatchMeta> future;
        ScheduledFuture<?> timeout;
        /** Set when a serve marked rows consumed that must be given back if the future cannot be completed. */
        GiveBack served;

        Waiter(GetMetaRequest request, CompletableFuture<BatchMeta> future) {
            this.request = request;
            this.future = future;
        }
    }

    /**
     * A completion to run after locks are released; {@code giveBack}, if not null, undoes the consumption of
     * the rows in {@code value} when they cannot be delivered (the future was cancelled first).
     */
    private record Completion(CompletableFuture<BatchMeta> future, BatchMeta value, Throwable error,
            GiveBack giveBack) {
        Completion(CompletableFuture<BatchMeta> future, BatchMeta value, Throwable error) {
            this(future, value, error, null);
        }
    }

    /**
     * Rows a serve newly marked consumed for {@code task}. Row ids are never reused within a partition object,
     * so (partition, row id) names exactly the rows served, whatever was cleared or reused since.
     */
    private record GiveBack(Partition partition, String task, long[] rowIds, long resets) {
    }

    private Holder lock(String name, boolean create) {
        checkOpen();
        while (true) {
            Holder h = create ? holders.computeIfAbsent(name, Holder::new) : holders.get(name);
            if (h == null) {
                return null;
            }
            h.lock.lock();
            if (closed) {
                // close() set closed before sweeping the holders: one created after its sweep would keep a
                // waiter (and a timeout the stopped timer dropped) that nothing ever completes
                unlock(h);
                throw new ClosedException("controller is closed");
            }
            if (!h.retired) {
                return h;
            }
            h.lock.unlock();
        }
    }

    /** Unlocks, retiring the holder first if it holds nothing. */
    private void unlock(Holder h) {
        if (h.partition == null && h.waiters.isEmpty() && !h.retired) {
            h.retired = true;
            holders.remove(h.name, h);
        }
        h.lock.unlock();
    }

    /** Locks several partitions in name order; missing ones are skipped unless {@code create}. */
    private List<Holder> lockAll(Set<String> names, boolean create) {
        List<Holder> locked = new ArrayList<>();
        try {
            for (String n : new TreeSet<>(names)) {
                Holder h = lock(n, create);
                if (h != null) {
                    locked.add(h);
                }
            }
            return locked;
        } catch (RuntimeException e) {
            unlockAll(locked);
            throw e;
        }
    }

    private void unlockAll(List<Holder> locked) {
        for (int i = locked.size() - 1; i >= 0; i--) {
            unlock(locked.get(i));
        }
    }

    /** A completion queued on the completion threads; close() fails the ones it drops. */
    private final class Delivery implements Runnable {
        final Completion c;

        Delivery(Completion c) {
            this.c = c;
        }

        @Override
        public void run() {
            boolean delivered = c.error != null ? c.future.completeExceptionally(c.error) : c.future.complete(c.value);
            if (!delivered) {
                // cancelled between the serve and now: the fetch consumes nothing
                giveBack(c.giveBack);
            }
        }
    }

    private void dispatch(List<Completion> done) {
        for (Completion c : done) {
            if (c.future.isDone()) {
                giveBack(c.giveBack);
                continue;
            }
            try {
                completions.execute(new Delivery(c));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                c.future.completeExceptionally(new ClosedException("controller closed"));
            }
        }
    }

    /**
     * Offers the rows of a served fetch that was cancelled before it got them to its task again, and serves
     * waiters that can use them. Rows cleared since, and every row after the partition was dropped or the
     * task's consumption reset, are left alone.
     */
    private void giveBack(GiveBack g) {
        if (g == null) {
            return;
        }
        Holder h;
        try {
            h = lock(g.partition.name, false);
        } catch (ClosedException e) {
            return;
        }
        if (h == null) {
            return;
        }
        List<Completion> done = new ArrayList<>();
        try {
            Partition p = h.partition;
            if (p != g.partition || p.consumptionResets != g.resets) {
                return;
            }
            boolean any = false;
            for (long id : g.rowIds) {
                int s = p.slotOfRowId(id);
                if (s >= 0 && p.unmarkConsumed(g.task, s)) {
                    any = true;
                }
            }
            if (any) {
                serveWaiters(h, done);
            }
        } finally {
            unlock(h);
            dispatch(done);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedException("controller is closed");
        }
    }

    // ------------------------------------------------------------------ getMeta

    /**
     * Answers a metadata request.
     *
     * <ul>
     *   <li>{@link FetchMode#INSERT}: allocates {@code batchSize} rows (creating the partition); nothing ready.
     *   <li>{@link FetchMode#FETCH}: rows whose requested fields are all produced and that the task has not
     *       consumed, chosen by the sampler; the sampler's consumed rows are marked. Not enough rows: an empty
     *       meta at once, or after waiting up to {@code maxWait} (at most {@link GetMetaRequest#MAX_WAIT}) for a
     *       notify to make enough ready; a request that fails leaves nothing parked. On a
     *       complete partition with nothing more to come, an empty meta with extra info
     *       {@link GetMetaRequest#EXHAUSTED} at once.
     *   <li>{@link FetchMode#FORCE_FETCH}: every live row, produced or not; nothing marked. Unknown partition:
     *       an empty meta.
     * </ul>
     *
     * @return a future that fails with {@link InvalidRequestException} for a malformed request (unknown
     *     sampler, missing task, fields, bad sampling parameters) or a sampler that throws (a plugin bug: only
     *     that request fails, nothing is marked consumed, and a parked fetch it breaks never fails the notify
     *     that tried to serve it), {@link StaleHandleException} if a cached sampler result refers to cleared
     *     rows
     */
    public CompletableFuture<BatchMeta> getMeta(GetMetaRequest request) {
        try {
            requireNonNull(request, "request is null");
            switch (request.mode()) {
                case INSERT:
                    return CompletableFuture.completedFuture(insert(request.partition(), request.batchSize()));
                case FORCE_FETCH:
                    return CompletableFuture.completedFuture(forceFetch(request.partition(), request.fields()));
                default:
                    return fetch(request);
            }
        } catch (TransferQueueException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.failedFuture(new InvalidRequestException(e.getMessage(), e));
        }
    }

    private BatchMeta insert(String partition, int count) {
        if (count <= 0 || count > GetMetaRequest.MAX_BATCH_SIZE) {
            throw new InvalidRequestException("insert needs a row count from 1 to " + GetMetaRequest.MAX_BATCH_SIZE
                    + ", got " + count);
        }
        Holder h = lock(partition, true);
        try {
            Partition p = h.partition;
            if (p == null) {
                p = new Partition(partition);
                h.partition = p;
            } else if (p.isComplete()) {
                throw new InvalidRequestException("partition '" + partition + "' was marked complete; no rows can be "
                        + "inserted");
            }
            int[] gens = new int[count];
            int[] gis = allocator.allocate(count, gens);
            p.append(gis, gens);
            long[] lg = new long[count];
            for (int i = 0; i < count; i++) {
                lg[i] = gis[i];
            }
            return BatchMeta.builder().rows(partition, lg, gens).build();
        } finally {
            unlock(h);
        }
    }

    private BatchMeta forceFetch(String partition, List<String> fields) {
        return withExisting(partition, BatchMeta.empty(), p -> {
            int[] slots = liveSlots(p, false);
            int n = slots.length;
            List<String> names = fields.isEmpty() ? new ArrayList<>(p.fields.keySet()) : fields;
            boolean[] ready = new boolean[n];
            // names are distinct (GetMetaRequest), so this costs O(fields × rows) at most
            boolean noneReady = names.isEmpty();
            List<FieldState> known = new ArrayList<>();
            for (String f : names) {
                FieldState fs = p.field(f);
                if (fs == null) {
                    noneReady = true;
                } else {
                    known.add(fs);
                }
            }
            if (!noneReady) {
                Arrays.fill(ready, true);
                for (FieldState fs : known) {
                    for (int i = 0; i < n; i++) {
                        ready[i] &= Bits.get(fs.produced, slots[i]);
                    }
                }
            }
            return buildMeta(p, slots, n, known, ready);
        });
    }

    /** Runs {@code action} on the partition under its lock; {@code absent} when there is no such partition. */
    private <T> T withExisting(String partition, T absent, Function<Partition, T> action) {
        Holder h = lock(partition, false);
        if (h == null) {
            return absent;
        }
        try {
            return h.partition == null ? absent : action.apply(h.partition);
        } finally {
            unlock(h);
        }
    }

    /** The slots of live rows in slot order, with or without the rows being cleared. */
    private static int[] liveSlots(Partition p, boolean withClearing) {
        int[] slots = new int[p.live];
        int n = 0;
        for (int s = 0; s < p.highWater; s++) {
            if (Bits.get(p.liveBits, s) && (withClearing || !p.isClearing(s))) {
                slots[n++] = s;
            }
        }
        return n == slots.length ? slots : Arrays.copyOf(slots, n);
    }

    private CompletableFuture<BatchMeta> fetch(GetMetaRequest r) {
        if (r.task() == null || r.task().isBlank()) {
            throw new InvalidRequestException("a fetch needs a task name");
        }
        if (r.fields().isEmpty()) {
            throw new InvalidRequestException("a fetch needs at least one field");
        }
        if (r.batchSize() <= 0) {
            throw new InvalidRequestException("a fetch needs a positive batch size, got " + r.batchSize());
        }
        sampler(r.sampler());
        Holder h = lock(r.partition(), true);
        List<Completion> done = new ArrayList<>();
        try {
            BatchMeta m = attemptFetch(h, r, null);
            if (m != null) {
                if (!m.isEmpty()) {
                    serveWaiters(h, done);
                }
                return CompletableFuture.completedFuture(m);
            }
            if (r.maxWait().isZero()) {
                return CompletableFuture.completedFuture(BatchMeta.empty());
            }
            CompletableFuture<BatchMeta> f = new CompletableFuture<>();
            Waiter w = new Waiter(r, f);
            // everything that can fail comes before the waiter is parked: a failed request leaves no waiter
            // behind that a later notify would serve (GetMetaRequest bounds the wait, so toNanos cannot overflow)
            try {
                w.timeout = timer.schedule(() -> expire(r.partition(), w), r.maxWait().toNanos(),
                        TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                throw new ClosedException("controller is closed");
            }
            h.waiters.addLast(w);
            // a cancelled fetch leaves the queue at once; if a notify served it just before, the completion
            // finds the future cancelled and gives the rows back (dispatch), so it consumes nothing either way
            f.whenComplete((v, t) -> {
                if (f.isCancelled()) {
                    w.timeout.cancel(false);
                    expire(r.partition(), w);
                }
            });
            return f;
        } finally {
            unlock(h);
            dispatch(done);
        }
    }

    private void expire(String partition, Waiter w) {
        Holder h;
        try {
            h = lock(partition, false);
        } catch (ClosedException e) {
            return;
        }
        if (h == null) {
            return;
        }
        boolean removed;
        try {
            removed = h.waiters.remove(w);
        } finally {
            unlock(h);
        }
        if (removed) {
            dispatch(List.of(new Completion(w.future, BatchMeta.empty(), null)));
        }
    }

    /**
     * Tries to serve a fetch now. Returns the rows, an empty "exhausted" meta, or null if the request must
     * wait. Called with the holder locked. For a parked fetch ({@code w} not null) that gets rows, records in
     * {@code w.served} the rows it newly consumed, unless its sampler hands the same rows to other callers.
     */
    private BatchMeta attemptFetch(Holder h, GetMetaRequest r, Waiter w) {
        Partition p = h.partition;
        if (p == null) {
            return null;
        }
        FieldState[] fs = new FieldState[r.fields().size()];
        for (int i = 0; i < fs.length; i++) {
            fs[i] = p.field(r.fields().get(i));
            if (fs[i] == null) {
                return p.isComplete() && p.live == 0 ? exhausted() : null;
            }
        }
        String task = r.task();
        long[] consumed = p.consumed.get(task);
        ReadyView view = new ReadyView(p, fs, consumed, p.scanHint.getOrDefault(task, 0));
        SampleResult result;
        try {
            result = sampler(r.sampler()).sample(new SamplingContext(p.name, task, p.isComplete()), view,
                    r.batchSize(), r.sampling());
        } catch (TransferQueueException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidRequestException("sampler '" + samplerName(r.sampler()) + "': " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            // a sampler is plugin code: its bug fails this request only, before anything was marked
            throw samplerFailed(r.sampler(), "failed", e);
        }
        p.scanHint.put(task, view.lowWater());
        if (result != null && result.emptyShare()) {
            // this rank's share of a decided split is empty: answer now, and consume the others' shares
            markConsumed(p, task, result.consumed());
            return BatchMeta.empty().withExtraInfo(GetMetaRequest.EMPTY_SHARE, true);
        }
        if (result == null || result.isEmpty()) {
            return p.isComplete() && nothingPending(p, fs, consumed) ? exhausted() : null;
        }
        int n = result.sampled().length;
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            slots[i] = p.slotOfRowId(result.sampled()[i]);
            if (slots[i] < 0 || p.isClearing(slots[i])) {
                throw new StaleHandleException("sampler '" + samplerName(r.sampler()) + "' returned row "
                        + result.sampled()[i] + " of partition '" + p.name + "', which was cleared; clear rows only "
                        + "after every rank of a data-parallel group fetched them");
            }
        }
        long[] newly = markConsumed(p, task, result.consumed());
        if (w != null && newly.length > 0 && !sharesResults(r)) {
            w.served = new GiveBack(p, task, newly, p.consumptionResets);
        }
        boolean[] ready = new boolean[n];
        Arrays.fill(ready, true);
        return buildMeta(p, slots, n, Arrays.asList(fs), ready);
    }

    /** Marks rows consumed; returns the ids of those that were not consumed before. */
    private static long[] markConsumed(Partition p, String task, long[] rowIds) {
        long[] newly = new long[rowIds.length];
        int n = 0;
        for (long id : rowIds) {
            int s = p.slotOfRowId(id);
            if (s >= 0 && p.markConsumed(task, s)) {
                newly[n++] = id;
            }
        }
        return n == newly.length ? newly : Arrays.copyOf(newly, n);
    }

    /** True if the request's sampler hands its rows to other callers too; a failing plugin counts as sharing. */
    private boolean sharesResults(GetMetaRequest r) {
        try {
            return sampler(r.sampler()).sharesResults(r.sampling());
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }

    private static BatchMeta exhausted() {
        return BatchMeta.empty().withExtraInfo(GetMetaRequest.EXHAUSTED, true);
    }

    /** True if no row can still become ready for these fields and task (all unconsumed rows are complete). */
    private static boolean nothingPending(Partition p, FieldState[] fs, long[] consumed) {
        int words = (p.highWater + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            long open = p.liveBits[w] & ~p.clearingBits[w];
            if (consumed != null) {
                open &= ~consumed[w];
            }
            long all = open;
            for (FieldState f : fs) {
                all &= f.produced[w];
            }
            if ((open & ~all) != 0) {
                return false;
            }
        }
        return true;
    }

    private BatchMeta buildMeta(Partition p, int[] slots, int n, List<FieldState> fields, boolean[] ready) {
        long[] gis = new long[n];
        int[] gens = new int[n];
        List<Map<String, Object>> tags = null;
        for (int i = 0; i < n; i++) {
            int s = slots[i];
            gis[i] = p.gi[s];
            gens[i] = p.gen[s];
            Map<String, Object> t = p.tags(s);
            if (!t.isEmpty()) {
                if (tags == null) {
                    tags = new ArrayList<>(Collections.nCopies(n, Map.of()));
                }
                tags.set(i, t);
            }
        }
        BatchMeta.Builder b = BatchMeta.builder().rows(p.name, gis, gens).ready(ready).tags(tags);
        for (FieldState f : fields) {
            b.field(f.name, f.schemaFor(slots, n));
            if (f.hasBackendMeta()) {
                List<Object> col = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    col.add(f.backendMeta(slots[i]));
                }
                b.backendMeta(f.name, col);
            }
        }
        return b.build();
    }

    /** Serves parked fetches that can now be served, oldest first. Called with the holder locked. */
    private void serveWaiters(Holder h, List<Completion> done) {
        if (h.waiters.isEmpty()) {
            return;
        }
        Iterator<Waiter> it = h.waiters.iterator();
        while (it.hasNext()) {
            Waiter w = it.next();
            if (w.future.isDone()) {
                it.remove();
                continue;
            }
            try {
                w.served = null;
                BatchMeta m = attemptFetch(h, w.request, w);
                if (m != null) {
                    it.remove();
                    w.timeout.cancel(false);
                    done.add(new Completion(w.future, m, null, w.served));
                }
            } catch (TransferQueueException e) {
                it.remove();
                w.timeout.cancel(false);
                done.add(new Completion(w.future, null, e));
            } catch (RuntimeException e) {
                // whatever goes wrong serving one waiter fails that waiter only: the notify (or fetch) that
                // called us has already changed state and must not fail after the fact
                it.remove();
                w.timeout.cancel(false);
                done.add(new Completion(w.future, null, new TransferQueueException("serving a waiting fetch of "
                        + "partition '" + h.name + "' failed: " + e, e)));
            }
        }
    }

    private InvalidRequestException samplerFailed(String requested, String what, Throwable e) {
        return new InvalidRequestException("sampler '" + samplerName(requested) + "' " + what + " with " + e
                + "; this is a bug in the sampler plugin, not in the request (choose another sampler or fix the "
                + "plugin)", e);
    }

    private String samplerName(String requested) {
        return requested == null ? defaultSampler : requested;
    }

    private Sampler sampler(String requested) {
        String name = samplerName(requested);
        Sampler s = samplers.get(name);
        if (s != null) {
            return s;
        }
        SamplerFactory f;
        try {
            f = samplerFactories.get(name);
        } catch (ConfigException e) {
            throw new InvalidRequestException(e.getMessage(), e);
        }
        try {
            return samplers.computeIfAbsent(name, k -> requireNonNull(f.create(config),
                    "factory returned no sampler"));
        } catch (TransferQueueException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw samplerFailed(requested, "could not be created", e);
        }
    }

    // ------------------------------------------------------------------ production

    /**
     * Records that cells were stored: one transition per partition that marks the cells produced, records
     * the field schemas and backend meta, applies tags, makes reserved KV keys visible, and then serves
     * waiting fetches. Everything is checked before anything changes.
     *
     * @throws PartitionNotFoundException if a row's partition does not exist
     * @throws StaleHandleException if a handle's generation is not the row's
     * @throws RowClearingException if a row is being cleared or was cleared
     * @throws io.transferqueue.error.SchemaConflictException if a dtype, kind or rank contradicts the field
     */
    public void notifyProduced(ProduceNotice notice) {
        requireNonNull(notice, "notice is null");
        BatchMeta rows = notice.rows();
        if (rows.isEmpty()) {
            return;
        }
        Map<String, List<Integer>> byPartition = groupByPartition(rows);
        List<Holder> locked = lockAll(byPartition.keySet(), false);
        List<Completion> done = new ArrayList<>();
        try {
            Map<String, Partition> partitions = existingPartitions(locked, byPartition.keySet());
            Map<String, int[]> slotsByPartition = new HashMap<>();
            for (Map.Entry<String, List<Integer>> e : byPartition.entrySet()) {
                slotsByPartition.put(e.getKey(),
                        validateForProduce(partitions.get(e.getKey()), rows, e.getValue(), notice));
            }
            for (Map.Entry<String, List<Integer>> e : byPartition.entrySet()) {
                apply(partitions.get(e.getKey()), rows, e.getValue(), slotsByPartition.get(e.getKey()), notice);
            }
            for (Holder h : locked) {
                serveWaiters(h, done);
            }
        } finally {
            unlockAll(locked);
            dispatch(done);
        }
    }

    /**
     * Checks, changing nothing, what {@link #notifyProduced} would check for cells of {@code schema} in
     * {@code rows}: partitions exist, handles are current, no row is being cleared, and each field's kind,
     * dtype and rank agree with the partition's. A client calls it before overwriting stored cells, so a
     * write the notify would refuse never replaces acknowledged bytes. Only kind, dtype and rank of
     * {@code schema} are read.
     *
     * @return field of {@code schema} → per row of {@code rows}, true if the row holds a produced cell of
     *     it (the cells a failed write must leave alone)
     * @throws PartitionNotFoundException if a row's partition does not exist
     * @throws StaleHandleException if a handle's generation is not the row's
     * @throws RowClearingException if a row is being cleared or was cleared
     * @throws io.transferqueue.error.SchemaConflictException if a dtype, kind or rank contradicts the field
     */
    public Map<String, boolean[]> checkProduce(BatchMeta rows, Map<String, FieldSchema> schema) {
        requireNonNull(rows, "rows is null");
        requireNonNull(schema, "schema is null");
        Map<String, boolean[]> held = new HashMap<>();
        schema.keySet().forEach(f -> held.put(f, new boolean[rows.size()]));
        Map<String, List<Integer>> byPartition = groupByPartition(rows);
        List<Holder> locked = lockAll(byPartition.keySet(), false);
        try {
            Map<String, Partition> partitions = existingPartitions(locked, byPartition.keySet());
            for (Map.Entry<String, List<Integer>> e : byPartition.entrySet()) {
                Partition p = partitions.get(e.getKey());
                List<Integer> positions = e.getValue();
                int[] slots = resolveLive(p, rows, positions, true);
                checkSchema(p, schema);
                schema.forEach((f, s) -> {
                    FieldState fs = p.field(f);
                    if (fs != null) {
                        boolean[] has = held.get(f);
                        for (int k = 0; k < slots.length; k++) {
                            has[positions.get(k)] = Bits.get(fs.produced, slots[k]);
                        }
                    }
                });
            }
            return held;
        } finally {
            unlockAll(locked);
        }
    }

    /** The live partition of every name in {@code names}, from holders locked for them. */
    private static Map<String, Partition> existingPartitions(List<Holder> locked, Set<String> names) {
        Map<String, Partition> out = new HashMap<>();
        for (Holder h : locked) {
            if (h.partition != null) {
                out.put(h.name, h.partition);
            }
        }
        for (String name : names) {
            if (!out.containsKey(name)) {
                throw new PartitionNotFoundException("partition '" + name + "' does not exist (it was never "
                        + "created or was cleared)");
            }
        }
        return out;
    }

    /** Checks that cells of {@code schema} may join {@code p}'s fields (kind, dtype, rank). */
    private static void checkSchema(Partition p, Map<String, FieldSchema> schema) {
        schema.forEach((f, s) -> {
            FieldState fs = p.field(f);
            if (fs != null) {
                fs.checkCompatible(p.name, s);
            }
        });
    }

    private int[] validateForProduce(Partition p, BatchMeta rows, List<Integer> positions, ProduceNotice n) {
        int[] slots = resolveLive(p, rows, positions, true);
        checkSchema(p, n.schema());
        if (n.keys() != null) {
            for (int k = 0; k < positions.size(); k++) {
                int i = positions.get(k);
                String key = n.keys().get(i);
                if (key == null) {
                    continue;
                }
                Integer pending = p.pendingKeys.get(key);
                Integer bound = p.keyToGi.get(key);
                long gi = rows.globalIndex(i);
                if (!(pending != null && pending == gi) && !(bound != null && bound == gi)) {
                    throw new InvalidRequestException("key '" + key + "' of partition '" + p.name
                            + "' was not reserved for row " + rows.handle(i));
                }
            }
        }
        return slots;
    }

    /**
     * Slots of the given rows, which must be live with matching generations.
     *
     * @param refuseClearing fail with {@link RowClearingException} for rows being cleared
     */
    private int[] resolveLive(Partition p, BatchMeta rows, List<Integer> positions, boolean refuseClearing) {
        int[] slots = new int[positions.size()];
        for (int k = 0; k < slots.length; k++) {
            int i = positions.get(k);
            long gi = rows.globalIndex(i);
            int gen = rows.generation(i);
            int s = p.slotOf(gi);
            if (s < 0 || p.gen[s] != gen) {
                int current = allocator.generation(gi);
                if (s < 0 && current == gen) {
                    throw new RowClearingException("row " + rows.handle(i) + " was cleared");
                }
                throw new StaleHandleException("row handle " + rows.handle(i) + " is stale: the index now has generation "
                        + (s >= 0 ? p.gen[s] : current) + (s >= 0 ? "" : " in another partition")
                        + "; take fresh metadata");
            }
            if (refuseClearing && p.isClearing(s)) {
                throw new RowClearingException("row " + rows.handle(i) + " is being cleared");
            }
            slots[k] = s;
        }
        return slots;
    }

    private void apply(Partition p, BatchMeta rows, List<Integer> positions, int[] slots, ProduceNotice n) {
        for (Map.Entry<String, FieldSchema> e : n.schema().entrySet()) {
            FieldState fs = p.fieldFor(e.getKey(), e.getValue());
            List<Object> meta = n.backendMeta().get(e.getKey());
            for (int k = 0; k < slots.length; k++) {
                int i = positions.get(k);
                fs.produce(slots[k], e.getValue(), i, meta == null ? null : meta.get(i));
            }
            fs.maybeDemote();
        }
        if (n.tags() != null) {
            for (int k = 0; k < slots.length; k++) {
                Map<String, Object> t = n.tags().get(positions.get(k));
                if (t != null) {
                    applyTags(p, slots[k], ObjectValues.normalizeMap(t, "tags"), n.tagMode());
                }
            }
        }
        if (n.keys() != null) {
            for (int k = 0; k < slots.length; k++) {
                String key = n.keys().get(positions.get(k));
                if (key != null && p.pendingKeys.remove(key) != null) {
                    p.keyToGi.put(key, p.gi[slots[k]]);
                }
            }
        }
    }

    private static void applyTags(Partition p, int slot, Map<String, Object> t, TagMode mode) {
        if (mode == TagMode.REPLACE) {
            p.setTags(slot, t);
        } else if (!t.isEmpty()) {
            Map<String, Object> m = new LinkedHashMap<>(p.tags(slot));
            m.putAll(t);
            p.setTags(slot, Collections.unmodifiableMap(m));
        }
    }

    /**
     * Sets per-row tags (merged or replacing) and serves waiting fetches (a sampler may use tags).
     *
     * @throws StaleHandleException for a stale handle, {@link RowClearingException} for rows being cleared
     */
    public void setTags(BatchMeta rows, List<? extends Map<String, ?>> tags, TagMode mode) {
        if (tags.size() != rows.size()) {
            throw new InvalidRequestException(tags.size() + " tag maps for " + rows.size() + " rows");
        }
        List<Map<String, Object>> norm = new ArrayList<>(tags.size());
        for (int i = 0; i < tags.size(); i++) {
            norm.add(ObjectValues.normalizeMap(tags.get(i), "tags of row " + i));
        }
        notifyProduced(new ProduceNotice(rows, Map.of(), Map.of(), norm, mode, null));
    }

    // ------------------------------------------------------------------ clearing

    /**
     * First step of a clear: marks the rows CLEARING (invisible to fetches; notifies refused) and returns
     * their metadata with every field the partition has, so storage can delete every cell. Rows already
     * cleared and unknown partitions are skipped; rows already CLEARING are included again (a retry).
     *
     * @throws StaleHandleException if a handle's index was reused since (nothing is marked)
     */
    public BatchMeta beginClear(BatchMeta rows) {
        if (rows.isEmpty()) {
            return BatchMeta.empty();
        }
        Map<String, List<Integer>> byPartition = groupByPartition(rows);
        List<Holder> locked = lockAll(byPartition.keySet(), false);
        try {
            Map<String, int[]> slotsBy = new LinkedHashMap<>();
            for (Holder h : locked) {
                if (h.partition == null) {
                    continue;
                }
                slotsBy.put(h.name, slotsToClear(h.partition, rows, byPartition.get(h.name)));
            }
            List<BatchMeta> parts = new ArrayList<>();
            for (Holder h : locked) {
                int[] slots = slotsBy.get(h.name);
                if (slots == null || slots.length == 0) {
                    continue;
                }
                Partition p = h.partition;
                for (int s : slots) {
                    Bits.set(p.clearingBits, s);
                }
                boolean[] ready = new boolean[slots.length];
                parts.add(buildMeta(p, slots, slots.length, new ArrayList<>(p.fields.values()), ready));
            }
            return concatAllFields(parts);
        } finally {
            unlockAll(locked);
        }
    }

    /** Concatenates per-partition metas whose field sets may differ (fields missing in a part are added). */
    private static BatchMeta concatAllFields(List<BatchMeta> parts) {
        if (parts.size() <= 1) {
            return parts.isEmpty() ? BatchMeta.empty() : parts.get(0);
        }
        Map<String, FieldSchema> union = new TreeMap<>();
        for (BatchMeta m : parts) {
            m.schema().forEach(union::putIfAbsent);
        }
        List<BatchMeta> widened = new ArrayList<>();
        for (BatchMeta m : parts) {
            Map<String, FieldSchema> extra = new HashMap<>();
            union.forEach((f, s) -> {
                if (!m.hasField(f)) {
                    extra.put(f, s.kind() == io.transferqueue.data.ColumnKind.JAGGED
                            ? FieldSchema.jaggedFlat(s.dtype(), s.rank(), new int[m.size() * s.rank()]) : s);
                }
            });
            widened.add(m.withSchema(extra, false));
        }
        try {
            return BatchMeta.concat(widened);
        } catch (IllegalArgumentException e) {
            // fields of one name with different dtypes in different partitions: keep each partition's own meta
            // readable by describing only the fields they agree on
            Set<String> common = new HashSet<>(union.keySet());
            for (BatchMeta m : parts) {
                common.retainAll(m.schema().keySet());
            }
            List<BatchMeta> narrowed = new ArrayList<>();
            for (BatchMeta m : parts) {
                narrowed.add(m.selectFields(common));
            }
            return BatchMeta.concat(narrowed);
        }
    }

    private int[] slotsToClear(Partition p, BatchMeta rows, List<Integer> positions) {
        int[] out = new int[positions.size()];
        int n = 0;
        for (int i : positions) {
            long gi = rows.globalIndex(i);
            int gen = rows.generation(i);
            int s = p.slotOf(gi);
            if (s >= 0 && p.gen[s] == gen) {
                out[n++] = s;
            } else if (s >= 0 || allocator.generation(gi) != gen) {
                throw new StaleHandleException("row handle " + rows.handle(i) + " is stale: the index was reused "
                        + "after the row was cleared; nothing was cleared");
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Second step of a clear, after storage deleted the cells: frees the rows that are CLEARING and releases
     * their indexes for reuse. Rows not CLEARING are left alone.
     */
    public void finishClear(BatchMeta rows) {
        if (rows.isEmpty()) {
            return;
        }
        Map<String, List<Integer>> byPartition = groupByPartition(rows);
        List<Holder> locked = lockAll(byPartition.keySet(), false);
        try {
            for (Holder h : locked) {
                Partition p = h.partition;
                if (p == null) {
                    continue;
                }
                List<Integer> positions = byPartition.get(h.name);
                int[] freed = new int[positions.size()];
                int n = 0;
                for (int i : positions) {
                    int s = p.slotOf(rows.globalIndex(i));
                    if (s >= 0 && p.gen[s] == rows.generation(i) && p.isClearing(s)) {
                        freed[n++] = p.release(s);
                    }
                }
                allocator.release(freed, n);
                p.tidyFields();
                p.maybeShrink();
            }
        } finally {
            unlockAll(locked);
        }
    }

    /**
     * Clears rows: {@link #beginClear}, then {@code deleter} removes their cells from storage, then
     * {@link #finishClear}. If the deleter fails the rows stay CLEARING and the future fails; clearing them
     * again completes the clear.
     */
    public CompletableFuture<Void> clearSamples(BatchMeta rows, Function<BatchMeta, CompletableFuture<Void>> deleter) {
        BatchMeta full;
        try {
            full = beginClear(rows);
        } catch (TransferQueueException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (full.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return deleter.apply(full).thenRun(() -> finishClear(full));
    }

    /** First step of clearing a partition: marks every live row CLEARING and returns them with every field. */
    public BatchMeta beginClearPartition(String partition) {
        return withExisting(partition, BatchMeta.empty(), p -> {
            int[] slots = liveSlots(p, true);
            for (int s : slots) {
                Bits.set(p.clearingBits, s);
            }
            return buildMeta(p, slots, slots.length, new ArrayList<>(p.fields.values()), new boolean[slots.length]);
        });
    }

    /**
     * Second step of clearing a partition: frees the given CLEARING rows; if the partition is then empty it is
     * dropped with its consumption state, KV keys and sampler state. Rows inserted meanwhile survive.
     */
    public void finishClearPartition(String partition, BatchMeta rows) {
        finishClear(rows);
        Holder h = lock(partition, false);
        if (h == null) {
            return;
        }
        try {
            Partition p = h.partition;
            if (p != null && p.live == 0) {
                h.partition = null;
                for (Sampler s : samplers.values()) {
                    s.dropPartition(partition);
                }
            }
        } finally {
            unlock(h);
        }
    }

    /** Clears a whole partition with {@code deleter} between the two steps. Unknown partitions: no-op. */
    public CompletableFuture<Void> clearPartition(String partition,
            Function<BatchMeta, CompletableFuture<Void>> deleter) {
        BatchMeta rows;
        try {
            rows = beginClearPartition(partition);
        } catch (TransferQueueException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> deleted = rows.isEmpty() ? CompletableFuture.completedFuture(null) : deleter.apply(rows);
        return deleted.thenRun(() -> finishClearPartition(partition, rows));
    }

    private static Map<String, List<Integer>> groupByPartition(BatchMeta rows) {
        Map<String, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byPartition.computeIfAbsent(rows.partition(i), k -> new ArrayList<>()).add(i);
        }
        return byPartition;
    }

    // ------------------------------------------------------------------ consumption, completion, stats

    /**
     * Forgets what {@code task} (or every task, if null) consumed in {@code partition}, so the rows are offered
     * again. Unknown partition: no-op.
     */
    public void resetConsumption(String partition, String task) {
        Holder h = lock(partition, false);
        if (h == null) {
            return;
        }
        List<Completion> done = new ArrayList<>();
        try {
            Partition p = h.partition;
            if (p == null) {
                return;
            }
            p.consumptionResets++;
            for (String t : new ArrayList<>(p.consumed.keySet())) {
                if (task == null || task.equals(t)) {
                    p.consumed.remove(t);
                    p.consumedCount.remove(t);
                    p.scanHint.remove(t);
                }
            }
            serveWaiters(h, done);
        } finally {
            unlock(h);
            dispatch(done);
        }
    }

    /**
     * Marks the end of a partition: no more rows will be inserted (inserts fail). Fetches may then return a
     * last, smaller batch, and a fetch with nothing left answers at once with {@link GetMetaRequest#EXHAUSTED}.
     * Creates the partition if needed (a producer with nothing to send still ends it).
     */
    public void markComplete(String partition) {
        updateCompletion(partition, p -> p.complete = true);
    }

    /**
     * Announces how many rows the partition will get in total: it is complete once that many were inserted.
     */
    public void expectRows(String partition, long rows) {
        if (rows < 0) {
            throw new InvalidRequestException("expected row count must be >= 0, got " + rows);
        }
        updateCompletion(partition, p -> p.expectedRows = rows);
    }

    private void updateCompletion(String partition, java.util.function.Consumer<Partition> change) {
        Holder h = lock(partition, true);
        List<Completion> done = new ArrayList<>();
        try {
            if (h.partition == null) {
                h.partition = new Partition(partition);
            }
            change.accept(h.partition);
            serveWaiters(h, done);
        } finally {
            unlock(h);
            dispatch(done);
        }
    }

    /** Names of the partitions that exist, sorted. */
    public List<String> partitions() {
        checkOpen();
        List<String> out = new ArrayList<>();
        for (Holder h : holders.values()) {
            h.lock.lock();
            try {
                if (h.partition != null) {
                    out.add(h.name);
                }
            } finally {
                h.lock.unlock();
            }
        }
        Collections.sort(out);
        return out;
    }

    /**
     * Progress of a partition.
     *
     * @throws PartitionNotFoundException if it does not exist
     */
    public PartitionStats stats(String partition) {
        Holder h = lock(partition, false);
        if (h == null) {
            throw notFound(partition);
        }
        try {
            Partition p = h.partition;
            if (p == null) {
                throw notFound(partition);
            }
            Map<String, Long> produced = new LinkedHashMap<>();
            p.fields.forEach((f, s) -> produced.put(f, s.producedCount));
            Map<String, Long> consumed = new LinkedHashMap<>();
            for (String t : p.consumed.keySet()) {
                consumed.put(t, p.consumedCount.getOrDefault(t, 0L));
            }
            return new PartitionStats(partition, p.live, produced, consumed, p.isComplete(), p.expectedRows);
        } finally {
            unlock(h);
        }
    }

    private static PartitionNotFoundException notFound(String partition) {
        return new PartitionNotFoundException("partition '" + partition + "' does not exist");
    }

    // ------------------------------------------------------------------ KV

    /**
     * Rows for KV keys about to be written: existing keys map to their rows; missing keys get new rows whose
     * keys stay invisible until the notify of a successful put binds them (a failed put leaves no orphan key;
     * {@link #kvAbort} frees the rows; a reserved row left CLEARING by a failed put no longer holds its key).
     * The meta describes the fields every row already has.
     */
    public KvRows kvPrepare(String partition, List<String> keys) {
        checkDistinct(keys);
        Holder h = lock(partition, true);
        try {
            Partition p = h.partition;
            if (p == null) {
                p = new Partition(partition);
                h.partition = p;
            }
            List<String> fresh = new ArrayList<>();
            for (String k : keys) {
                Integer pending = p.pendingKeys.get(k);
                if (pending != null && p.slotOf(pending) >= 0 && p.isClearing(p.slotOf(pending))) {
                    // a failed put whose cells could not be deleted left its reserved row CLEARING for a later
                    // clear to finish; the key itself is free again
                    p.pendingKeys.remove(k);
                }
                if (!p.keyToGi.containsKey(k) && !p.pendingKeys.containsKey(k)) {
                    fresh.add(k);
                }
            }
            if (!fresh.isEmpty() && p.isComplete()) {
                throw new InvalidRequestException("partition '" + partition + "' was marked complete; keys " + fresh
                        + " cannot be created");
            }
            if (!fresh.isEmpty()) {
                int[] gens = new int[fresh.size()];
                int[] gis = allocator.allocate(fresh.size(), gens);
                int first = p.append(gis, gens);
                for (int i = 0; i < gis.length; i++) {
                    p.setKey(first + i, fresh.get(i));
                    p.pendingKeys.put(fresh.get(i), gis[i]);
                }
            }
            Set<String> freshSet = new HashSet<>(fresh);
            int[] slots = new int[keys.size()];
            boolean[] created = new boolean[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                String k = keys.get(i);
                Integer gi = p.keyToGi.get(k);
                if (gi == null) {
                    gi = p.pendingKeys.get(k);
                }
                slots[i] = p.slotOf(gi);
                created[i] = freshSet.contains(k);
            }
            List<FieldState> common = commonFields(p, slots, null);
            boolean[] ready = new boolean[slots.length];
            return new KvRows(buildMeta(p, slots, slots.length, common, ready), keys, List.of(), created);
        } finally {
            unlock(h);
        }
    }

    /** Frees rows reserved by {@link #kvPrepare} whose put failed (rows whose key was never bound). */
    public void kvAbort(BatchMeta rows) {
        Map<String, List<Integer>> byPartition = groupByPartition(rows);
        List<Holder> locked = lockAll(byPartition.keySet(), false);
        try {
            for (Holder h : locked) {
                Partition p = h.partition;
                if (p == null) {
                    continue;
                }
                int[] freed = new int[rows.size()];
                int n = 0;
                for (int i : byPartition.get(h.name)) {
                    int s = p.slotOf(rows.globalIndex(i));
                    String key = s >= 0 ? p.key(s) : null;
                    if (s >= 0 && p.gen[s] == rows.generation(i) && key != null
                            && Integer.valueOf(p.gi[s]).equals(p.pendingKeys.get(key))) {
                        freed[n++] = p.release(s);
                    }
                }
                allocator.release(freed, n);
                p.tidyFields();
            }
        } finally {
            unlockAll(locked);
        }
    }

    /**
     * Rows of existing keys, for reading or clearing.
     *
     * @param fields fields to describe; null for every field the rows have. Repeats count once; more than
     *     {@link GetMetaRequest#MAX_FIELDS} distinct names fail with {@link InvalidRequestException}
     * @param commonOnly describe only the fields every row has (instead of failing on a field some lack)
     * @param skipMissing leave out keys that do not exist (listed in {@link KvRows#missing()}) instead of
     *     failing
     * @throws DataNotFoundException naming the missing keys, or the key and field a row lacks
     */
    public KvRows kvLookup(String partition, List<String> keys, List<String> fields, boolean commonOnly,
            boolean skipMissing) {
        return lookup(partition, keys, fields, commonOnly, skipMissing, false);
    }

    /**
     * Rows of existing keys, to be cleared with {@link #clearSamples}: keys that do not exist are left out
     * (listed in {@link KvRows#missing()}), no fields are described, and rows already being cleared are
     * included, so a clear whose storage deletion failed is completed by clearing the keys again.
     */
    public KvRows kvClearRows(String partition, List<String> keys) {
        return lookup(partition, keys, List.of(), true, true, true);
    }

    private KvRows lookup(String partition, List<String> keys, List<String> fields, boolean commonOnly,
            boolean skipMissing, boolean withClearing) {
        checkDistinct(keys);
        fields = fields == null ? null : GetMetaRequest.distinctFields(fields);
        Holder h = lock(partition, false);
        try {
            Partition p = h == null ? null : h.partition;
            List<String> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            List<Integer> slotList = new ArrayList<>();
            for (String k : keys) {
                Integer gi = p == null ? null : p.keyToGi.get(k);
                if (gi == null) {
                    missing.add(k);
                } else {
                    found.add(k);
                    slotList.add(p.slotOf(gi));
                }
            }
            if (!missing.isEmpty() && !skipMissing) {
                throw new DataNotFoundException("keys " + abbreviate(missing) + " not found in partition '" + partition
                        + "'");
            }
            if (p == null || found.isEmpty()) {
                return new KvRows(BatchMeta.empty(), List.of(), missing, new boolean[0]);
            }
            int[] slots = slotList.stream().mapToInt(Integer::intValue).toArray();
            List<FieldState> chosen;
            if (commonOnly) {
                chosen = commonFields(p, slots, fields);
            } else {
                List<String> names = fields != null ? fields : unionFields(p, slots);
                chosen = new ArrayList<>();
                for (String f : names) {
                    FieldState fs = p.field(f);
                    for (int i = 0; i < slots.length; i++) {
                        if (fs == null || !Bits.get(fs.produced, slots[i])) {
                            throw new DataNotFoundException("key '" + found.get(i) + "' of partition '" + partition
                                    + "' has no field '" + f + "'" + (fields == null ? " (other keys have it; ask for the "
                                    + "common fields to read the fields all keys share)" : ""));
                        }
                    }
                    chosen.add(fs);
                }
            }
            for (int s : slots) {
                if (!withClearing && p.isClearing(s)) {
                    throw new RowClearingException("key '" + p.key(s) + "' of partition '" + partition
                            + "' is being cleared");
                }
            }
            boolean[] ready = new boolean[slots.length];
            Arrays.fill(ready, true);
            return new KvRows(buildMeta(p, slots, slots.length, chosen, ready), found, missing, new boolean[found.size()]);
        } finally {
            if (h != null) {
                unlock(h);
            }
        }
    }

    /** Visible keys of a partition with their tags, in insertion order. Unknown partition: empty. */
    public Map<String, Map<String, Object>> kvList(String partition) {
        return withExisting(partition, Map.of(), p -> {
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            if (p.keys == null) {
                return out;
            }
            for (int s = 0; s < p.highWater; s++) {
                String k = p.key(s);
                if (k != null && Bits.get(p.liveBits, s) && !p.isClearing(s)
                        && Integer.valueOf(p.gi[s]).equals(p.keyToGi.get(k))) {
                    out.put(k, p.tags(s));
                }
            }
            return out;
        });
    }

    private static List<FieldState> commonFields(Partition p, int[] slots, List<String> fields) {
        Set<String> restrictTo = fields == null ? null : new HashSet<>(fields);
        List<FieldState> out = new ArrayList<>();
        for (FieldState f : p.fields.values()) {
            if (restrictTo != null && !restrictTo.contains(f.name)) {
                continue;
            }
            boolean all = slots.length > 0;
            for (int s : slots) {
                if (!Bits.get(f.produced, s)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<String> unionFields(Partition p, int[] slots) {
        List<String> out = new ArrayList<>();
        for (FieldState f : p.fields.values()) {
            for (int s : slots) {
                if (Bits.get(f.produced, s)) {
                    out.add(f.name);
                    break;
                }
            }
        }
        return out;
    }

    private static void checkDistinct(List<String> keys) {
        if (keys.isEmpty()) {
            throw new InvalidRequestException("no keys given");
        }
        Set<String> seen = new HashSet<>();
        for (String k : keys) {
            if (k == null) {
                throw new InvalidRequestException("null key");
            }
            if (!seen.add(k)) {
                throw new InvalidRequestException("duplicate key '" + k + "'");
            }
        }
    }

    private static String abbreviate(List<String> keys) {
        return keys.size() <= 5 ? keys.toString() : keys.subList(0, 5) + " and " + (keys.size() - 5) + " more";
    }

    // ------------------------------------------------------------------ introspection and lifecycle

    /** Approximate heap bytes of all metadata (partitions and the index allocator). */
    public long heapBytes() {
        long n = allocator.heapBytes();
        for (Holder h : holders.values()) {
            h.lock.lock();
            try {
                if (h.partition != null) {
                    n += h.partition.heapBytes();
                }
            } finally {
                h.lock.unlock();
            }
        }
        return n;
    }

    /** Fetches parked waiting for rows, over all partitions (for status displays and tests). */
    public int waitingFetches() {
        int n = 0;
        for (Holder h : holders.values()) {
            h.lock.lock();
            try {
                for (Waiter w : h.waiters) {
                    if (!w.future.isDone()) {
                        n++;
                    }
                }
            } finally {
                h.lock.unlock();
            }
        }
        return n;
    }

    /** Global indexes handed out so far and waiting for reuse (for status displays). */
    public long[] indexCounters() {
        return new long[] {allocator.allocated(), allocator.reusable()};
    }

    /**
     * Stops the controller: parked fetches fail with {@link ClosedException}, threads stop. Idempotent. Waits up
     * to 5 s for completions already handed to the completion threads, except on one of those threads (a
     * fetch's callback), where it returns at once and leaves them to finish, without interrupting anything.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<BatchMeta>> pending = new ArrayList<>();
        for (Holder h : holders.values()) {
            h.lock.lock();
            try {
                for (Waiter w : h.waiters) {
                    w.timeout.cancel(false);
                    pending.add(w.future);
                }
                h.waiters.clear();
            } finally {
                h.lock.unlock();
            }
        }
        for (CompletableFuture<BatchMeta> f : pending) {
            f.completeExceptionally(new ClosedException("controller closed while the fetch was waiting"));
        }
        timer.shutdownNow();
        completions.shutdown();
        if (completionThreads.contains(Thread.currentThread())) {
            return; // the pool cannot end before this callback returns
        }
        try {
            if (!completions.awaitTermination(5, TimeUnit.SECONDS)) {
                failDropped(completions.shutdownNow());
            }
        } catch (InterruptedException e) {
            failDropped(completions.shutdownNow());
            Thread.currentThread().interrupt();
        }
    }

    /** Completions shutdownNow() took off the queue still complete: with {@link ClosedException}. */
    private static void failDropped(List<Runnable> dropped) {
        for (Runnable r : dropped) {
            if (r instanceof Delivery d) {
                d.c.future.completeExceptionally(
                        new ClosedException("controller closed before the answer was delivered"));
            }
        }
    }
}
