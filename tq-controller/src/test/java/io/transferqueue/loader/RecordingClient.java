package io.transferqueue.loader;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.KvData;
import io.transferqueue.client.KvGetOptions;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.client.SyncTransferQueueClient;
import io.transferqueue.client.TransferQueueClient;
import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.KvBatchMeta;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.ReadOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A client that delegates to a real one and records what a loader does with it: getMeta calls per batch index,
 * empty answers, futures not yet complete, stats calls, and the reads and the threads that issued them. Futures of
 * getMeta and get are the delegate's own (so cancelling one withdraws it from the controller), unless
 * {@link #stripExhausted} is on. {@link #failGets} makes reads fail, as a storage read would. {@link #await}
 * waits, bounded, for a condition on these records.
 */
final class RecordingClient implements TransferQueueClient {
    private final TransferQueueClient delegate;
    private final boolean stripExhausted;
    private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> fetchesPerIndex = new HashMap<>();
    private final Map<Integer, Integer> emptyAnswersPerIndex = new HashMap<>();
    private final List<String> getThreads = new ArrayList<>();
    private int stats;
    private int gets;
    private int failGets;
    private Supplier<? extends RuntimeException> getFailure;

    RecordingClient(TransferQueueClient delegate, boolean stripExhausted) {
        this.delegate = delegate;
        this.stripExhausted = stripExhausted;
    }

    RecordingClient(TransferQueueClient delegate) {
        this(delegate, false);
    }

    private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
        outstanding.add(f);
        f.whenComplete((v, e) -> {
            outstanding.remove(f);
            changed();
        });
        return f;
    }

    private synchronized void changed() {
        notifyAll();
    }

    /** Waits up to 30 s for {@code condition} (evaluated under this object's lock whenever something changes). */
    synchronized void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; " + this);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized int fetches(int batchIndex) {
        return fetchesPerIndex.getOrDefault(batchIndex, 0);
    }

    synchronized int fetches() {
        return fetchesPerIndex.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized int emptyAnswers(int batchIndex) {
        return emptyAnswersPerIndex.getOrDefault(batchIndex, 0);
    }

    /**
     * Fails the next {@code count} reads with {@code failure} (as a storage read failing would), without asking
     * the delegate; {@code Integer.MAX_VALUE} fails every read until this is called again with 0.
     */
    synchronized void failGets(int count, Supplier<? extends RuntimeException> failure) {
        this.failGets = count;
        this.getFailure = failure;
    }

    /** Reads issued, failed ones included. */
    synchronized int gets() {
        return gets;
    }

    synchronized int statsCalls() {
        return stats;
    }

    synchronized List<String> getThreads() {
        return List.copyOf(getThreads);
    }

    /** getMeta and get futures not complete yet. */
    int outstanding() {
        return outstanding.size();
    }

    @Override
    public synchronized String toString() {
        return "RecordingClient(fetches=" + fetchesPerIndex + ", empty=" + emptyAnswersPerIndex + ", outstanding="
                + outstanding.size() + ", stats=" + stats + ", gets=" + gets + ")";
    }

    @Override
    public CompletableFuture<BatchMeta> getMeta(GetMetaRequest request) {
        Integer index = request.sampling().batchIndex();
        int key = index == null ? -1 : index;
        synchronized (this) {
            fetchesPerIndex.merge(key, 1, Integer::sum);
            notifyAll();
        }
        CompletableFuture<BatchMeta> f = delegate.getMeta(request);
        f.whenComplete((m, e) -> {
            if (m != null && m.isEmpty()) {
                synchronized (this) {
                    emptyAnswersPerIndex.merge(key, 1, Integer::sum);
                    notifyAll();
                }
            }
        });
        if (stripExhausted) {
            f = f.thenApply(m -> m.withoutExtraInfo(GetMetaRequest.EXHAUSTED));
        }
        return track(f);
    }

    @Override
    public CompletableFuture<Batch> get(BatchMeta meta) {
        return get(meta, ReadOptions.copy());
    }

    @Override
    public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
        synchronized (this) {
            getThreads.add(Thread.currentThread().getName());
            gets++;
            if (failGets > 0) {
                if (failGets != Integer.MAX_VALUE) {
                    failGets--;
                }
                notifyAll();
                return CompletableFuture.failedFuture(getFailure.get());
            }
            notifyAll();
        }
        return track(delegate.get(meta, options));
    }

    @Override
    public CompletableFuture<PartitionStats> stats(String partition) {
        synchronized (this) {
            stats++;
        }
        return delegate.stats(partition);
    }

    // ------------------------------------------------------------------ plain delegation

    @Override
    public CompletableFuture<BatchMeta> put(String partition, Batch batch) {
        return delegate.put(partition, batch);
    }

    @Override
    public CompletableFuture<BatchMeta> put(String partition, Batch batch, List<? extends Map<String, ?>> tags) {
        return delegate.put(partition, batch, tags);
    }

    @Override
    public CompletableFuture<BatchMeta> put(Batch batch, BatchMeta meta) {
        return delegate.put(batch, meta);
    }

    @Override
    public CompletableFuture<BatchMeta> put(Batch batch, BatchMeta meta, List<? extends Map<String, ?>> tags,
            TagMode mode) {
        return delegate.put(batch, meta, tags, mode);
    }

    @Override
    public CompletableFuture<Void> setTags(BatchMeta meta, List<? extends Map<String, ?>> tags, TagMode mode) {
        return delegate.setTags(meta, tags, mode);
    }

    @Override
    public CompletableFuture<Void> clearSamples(BatchMeta meta) {
        return delegate.clearSamples(meta);
    }

    @Override
    public CompletableFuture<Void> clearPartition(String partition) {
        return delegate.clearPartition(partition);
    }

    @Override
    public CompletableFuture<Void> resetConsumption(String partition, String task) {
        return delegate.resetConsumption(partition, task);
    }

    @Override
    public CompletableFuture<List<String>> partitions() {
        return delegate.partitions();
    }

    @Override
    public CompletableFuture<Void> markComplete(String partition) {
        return delegate.markComplete(partition);
    }

    @Override
    public CompletableFuture<Void> expectRows(String partition, long rows) {
        return delegate.expectRows(partition, rows);
    }

    @Override
    public CompletableFuture<KvBatchMeta> kvPut(String partition, String key, Batch fields, Map<String, ?> tag) {
        return delegate.kvPut(partition, key, fields, tag);
    }

    @Override
    public CompletableFuture<KvBatchMeta> kvBatchPut(String partition, List<String> keys, Batch fields,
            List<? extends Map<String, ?>> tags) {
        return delegate.kvBatchPut(partition, keys, fields, tags);
    }

    @Override
    public CompletableFuture<KvData> kvBatchGet(String partition, List<String> keys, KvGetOptions options) {
        return delegate.kvBatchGet(partition, keys, options);
    }

    @Override
    public CompletableFuture<Map<String, Map<String, Object>>> kvList(String partition) {
        return delegate.kvList(partition);
    }

    @Override
    public CompletableFuture<Void> kvClear(String partition, List<String> keys) {
        return delegate.kvClear(partition, keys);
    }

    @Override
    public SyncTransferQueueClient sync() {
        return new SyncTransferQueueClient(this, Duration.ofSeconds(30));
    }
}
