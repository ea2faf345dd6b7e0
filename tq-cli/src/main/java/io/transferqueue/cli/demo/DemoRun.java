package io.transferqueue.cli.demo;

import static io.transferqueue.cli.demo.SyntheticData.LENGTH_TAG;
import static io.transferqueue.cli.demo.SyntheticData.OLD_LOG_PROBS;
import static io.transferqueue.cli.demo.SyntheticData.REF_LOG_PROBS;
import static io.transferqueue.cli.demo.SyntheticData.RESPONSES;
import static io.transferqueue.cli.demo.SyntheticData.REWARDS;

import io.transferqueue.TransferQueue;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.data.Batch;
import io.transferqueue.error.ClosedException;
import io.transferqueue.loader.MicroBatch;
import io.transferqueue.loader.StreamingDataLoader;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.sampler.GrpoGroupNSampler;
import io.transferqueue.spi.StorageStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One GRPO-style step on an embedded TransferQueue, every stage on its own thread:
 *
 * <ol>
 *   <li>two rollout producers insert the n responses of each prompt as n new rows (prompt and response token ids,
 *       log-probs, extra dense fields, a {@code total_lengths} tag);
 *   <li>a reward producer and a reference producer each fetch rows that have responses (as tasks {@code reward} and
 *       {@code reference}) and add their field to those same rows ({@code put(batch, meta)});
 *   <li>two data-parallel trainer ranks, started before any row exists, stream every field through a
 *       {@link StreamingDataLoader} as task {@code train}, with the {@code seqlen-balanced} or {@code rank-aware}
 *       sampler.
 * </ol>
 *
 * <p>When the producers are done the partition is marked complete, which ends the trainers' streams. Producers record
 * a checksum per row and field; consumers recompute them from what they received ({@link Ledger}).
 */
final class DemoRun {
    static final String PARTITION = "grpo-step-0";
    static final String TRAIN = "train";
    static final String REWARD = "reward";
    static final String REFERENCE = "reference";

    private static final Duration PRODUCER_WAIT = Duration.ofSeconds(1);

    private final DemoSettings settings;
    private final PrintWriter out;
    private final SyntheticData data;
    private final Ledger ledger = new Ledger();
    private final Stage rollout;
    private final Stage reward;
    private final Stage reference;
    private final Stage[] ranks = new Stage[DemoSettings.RANKS];
    /** Per rank: batch index → {rows, response tokens, total tokens}. Written by the rank's thread only. */
    private final List<Map<Integer, long[]>> steps = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger nextPrompt = new AtomicInteger();
    private final CountDownLatch trainersStarted = new CountDownLatch(DemoSettings.RANKS);
    private volatile boolean aborted;
    private volatile String corrupted;
    private TransferQueue tq;
    private Progress progress;

    DemoRun(DemoSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
        this.data = new SyntheticData(settings.seed(), settings.n(), settings.extraFields());
        this.rollout = new Stage("rollout");
        this.reward = new Stage(REWARD);
        this.reference = new Stage(REFERENCE);
        for (int r = 0; r < ranks.length; r++) {
            ranks[r] = new Stage("train rank " + r);
            steps.add(new ConcurrentSkipListMap<>());
        }
        ledger.producer(rollout.name(), data.rolloutFields());
        ledger.producer(reward.name(), List.of(REWARDS));
        ledger.producer(reference.name(), List.of(REF_LOG_PROBS));
    }

    /**
     * Runs the step and returns what happened; failures of a stage are part of the result, not thrown.
     *
     * @throws StartFailure if the embedded TransferQueue cannot be created (e.g. the backend is unavailable)
     */
    DemoResult run() {
        TransferQueue queue;
        try {
            queue = TransferQueue.embedded(settings.config());
        } catch (RuntimeException e) {
            throw new StartFailure(e);
        }
        long start = System.nanoTime();
        progress = new Progress(out, settings.terminal(), start)
                .line("rollout", rollout::rows, settings.rows(), () -> "")
                .line("reward", reward::rows, settings.rows(), () -> "")
                .line("reference", reference::rows, settings.rows(), () -> "")
                .line("train", () -> ranks[0].rows() + ranks[1].rows(), settings.rows(),
                        () -> "rank 0: " + ranks[0].rows() + ", rank 1: " + ranks[1].rows());
        ExecutorService pool = Executors.newFixedThreadPool(2 * DemoSettings.RANKS + DemoSettings.ROLLOUT_THREADS,
                new NamedThreads());
        PartitionStats stats = null;
        StorageStats held = StorageStats.UNKNOWN;
        StorageStats afterClear = StorageStats.UNKNOWN;
        long elapsed;
        try (queue) {
            this.tq = queue;
            progress.start();
            // the trainers start first: their loaders wait for rows that do not exist yet
            List<CompletableFuture<Void>> trainers = new ArrayList<>();
            for (int r = 0; r < ranks.length; r++) {
                int rank = r;
                trainers.add(stage(() -> train(rank), pool));
            }
            awaitTrainersStarted();
            List<CompletableFuture<Void>> producers = new ArrayList<>();
            producers.add(stage(() -> transform(REWARD, reward, List.of(RESPONSES),
                    d -> SyntheticData.rewards(d.column(RESPONSES)), true), pool));
            // the reference producer reads the log-probs, not the responses: so the only reader of a response
            // before the test hook can overwrite it is the reward producer (a key-value backend fails a read whose
            // metadata predates an overwrite, as it should)
            producers.add(stage(() -> transform(REFERENCE, reference, List.of(OLD_LOG_PROBS),
                    d -> SyntheticData.referenceLogProbs(d.column(OLD_LOG_PROBS)), false), pool));
            for (int i = 0; i < DemoSettings.ROLLOUT_THREADS; i++) {
                producers.add(stage(this::rollouts, pool));
            }
            long deadline = start + settings.timeout().toNanos();
            if (await(producers, deadline) && failure.get() == null) {
                queue.sync().markComplete(PARTITION);
            }
            await(trainers, deadline);
            elapsed = System.nanoTime() - start;
            progress.close();
            if (failure.get() == null) {
                stats = queue.sync().stats(PARTITION);
                held = queue.storage().stats();
                queue.sync().clearPartition(PARTITION);
                afterClear = queue.storage().stats();
            }
        } catch (RuntimeException e) {
            fail(e);
            elapsed = System.nanoTime() - start;
        } finally {
            progress.close();
            pool.shutdownNow();
        }
        ledger.settle();
        return new DemoResult(settings, List.of(rollout, reward, reference, ranks[0], ranks[1]), ledger,
                List.of(ledger.checkTask(REWARD), ledger.checkTask(REFERENCE), ledger.checkTask(TRAIN)), steps,
                stats, held, afterClear, elapsed, failure.get(), corrupted);
    }

    /** Lets the trainer threads reach their first fetch before any producer starts (bounded: a failure ends it). */
    private void awaitTrainersStarted() {
        try {
            if (!trainersStarted.await(10, TimeUnit.SECONDS)) {
                progress.note("the trainer threads did not start within 10 s; starting the producers anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }

    private CompletableFuture<Void> stage(Runnable body, ExecutorService pool) {
        return CompletableFuture.runAsync(() -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                fail(e);
                throw e;
            }
        }, pool);
    }

    /** Records the first failure and stops every stage: closing the queue wakes whoever waits on it. */
    private void fail(Throwable e) {
        if (aborted && (e instanceof ClosedException || e.getCause() instanceof ClosedException)) {
            return; // a consequence of stopping, not a cause
        }
        if (failure.compareAndSet(null, e)) {
            aborted = true;
            while (trainersStarted.getCount() > 0) {
                trainersStarted.countDown();
            }
            TransferQueue q = tq;
            if (q != null) {
                try {
                    q.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
        }
    }

    /** Waits for {@code futures} until {@code deadline}; false (and the run stopped) if they did not all end. */
    private boolean await(List<CompletableFuture<Void>> futures, long deadline) {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        try {
            all.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            return false; // the stage recorded its failure
        } catch (TimeoutException e) {
            fail(new TimeoutException("the step did not finish within " + settings.timeout().toSeconds()
                    + " s (rollout " + rollout.rows() + ", reward " + reward.rows() + ", reference "
                    + reference.rows() + ", train " + (ranks[0].rows() + ranks[1].rows()) + " of " + settings.rows()
                    + " rows); raise --timeout on a slow or busy machine"));
            try {
                all.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException ignored) {
                // stages that do not react to the close are abandoned (daemon threads)
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
            return false;
        }
    }

    // ------------------------------------------------------------------ stages

    /** A rollout producer: takes prompts until none are left, puts each prompt's n responses as new rows. */
    private void rollouts() {
        int prompts = settings.prompts();
        while (!aborted) {
            int p = nextPrompt.getAndIncrement();
            if (p >= prompts) {
                return;
            }
            SyntheticData.Group g = data.rollout(p);
            long t0 = System.nanoTime();
            rollout.started(t0);
            BatchMeta rows = tq.sync().put(PARTITION, g.batch(), g.tags());
            ledger.wrote(rows, g.batch(), true);
            rollout.moved(rows.size(), 0, g.batch().byteSize(), System.nanoTime());
        }
    }

    /**
     * A producer that adds a field to existing rows: fetches rows that have {@code reads} for task {@code task},
     * computes, and puts the result into the same rows. Stops once it handled every row of the step.
     */
    private void transform(String task, Stage stage, List<String> reads, Function<Batch, Batch> compute,
            boolean corruptHook) {
        GetMetaRequest request = GetMetaRequest.fetch(PARTITION, task, reads, settings.producerBatch())
                .withWait(PRODUCER_WAIT);
        long handled = 0;
        while (handled < settings.rows() && !aborted) {
            BatchMeta meta = tq.sync().getMeta(request);
            if (meta.isEmpty()) {
                continue;
            }
            long t0 = System.nanoTime();
            stage.started(t0);
            Batch in = tq.sync().get(meta);
            ledger.received(task, task, meta, in);
            Batch result = compute.apply(in);
            ledger.wrote(meta, result, false);
            if (corruptHook) {
                corrupt(meta, in);
            }
            tq.sync().put(result, meta);
            handled += meta.size();
            stage.moved(meta.size(), in.byteSize(), result.byteSize(), System.nanoTime());
        }
    }

    /**
     * The test hook: if {@code meta} holds the chosen row, overwrites its {@code responses} cell with other bytes
     * through the public API (a put into the existing row) without telling the ledger. It runs before this
     * producer's own field is written, so the row becomes ready for training only with the altered bytes, and the
     * reward producer is the only other reader of responses, so no reader holds metadata older than the overwrite.
     */
    private void corrupt(BatchMeta meta, Batch in) {
        if (settings.corruptRow() < 0) {
            return;
        }
        for (int i = 0; i < meta.size(); i++) {
            if (meta.globalIndex(i) == settings.corruptRow()) {
                tq.sync().put(SyntheticData.alteredRow(RESPONSES, in.column(RESPONSES), i),
                        meta.selectRows(i).selectFields(RESPONSES));
                corrupted = RESPONSES;
                progress.note("test hook: overwrote field '" + RESPONSES + "' of row " + settings.corruptRow()
                        + " with altered bytes after the reward producer read it");
            }
        }
    }

    /** A trainer rank: streams micro-batches of every field until the partition ends. */
    private void train(int rank) {
        Stage stage = ranks[rank];
        String who = "train rank " + rank;
        StreamingDataLoader.Builder b = StreamingDataLoader.builder().client(tq).partition(PARTITION).task(TRAIN)
                .fields(data.trainFields()).batchSize(settings.trainBatch()).microBatchSize(settings.microBatch())
                .dpRank(rank).dpSize(DemoSettings.RANKS).sampler(settings.sampler());
        if (settings.sampler().equals(DemoCommand.SEQLEN_BALANCED)) {
            b.samplingParam(GrpoGroupNSampler.N_PARAM, (long) settings.n());
        }
        Map<Integer, long[]> perStep = steps.get(rank);
        try (StreamingDataLoader loader = b.build()) {
            Iterator<MicroBatch> batches = loader.iterator();
            trainersStarted.countDown();
            while (batches.hasNext()) {
                MicroBatch mb = batches.next();
                stage.started(System.nanoTime());
                ledger.received(TRAIN, who, mb.meta(), mb.data());
                long[] s = perStep.computeIfAbsent(mb.batchIndex(), k -> new long[3]);
                for (int i = 0; i < mb.size(); i++) {
                    s[0]++;
                    s[1] += Checksums.rowBytes(mb.data().column(RESPONSES), i).remaining() / 4;
                    Object total = mb.meta().tags(i).get(LENGTH_TAG);
                    s[2] += total instanceof Number num ? num.longValue() : 0;
                }
                stage.moved(mb.size(), mb.data().byteSize(), 0, System.nanoTime());
            }
        }
    }

    /** The embedded TransferQueue could not be created. */
    static final class StartFailure extends RuntimeException {
        StartFailure(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class NamedThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "tq-demo-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
