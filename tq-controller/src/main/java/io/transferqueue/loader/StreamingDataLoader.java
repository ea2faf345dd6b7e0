package io.transferqueue.loader;

import static java.util.Objects.requireNonNull;

import io.transferqueue.client.ClientOptions;
import io.transferqueue.client.Futures;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.client.TransferQueueClient;
import io.transferqueue.data.Batch;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DeadlineExceededException;
import io.transferqueue.error.PartitionNotFoundException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.SamplingParams;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one partition to one trainer rank as micro-batches, while producers may still be writing it.
 *
 * <p>Each batch is one fetch of {@code batchSize} rows for the loader's task, with sampling parameters
 * {@code (dpRank, dpSize, batchIndex, extra)} where {@code batchIndex} counts the batches of this loader (0, 1,
 * ...). So with the {@code rank-aware} sampler every rank of one data-parallel group (same {@code dpRank}, one
 * loader each) gets the identical batch for each index, and with {@code seqlen-balanced} the groups of one step
 * get disjoint, length-balanced shares. Each batch is cut into micro-batches of {@code microBatchSize} rows
 * (the last may be smaller); data and metadata are cut at the same boundaries.
 *
 * <pre>{@code
 * // producer (any thread or process): write rows as they are generated, then end the partition
 * for (Batch rollout : rollouts) {
 *     tq.sync().put("step-7", rollout);
 * }
 * tq.sync().markComplete("step-7");
 *
 * // each of the two ranks of data-parallel group 0 (e.g. tensor-parallel peers) runs, in its own thread or
 * // process, a loader with the same dpRank; both see the same micro-batches in the same order
 * try (StreamingDataLoader loader = StreamingDataLoader.builder()
 *         .client(tq).partition("step-7").task("actor_update")
 *         .fields("input_ids", "old_log_prob")
 *         .batchSize(16).microBatchSize(4)
 *         .dpRank(0).dpSize(2).sampler("rank-aware")
 *         .build()) {
 *     for (MicroBatch mb : loader) {
 *         backward(mb.data());
 *         if (mb.isLastOfBatch()) {
 *             optimizerStep();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Waiting and the end.</b> The loader never sleeps or polls: each fetch is a waiting fetch
 * ({@link GetMetaRequest#withWait}) that the controller completes when enough rows become ready. An empty answer
 * only means the wait ({@link Builder#waitPerFetch}) ran out, and the same fetch is issued again. The stream ends
 * only when the controller answers with {@link GetMetaRequest#EXHAUSTED}: the partition was ended by
 * {@code markComplete} or reached its {@code expectRows} count, and nothing is left for this rank. A partition
 * that is empty or does not exist yet is <em>not</em> the end: a loader started before its producers gets every
 * row. As a fallback for controllers that do not send the flag, after an empty answer the loader asks for
 * {@code stats}; if the partition is complete and the task consumed every row, one last non-waiting fetch (which
 * still returns a batch another rank of the group already fetched) decides. Clearing the partition does not end a
 * loader; close it.
 *
 * <p><b>Batch sizes.</b> A fetch returns {@code batchSize} rows, except the last one of a complete partition,
 * which may be smaller (and a sampler may return another count, e.g. a balanced share). Whatever a fetch returns
 * is split the same way: {@code ceil(rows / microBatchSize)} micro-batches of {@code microBatchSize} rows, the last
 * one holding the rest (10 rows, micro-batch 4: 4, 4, 2; a last batch of 3: one micro-batch of 3).
 *
 * <p><b>Threading and prefetch.</b> The iterator is for one consumer thread; {@link #close()} may be called from
 * any thread. With prefetch depth 0 everything runs on the consumer's thread inside {@code hasNext()}. With depth
 * {@code d > 0} one loader-owned daemon thread ({@code tq-loader-<task>-dp<rank>-...}) fetches the next {@code d}
 * batches (metadata, then data) in batch-index order while the consumer works on the current one; the thread
 * exists only while the stream runs and is stopped at its end, on an error and by {@code close()}. Nothing runs on
 * the controller's or storage's threads except completing futures.
 *
 * <p><b>Ownership.</b> The client is borrowed and never closed. Micro-batches returned belong to the caller (see
 * {@link MicroBatch}); prefetched batches are held by the loader until handed out. Rows are marked consumed for the
 * task when a fetch returns them, so rows of prefetched batches not handed out when the loader is closed stay
 * consumed (use {@code resetConsumption} to replay). Closing withdraws a parked fetch (over a remote connection the
 * client sends the controller a cancel), and a fetch the controller served just before the cancel reached it gives
 * its rows back. Only rows whose answer had already left a remote controller when the loader closed stay consumed
 * without reaching anyone.
 *
 * <p><b>Errors.</b> A failure of the client surfaces from {@code hasNext()}/{@code next()} as its typed
 * {@link TransferQueueException} (never a {@code CompletionException}), after the micro-batches of the batches
 * before it. It ends the loader: prefetches are cancelled and every later call throws the same exception. A
 * request the controller refuses (unknown sampler, bad sampling parameters) fails the first {@code hasNext()} with
 * {@link io.transferqueue.error.InvalidRequestException}. After {@code close()}, calls throw
 * {@link ClosedException}. If the consumer thread is interrupted while waiting, {@code hasNext()} throws a
 * {@link TransferQueueException} with the interrupt flag set and the loader stays usable: the next call resumes
 * the same batch (rows already fetched for it are read again, not fetched anew).
 *
 * <p><b>Failed reads lose no rows.</b> Fetched rows are consumed for the task before their data is read, so the
 * loader never drops rows whose read failed. A read that fails with {@link BackendUnavailableException} or
 * {@link DeadlineExceededException} (a storage unit briefly away) is tried again, up to
 * {@link Builder#readRetries} times (default 3) after a doubling {@link Builder#readRetryBackoff} (default 100 ms;
 * close wakes the wait), and the consumer sees nothing of it. When the read still fails, or fails in another way,
 * {@code hasNext()} throws {@link UnreadRowsException}: its cause is the typed read error and
 * {@link UnreadRowsException#rows()} the rows of the batch. The loader stays usable and keeps the rows: the next
 * {@code hasNext()} reads them again (on the consumer's thread) before any later batch, so a trainer that catches
 * the exception and goes on loses nothing and gets each row once. A caller that closes the loader instead can read
 * the rows later with {@code client.get(e.rows())}; other rows prefetched by then stay consumed, as on any close.
 */
public final class StreamingDataLoader implements Iterable<MicroBatch>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingDataLoader.class);

    /** Default {@link Builder#waitPerFetch}. */
    public static final Duration DEFAULT_WAIT_PER_FETCH = Duration.ofSeconds(30);

    /** Default {@link Builder#readRetries}. */
    public static final int DEFAULT_READ_RETRIES = 3;

    /** Default {@link Builder#readRetryBackoff}. */
    public static final Duration DEFAULT_READ_RETRY_BACKOFF = Duration.ofMillis(100);

    /** The backoff between read retries stops doubling once it reaches this. */
    private static final Duration MAX_READ_RETRY_BACKOFF = Duration.ofSeconds(30);

    /** Marks the end of the stream in the fetch pipeline. */
    private static final Fetched END = new Fetched(-1, BatchMeta.empty(), Batch.empty());

    private final TransferQueueClient client;
    private final String partition;
    private final String task;
    private final int microBatchSize;
    private final int prefetchDepth;
    private final Duration waitPerFetch;
    private final Duration callTimeout;
    private final int readRetries;
    private final Duration readRetryBackoff;
    private final ReadOptions readOptions;
    private final GetMetaRequest request;
    private final SamplingParams sampling;
    private final String threadName;
    private final ExecutorService prefetcher;
    /** The prefetch thread once started (so that stopping can wait until it has really ended). */
    private volatile Thread prefetchThread;

    /** Client futures not yet complete: cancelled by close. */
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    /** Prefetch tasks not yet complete: cancelled by close, so a consumer waiting on one wakes up. */
    private final Set<CompletableFuture<?>> prefetches = ConcurrentHashMap.newKeySet();
    private final Cursor cursor = new Cursor();
    private final Object closeLock = new Object();
    private volatile boolean closed;
    /** Set when nothing more may be fetched: closed, ended or failed. */
    private volatile boolean stopped;
    /** Set by the fetch that saw the end; later fetches return {@link #END} without asking. */
    private volatile boolean endReached;
    private boolean iteratorTaken;

    private StreamingDataLoader(Builder b) {
        this.client = b.client;
        this.partition = b.partition;
        this.task = b.task;
        this.microBatchSize = b.microBatchSize;
        this.prefetchDepth = b.prefetchDepth;
        this.waitPerFetch = b.waitPerFetch;
        this.callTimeout = b.callTimeout;
        this.readRetries = b.readRetries;
        this.readRetryBackoff = b.readRetryBackoff;
        this.readOptions = b.readOptions;
        this.sampling = new SamplingParams(b.dpRank, b.dpSize, 0, b.extra);
        this.request = GetMetaRequest.fetch(b.partition, b.task, b.fields, b.batchSize).withSampler(b.sampler)
                .withWait(b.waitPerFetch);
        this.threadName = "tq-loader-" + b.task + "-dp" + b.dpRank + "-"
                + Integer.toHexString(System.identityHashCode(this));
        this.prefetcher = b.prefetchDepth == 0 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            prefetchThread = t;
            return t;
        });
    }

    /** A builder; client, partition, task, fields, batch size and micro-batch size are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The micro-batches of this loader. A loader is a single pass: this may be called once (a second call throws
     * {@link IllegalStateException}). {@code hasNext()} blocks until a micro-batch is available or the stream ends.
     */
    @Override
    public synchronized Iterator<MicroBatch> iterator() {
        if (iteratorTaken) {
            throw new IllegalStateException("a StreamingDataLoader is a single pass and its iterator was already "
                    + "taken; build a new loader (with resetConsumption to read the rows again)");
        }
        iteratorTaken = true;
        return cursor;
    }

    /**
     * The micro-batches as a sequential, ordered stream over {@link #iterator()}; closing the stream closes this
     * loader.
     */
    public Stream<MicroBatch> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
    }

    /** Name of the prefetch thread (for diagnostics); no such thread exists with prefetch depth 0. */
    public String threadName() {
        return threadName;
    }

    /**
     * Stops the loader: cancels the fetches in flight (a waiting fetch is withdrawn from the controller), stops the
     * prefetch thread and waits for it to end. A consumer blocked in {@code hasNext()} gets
     * {@link ClosedException}. Idempotent; the client is not closed.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop();
    }

    /** Cancels whatever is in flight and waits (bounded) for the prefetch thread to end. */
    private void stop() {
        stopFetching();
        Thread t = prefetchThread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(callTimeout.toMillis());
                if (t.isAlive()) {
                    LOG.warn("prefetch thread {} did not stop within {}", threadName, callTimeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cancels whatever is in flight and stops the prefetch thread (without waiting). */
    private void stopFetching() {
        stopped = true;
        for (CompletableFuture<?> f : prefetches) {
            f.cancel(true);
        }
        for (CompletableFuture<?> f : inFlight) {
            f.cancel(true);
        }
        if (prefetcher != null) {
            prefetcher.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "StreamingDataLoader(partition=" + partition + ", task=" + task + ", fields=" + request.fields()
                + ", batch=" + request.batchSize() + ", micro=" + microBatchSize + ", sampler=" + request.sampler()
                + ", " + sampling + ", prefetch=" + prefetchDepth + ")";
    }

    // ------------------------------------------------------------------ the iterator (consumer thread)

    private final class Cursor implements Iterator<MicroBatch> {
        private final ArrayDeque<CompletableFuture<Fetched>> ahead = new ArrayDeque<>();
        private int nextIndex;
        /**
         * Rows of batch {@code heldIndex} fetched (so consumed for the task) and not read yet: with depth 0 every
         * batch between its fetch and its read, with any depth a batch whose read failed or was interrupted. They
         * are read before anything else.
         */
        private BatchMeta heldRows;
        private int heldIndex;
        private Fetched current;
        private int micro;
        private int microCount;
        private boolean ended;
        private RuntimeException failure;

        @Override
        public boolean hasNext() {
            checkOpen();
            if (failure != null) {
                throw failure;
            }
            if (current != null && micro < microCount) {
                return true;
            }
            if (ended) {
                return false;
            }
            Fetched f;
            try {
                do {
                    f = nextBatch();
                } while (f != END && f.meta.isEmpty());
            } catch (RuntimeException e) {
                if (closed) {
                    throw e instanceof ClosedException ? e : new ClosedException("loader closed", e);
                }
                // an interrupt of the consumer is not a failure of the stream, nor is a failed read of rows the
                // loader still holds: the next call resumes with them
                if (!(e instanceof UnreadRowsException)
                        && !(e.getCause() instanceof InterruptedException && Thread.currentThread().isInterrupted())) {
                    failure = e;
                    stop();
                }
                throw e;
            }
            if (f == END) {
                ended = true;
                current = null;
                stop();
                LOG.debug("{}: end of partition after {} batches", StreamingDataLoader.this, nextIndex);
                return false;
            }
            current = f;
            micro = 0;
            microCount = (f.meta.size() + microBatchSize - 1) / microBatchSize;
            return true;
        }

        @Override
        public MicroBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("partition '" + partition + "' has no more rows for task '" + task
                        + "'");
            }
            int rows = current.meta.size();
            int from = micro * microBatchSize;
            int to = Math.min(from + microBatchSize, rows);
            MicroBatch mb = new MicroBatch(current.data.slice(from, to), current.meta.slice(from, to), current.index,
                    micro, microCount);
            micro++;
            if (micro == microCount) {
                current = null;
            }
            return mb;
        }

        private Fetched nextBatch() {
            if (heldRows == null && prefetchDepth == 0) {
                BatchMeta rows = fetchRows(nextIndex);
                if (rows == null) {
                    return END;
                }
                heldRows = rows;
                heldIndex = nextIndex++;
            }
            if (heldRows != null) {
                // the rows are kept until read, so a failed or interrupted read resumes with the same rows
                Fetched f = read(heldIndex, heldRows);
                heldRows = null;
                return f;
            }
            topUp();
            Fetched f;
            try {
                f = awaitPrefetch(ahead.peekFirst());
            } catch (UnreadRowsException e) {
                // the prefetch thread fetched rows it could not read: hold them, the next call reads them first
                ahead.pollFirst();
                heldRows = e.rows();
                heldIndex = e.batchIndex();
                throw e;
            }
            ahead.pollFirst();
            topUp();
            return f;
        }

        /** Keeps {@code prefetchDepth} batches scheduled ahead of the one being consumed. */
        private void topUp() {
            while (ahead.size() < prefetchDepth && !endReached) {
                checkOpen();
                int index = nextIndex;
                CompletableFuture<Fetched> f;
                try {
                    f = CompletableFuture.supplyAsync(() -> fetch(index), prefetcher);
                } catch (RejectedExecutionException e) {
                    throw new ClosedException("loader closed", e);
                }
                nextIndex++;
                prefetches.add(f);
                f.whenComplete((v, e) -> prefetches.remove(f));
                if (stopped) {
                    f.cancel(true);
                }
                ahead.addLast(f);
            }
        }

        private Fetched awaitPrefetch(CompletableFuture<Fetched> f) {
            try {
                return f.get();
            } catch (ExecutionException e) {
                throw Futures.unwrap(e.getCause());
            } catch (CancellationException e) {
                throw new ClosedException("loader closed while waiting for a batch", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransferQueueException("interrupted while waiting for a batch of partition '" + partition
                        + "'", e);
            }
        }
    }

    // ------------------------------------------------------------------ fetching (consumer or prefetch thread)

    /** One fetched batch. */
    private record Fetched(int index, BatchMeta meta, Batch data) {
    }

    /** Fetches batch {@code index}: waits for its rows (reissuing the waiting fetch), then reads them. */
    private Fetched fetch(int index) {
        BatchMeta meta = fetchRows(index);
        return meta == null ? END : read(index, meta);
    }

    /** The rows of batch {@code index}, or null at the end of the partition. */
    private BatchMeta fetchRows(int index) {
        if (endReached) {
            return null;
        }
        BatchMeta meta = awaitRows(request.withSampling(sampling.withBatchIndex(index)), describe(index));
        if (meta == null) {
            endReached = true;
        }
        return meta;
    }

    /**
     * Reads the fields of {@code meta}, retrying a transient failure ({@link #transientFailure}) up to
     * {@code readRetries} times with a doubling backoff.
     *
     * @throws UnreadRowsException naming {@code meta} when the read finally fails
     * @throws ClosedException if the loader was closed meanwhile
     * @throws TransferQueueException with the interrupt flag set if the thread was interrupted
     */
    private Fetched read(int index, BatchMeta meta) {
        String what = "reading " + describe(index);
        Duration backoff = readRetryBackoff;
        for (int attempt = 1; ; attempt++) {
            RuntimeException failure;
            try {
                Batch data = await(call(() -> client.get(meta, readOptions)), callTimeout, what);
                if (data.size() == meta.size()) {
                    return new Fetched(index, meta, data);
                }
                failure = new TransferQueueException(what + " returned " + data.size() + " rows for " + meta.size()
                        + " handles");
            } catch (ClosedException e) {
                throw e;
            } catch (RuntimeException e) {
                if (e.getCause() instanceof InterruptedException && Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                failure = e;
            }
            if (attempt > readRetries || !transientFailure(failure)) {
                throw new UnreadRowsException(what + " failed (" + attempt + (attempt == 1 ? " attempt" : " attempts")
                        + ", last: " + failure.getMessage() + "); its " + meta.size() + " rows are consumed for the "
                        + "task and held by the loader: hasNext() reads them again, UnreadRowsException.rows() names "
                        + "them", meta, index, failure);
            }
            LOG.warn("{}: {} failed (attempt {} of {}), retrying in {}: {}", this, what, attempt, readRetries + 1,
                    backoff, failure.toString());
            pause(backoff, what);
            backoff = backoff.compareTo(MAX_READ_RETRY_BACKOFF) < 0 ? backoff.multipliedBy(2) : backoff;
        }
    }

    /** A failure that a later attempt of the same read may not see. */
    private static boolean transientFailure(RuntimeException e) {
        return e instanceof BackendUnavailableException || e instanceof DeadlineExceededException;
    }

    /** Waits {@code d} before retrying {@code what}; close wakes it ({@link ClosedException}). */
    private void pause(Duration d, String what) {
        await(call(() -> new CompletableFuture<Void>().completeOnTimeout(null, d.toNanos(), TimeUnit.NANOSECONDS)),
                d.plus(callTimeout), "waiting to retry " + what);
    }

    private String describe(int index) {
        return "batch " + index + " of partition '" + partition + "' for task '" + task + "'";
    }

    /** The rows of a fetch, or null at the end of the partition. */
    private BatchMeta awaitRows(GetMetaRequest r, String what) {
        Duration timeout = waitPerFetch.plus(callTimeout);
        while (true) {
            BatchMeta m = await(call(() -> client.getMeta(r)), timeout, "fetching " + what);
            if (!m.isEmpty()) {
                return m;
            }
            if (Boolean.TRUE.equals(m.extraInfo().get(GetMetaRequest.EXHAUSTED))) {
                return null;
            }
            if (Boolean.TRUE.equals(m.extraInfo().get(GetMetaRequest.EMPTY_SHARE))) {
                // this rank's share of the batch is empty: the batch index is done, with no rows
                return m;
            }
            if (drained(what)) {
                // complete and all consumed: nothing can become ready; only a batch another rank of the group
                // already took can still be returned
                BatchMeta last = await(call(() -> client.getMeta(r.withWait(Duration.ZERO))), callTimeout,
                        "fetching " + what);
                return last.isEmpty() ? null : last;
            }
        }
    }

    /** Stats fallback: the partition is complete and the task consumed every live row. */
    private boolean drained(String what) {
        PartitionStats s;
        try {
            s = await(call(() -> client.stats(partition)), callTimeout, "stats for " + what);
        } catch (PartitionNotFoundException e) {
            return false;
        }
        return s.complete() && s.consumedPerTask().getOrDefault(task, 0L) >= s.rows();
    }

    /** Issues a client call, tracked so that close can cancel it. */
    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        if (stopped) {
            throw new ClosedException("loader of partition '" + partition + "' for task '" + task + "' stopped");
        }
        CompletableFuture<T> f = requireNonNull(call.get(), "client returned a null future");
        inFlight.add(f);
        f.whenComplete((v, e) -> inFlight.remove(f));
        if (stopped) {
            f.cancel(true);
        }
        return f;
    }

    private <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw Futures.unwrap(e.getCause());
        } catch (CancellationException e) {
            throw closed ? new ClosedException("loader closed while " + what, e)
                    : new TransferQueueException(what + " was cancelled", e);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new DeadlineExceededException(what + " did not complete within " + timeout
                    + " (the loader's call timeout on top of its wait per fetch)");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            if (closed) {
                throw new ClosedException("loader closed while " + what, e);
            }
            throw new TransferQueueException("interrupted while " + what, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedException("loader of partition '" + partition + "' for task '" + task + "' is closed");
        }
    }

    // ------------------------------------------------------------------ builder

    /**
     * Configures a {@link StreamingDataLoader}. Setters check their argument at once ({@link IllegalArgumentException}
     * naming the value, {@link NullPointerException} for null); {@link #build()} checks that the required values are
     * set and consistent.
     */
    public static final class Builder {
        private TransferQueueClient client;
        private String partition;
        private String task;
        private List<String> fields;
        private int batchSize;
        private int microBatchSize;
        private int dpRank = 0;
        private int dpSize = 1;
        private String sampler;
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private int prefetchDepth = 1;
        private Duration waitPerFetch = DEFAULT_WAIT_PER_FETCH;
        private Duration callTimeout = ClientOptions.TIMEOUT.defaultValue();
        private int readRetries = DEFAULT_READ_RETRIES;
        private Duration readRetryBackoff = DEFAULT_READ_RETRY_BACKOFF;
        private ReadOptions readOptions = ReadOptions.copy();

        private Builder() {
        }

        /** The client to fetch with (required). Borrowed: the loader never closes it. */
        public Builder client(TransferQueueClient client) {
            this.client = requireNonNull(client, "client is null");
            return this;
        }

        /** The partition to stream (required). It need not exist yet. */
        public Builder partition(String partition) {
            this.partition = nonBlank(partition, "partition");
            return this;
        }

        /** The consuming task (required): rows are marked consumed for it. */
        public Builder task(String task) {
            this.task = nonBlank(task, "task");
            return this;
        }

        /** The fields every row must have produced and that the batches carry (required, at least one). */
        public Builder fields(List<String> fields) {
            requireNonNull(fields, "fields is null");
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("fields must name at least one field");
            }
            Set<String> seen = new HashSet<>();
            for (String f : fields) {
                nonBlank(f, "field name");
                if (!seen.add(f)) {
                    throw new IllegalArgumentException("field '" + f + "' is listed twice in " + fields);
                }
            }
            this.fields = List.copyOf(fields);
            return this;
        }

        /** {@link #fields(List)}. */
        public Builder fields(String... fields) {
            return fields(Arrays.asList(requireNonNull(fields, "fields is null")));
        }

        /** Rows per fetch for this rank (required, positive). */
        public Builder batchSize(int rows) {
            this.batchSize = positive(rows, "batch size");
            return this;
        }

        /** Rows per micro-batch (required, positive, at most the batch size). */
        public Builder microBatchSize(int rows) {
            this.microBatchSize = positive(rows, "micro-batch size");
            return this;
        }

        /** The data-parallel group of this rank (default 0): ranks of one group pass the same value. */
        public Builder dpRank(int rank) {
            if (rank < 0) {
                throw new IllegalArgumentException("dp rank must be >= 0, got " + rank);
            }
            this.dpRank = rank;
            return this;
        }

        /** The number of data-parallel groups (default 1). */
        public Builder dpSize(int size) {
            this.dpSize = positive(size, "dp size");
            return this;
        }

        /** The sampler by name ({@code rank-aware}, {@code seqlen-balanced}, ...), or null for the controller's. */
        public Builder sampler(String name) {
            this.sampler = name == null ? null : nonBlank(name, "sampler name");
            return this;
        }

        /** Adds a sampler-specific parameter (a safe value type), e.g. {@code n-samples-per-prompt}. */
        public Builder samplingParam(String key, Object value) {
            nonBlank(key, "sampling parameter name");
            Map<String, Object> probe = new LinkedHashMap<>(extra);
            probe.put(key, value);
            new SamplingParams(null, null, null, probe);
            extra.put(key, value);
            return this;
        }

        /** Replaces the sampler-specific parameters. */
        public Builder samplingParams(Map<String, ?> params) {
            requireNonNull(params, "params is null");
            new SamplingParams(null, null, null, new LinkedHashMap<>(params));
            extra.clear();
            params.forEach((k, v) -> extra.put(nonBlank(k, "sampling parameter name"), v));
            return this;
        }

        /**
         * Batches fetched ahead while the current one is consumed (default 1; 0 fetches on the consumer's thread
         * only when it asks). Each prefetched batch is held in memory.
         */
        public Builder prefetchDepth(int depth) {
            if (depth < 0) {
                throw new IllegalArgumentException("prefetch depth must be >= 0, got " + depth);
            }
            this.prefetchDepth = depth;
            return this;
        }

        /**
         * How long one waiting fetch may stay parked at the controller before it is issued again (default 30 s).
         * Only bounds a single request: the loader waits for data as long as the partition may still get some.
         */
        public Builder waitPerFetch(Duration wait) {
            requireNonNull(wait, "wait is null");
            if (wait.isNegative() || wait.isZero()) {
                throw new IllegalArgumentException("wait per fetch must be positive (zero would poll in a loop), got "
                        + wait);
            }
            this.waitPerFetch = wait;
            return this;
        }

        /**
         * How long a single client call may take beyond its wait before it fails with
         * {@link DeadlineExceededException} (default {@code tq.client.timeout}'s default, 60 s).
         */
        public Builder callTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout is null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("call timeout must be positive, got " + timeout);
            }
            this.callTimeout = timeout;
            return this;
        }

        /**
         * How many times a read of fetched rows that failed with {@link BackendUnavailableException} or
         * {@link DeadlineExceededException} is tried again before the loader gives up with
         * {@link UnreadRowsException} (default 3; 0 never retries). Other read failures are not retried.
         */
        public Builder readRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("read retries must be >= 0, got " + retries);
            }
            this.readRetries = retries;
            return this;
        }

        /**
         * The wait before the first retry of a read (default 100 ms, at most 1 h); it doubles for each further retry
         * and stops doubling once it is 30 s or more.
         */
        public Builder readRetryBackoff(Duration backoff) {
            requireNonNull(backoff, "backoff is null");
            if (backoff.isNegative() || backoff.isZero() || backoff.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("read retry backoff must be positive and at most 1 h, got "
                        + backoff);
            }
            this.readRetryBackoff = backoff;
            return this;
        }

        /** How rows are read (default: independent copies; {@link ReadOptions#zeroCopy()}: read-only views). */
        public Builder readOptions(ReadOptions options) {
            this.readOptions = requireNonNull(options, "options is null");
            return this;
        }

        /**
         * A loader; nothing is fetched before the first {@code hasNext()}.
         *
         * @throws IllegalArgumentException naming a required value that is missing or values that contradict each
         *     other
         */
        public StreamingDataLoader build() {
            List<String> missing = new ArrayList<>();
            if (client == null) {
                missing.add("client");
            }
            if (partition == null) {
                missing.add("partition");
            }
            if (task == null) {
                missing.add("task");
            }
            if (fields == null) {
                missing.add("fields");
            }
            if (batchSize == 0) {
                missing.add("batchSize");
            }
            if (microBatchSize == 0) {
                missing.add("microBatchSize");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("a StreamingDataLoader needs " + String.join(", ", missing));
            }
            if (microBatchSize > batchSize) {
                throw new IllegalArgumentException("micro-batch size " + microBatchSize + " exceeds batch size "
                        + batchSize);
            }
            if (dpRank >= dpSize) {
                throw new IllegalArgumentException("dp rank " + dpRank + " must be below dp size " + dpSize);
            }
            return new StreamingDataLoader(this);
        }

        private static String nonBlank(String s, String what) {
            requireNonNull(s, what + " is null");
            if (s.isBlank()) {
                throw new IllegalArgumentException(what + " is blank");
            }
            return s;
        }

        private static int positive(int n, String what) {
            if (n <= 0) {
                throw new IllegalArgumentException(what + " must be positive, got " + n);
            }
            return n;
        }
    }
}
