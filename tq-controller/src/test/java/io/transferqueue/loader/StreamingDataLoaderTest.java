package io.transferqueue.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.transferqueue.TransferQueue;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.ReadOptions;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming loader against an embedded TransferQueue. Rows carry their id in field {@code rid} (and
 * {@code rid * 10 + k} in the dense field {@code x}), so data, metadata and handles can be compared row by row.
 * Waits are bounded; nothing asserts on elapsed time.
 */
class StreamingDataLoaderTest {
    private static final List<String> FIELDS = List.of("rid", "x");
    private static final Duration BOUND = Duration.ofSeconds(30);

    private final TransferQueue tq = TransferQueue.embedded(TqConfig.defaults());
    private final RecordingClient client = new RecordingClient(tq);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** Handle of each row id, from the producers' put results. */
    private final Map<Long, RowHandle> handles = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        pool.shutdownNow();
        tq.close();
    }

    // ------------------------------------------------------------------ helpers

    private static Batch rows(long from, int n) {
        List<Long> ids = new ArrayList<>(n);
        long[] x = new long[n * 2];
        for (int i = 0; i < n; i++) {
            ids.add(from + i);
            x[2 * i] = (from + i) * 10;
            x[2 * i + 1] = (from + i) * 10 + 1;
        }
        return Batch.builder().objects("rid", ids).dense("x", Tensor.of(x, n, 2)).build();
    }

    private void put(String partition, long from, int n) {
        record(tq.sync().put(partition, rows(from, n)), from);
    }

    private void record(BatchMeta written, long from) {
        for (int i = 0; i < written.size(); i++) {
            handles.put(from + i, written.handle(i));
        }
    }

    private StreamingDataLoader.Builder loader(String partition) {
        return StreamingDataLoader.builder().client(client).partition(partition).task("train").fields(FIELDS)
                .batchSize(4).microBatchSize(2).waitPerFetch(Duration.ofMillis(100));
    }

    private static List<Long> ids(Batch b) {
        return ((ObjectColumn) b.column("rid")).values().stream().map(v -> (Long) v).toList();
    }

    private static List<Long> ids(MicroBatch mb) {
        return ids(mb.data());
    }

    private static List<Long> ids(List<MicroBatch> mbs) {
        return mbs.stream().flatMap(mb -> ids(mb).stream()).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    /** Reads a loader to its end and closes it. */
    private static List<MicroBatch> drain(StreamingDataLoader l) {
        List<MicroBatch> out = new ArrayList<>();
        try (l) {
            l.forEach(out::add);
        }
        return out;
    }

    /** Row ids per batch index. */
    private static Map<Integer, List<Long>> byBatch(List<MicroBatch> mbs) {
        Map<Integer, List<Long>> out = new TreeMap<>();
        for (MicroBatch mb : mbs) {
            out.computeIfAbsent(mb.batchIndex(), k -> new ArrayList<>()).addAll(ids(mb));
        }
        return out;
    }

    /** Rows per batch index. */
    private static List<Integer> batchSizes(List<MicroBatch> mbs) {
        return byBatch(mbs).values().stream().map(List::size).toList();
    }

    /** Every micro-batch's meta describes exactly its data's rows, in order, and {@code x} matches {@code rid}. */
    private void assertMetaMatchesData(List<MicroBatch> mbs) {
        for (MicroBatch mb : mbs) {
            List<Long> ids = ids(mb);
            assertThat(mb.meta().handles()).containsExactlyElementsOf(ids.stream().map(handles::get).toList());
            assertThat(mb.meta().fieldNames()).containsExactlyInAnyOrderElementsOf(FIELDS);
            DenseColumn x = (DenseColumn) mb.data().column("x");
            for (int i = 0; i < ids.size(); i++) {
                assertThat(x.row(i).getLong(0)).isEqualTo(ids.get(i) * 10);
            }
        }
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    // ------------------------------------------------------------------ tests

    @Test
    void consumerStartedBeforeAnyProducerGetsEveryRowOnceAndEndsOnMarkComplete() throws Exception {
        StreamingDataLoader l = loader("p").batchSize(8).microBatchSize(3).build();
        Future<List<MicroBatch>> consumer = pool.submit(() -> drain(l));
        // the partition does not exist yet: the loader waits, gets empty answers, and keeps waiting
        client.await(() -> client.emptyAnswers(0) >= 2, "empty answers before any producer");
        assertThat(consumer).isNotDone();

        Future<?> producer = pool.submit(() -> {
            for (int k = 0; k < 5; k++) {
                put("p", 7L * k, 7);
                // a gap: the next put comes only after the loader was told "not enough rows yet" again
                int waitingFor = 7 * (k + 1) / 8;
                int seen = client.emptyAnswers(waitingFor);
                client.await(() -> client.emptyAnswers(waitingFor) > seen, "an empty answer for batch " + waitingFor);
            }
            return null;
        });
        assertThat(producer).succeedsWithin(BOUND);
        assertThat(consumer).isNotDone();
        tq.sync().markComplete("p");

        List<MicroBatch> got = consumer.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 35));
        assertThat(batchSizes(got)).containsExactly(8, 8, 8, 8, 3);
        assertThat(got).extracting(MicroBatch::size).containsExactly(3, 3, 2, 3, 3, 2, 3, 3, 2, 3, 3, 2, 3);
        assertMetaMatchesData(got);
    }

    enum EndSignal { MARK_COMPLETE, EXPECT_ROWS }

    @ParameterizedTest
    @EnumSource(EndSignal.class)
    void endsOnlyOnTheEndSignalNeverWhenThePartitionIsTemporarilyEmpty(EndSignal end) throws Exception {
        if (end == EndSignal.EXPECT_ROWS) {
            tq.sync().expectRows("p", 18);
        }
        StreamingDataLoader l = loader("p").build();
        Future<List<MicroBatch>> consumer = pool.submit(() -> drain(l));
        put("p", 0, 12);
        // every row consumed, nothing ready: the loader reissues its waiting fetch instead of ending
        client.await(() -> client.emptyAnswers(3) >= 2, "batch 3 reissued after empty answers");
        assertThat(consumer).isNotDone();

        put("p", 12, 6);
        if (end == EndSignal.MARK_COMPLETE) {
            client.await(() -> client.emptyAnswers(4) >= 1, "batch 4 waiting for a full batch");
            assertThat(consumer).isNotDone();
            tq.sync().markComplete("p");
        }

        List<MicroBatch> got = consumer.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 18));
        assertThat(batchSizes(got)).containsExactly(4, 4, 4, 4, 2);
        assertMetaMatchesData(got);
        assertThat(tq.sync().stats("p").complete()).isTrue();
    }

    @Test
    void ranksOfOneGroupGetIdenticalBatchesAndGroupsGetDisjointRows() throws Exception {
        IntFunction<StreamingDataLoader> rank = group -> loader("p").sampler("rank-aware").dpRank(group).dpSize(2)
                .build();
        Future<List<MicroBatch>> a0 = pool.submit(() -> drain(rank.apply(0)));
        Future<List<MicroBatch>> b0 = pool.submit(() -> drain(rank.apply(1)));
        Future<List<MicroBatch>> a1 = null;
        for (int k = 0; k < 5; k++) {
            put("p", 8L * k, 8);
            if (k == 1) {
                // the second rank of group 0 joins mid-stream, with a different view of what is ready
                a1 = pool.submit(() -> drain(rank.apply(0)));
            }
        }
        tq.sync().markComplete("p");
        List<MicroBatch> groupA = a0.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        List<MicroBatch> groupB = b0.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        // the second rank of group 1 starts after the stream ended for everybody else
        List<MicroBatch> b1 = drain(rank.apply(1));

        assertThat(byBatch(a1.get(BOUND.toSeconds(), TimeUnit.SECONDS))).isEqualTo(byBatch(groupA));
        assertThat(byBatch(b1)).isEqualTo(byBatch(groupB));
        Set<Long> a = new HashSet<>(ids(groupA));
        Set<Long> b = new HashSet<>(ids(groupB));
        // either group may take every row if it is faster; what must hold is that they never share one
        assertThat(java.util.Collections.disjoint(a, b)).as("groups share rows: %s and %s", a, b).isTrue();
        assertThat(ids(groupA)).doesNotHaveDuplicates();
        assertThat(ids(groupB)).doesNotHaveDuplicates();
        Set<Long> all = new HashSet<>(a);
        all.addAll(b);
        assertThat(all).containsExactlyInAnyOrderElementsOf(range(0, 40));
        assertMetaMatchesData(groupA);
        assertMetaMatchesData(b1);
    }

    @Test
    void microBatchesOfDataAndMetaShareBoundariesIncludingTheSmallerLastBatch() {
        put("p", 0, 23);
        tq.sync().markComplete("p");
        List<MicroBatch> got = drain(loader("p").batchSize(10).microBatchSize(4).build());

        assertThat(got).extracting(MicroBatch::size).containsExactly(4, 4, 2, 4, 4, 2, 3);
        assertThat(got).extracting(MicroBatch::batchIndex).containsExactly(0, 0, 0, 1, 1, 1, 2);
        assertThat(got).extracting(MicroBatch::microIndex).containsExactly(0, 1, 2, 0, 1, 2, 0);
        assertThat(got).extracting(MicroBatch::microCount).containsExactly(3, 3, 3, 3, 3, 3, 1);
        assertThat(got).extracting(MicroBatch::isLastOfBatch)
                .containsExactly(false, false, true, false, false, true, true);
        assertThat(got).allSatisfy(mb -> assertThat(mb.meta().size()).isEqualTo(mb.data().size()));
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 23));
        assertMetaMatchesData(got);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void prefetchDepthsDeliverTheSameRowsOnTheirOwnThreads(int depth) throws Exception {
        put("p", 0, 30);
        tq.sync().markComplete("p");
        StreamingDataLoader l = loader("p").microBatchSize(4).prefetchDepth(depth).build();
        Iterator<MicroBatch> it = l.iterator();
        List<MicroBatch> got = new ArrayList<>();
        got.add(it.next());
        // while the consumer holds batch 0, exactly `depth` further batches are fetched
        client.await(() -> client.fetches() >= 1 + depth, "prefetch of " + depth + " batches");
        assertThat(client.fetches()).isEqualTo(1 + depth);
        it.forEachRemaining(got::add);
        l.close();

        assertThat(ids(got)).containsExactlyElementsOf(range(0, 30));
        assertThat(batchSizes(got)).containsExactly(4, 4, 4, 4, 4, 4, 4, 2);
        assertMetaMatchesData(got);
        String expected = depth == 0 ? Thread.currentThread().getName() : l.threadName();
        assertThat(client.getThreads()).hasSize(8).containsOnly(expected);
        assertThat(threadAlive(l.threadName())).isFalse();
    }

    @Test
    void closeMidStreamCancelsWaitingFetchesAndStopsTheThread() throws Exception {
        put("p", 0, 8);
        StreamingDataLoader l = loader("p").task("close-test").prefetchDepth(2).build();
        Iterator<MicroBatch> it = l.iterator();
        assertThat(ids(it.next())).containsExactly(0L, 1L);
        // batches 0 and 1 hold all 8 rows; the prefetch of batch 2 is parked at the controller
        client.await(() -> client.fetches(2) >= 1 && client.outstanding() == 1, "batch 2 parked");
        assertThat(threadAlive(l.threadName())).isTrue();

        l.close();
        assertThat(client.outstanding()).isZero();
        assertThat(threadAlive(l.threadName())).isFalse();
        assertThatThrownBy(it::hasNext).isInstanceOf(ClosedException.class);
        l.close();

        // the withdrawn fetch does not swallow rows written later: a new waiting fetch queued behind it gets them
        CompletableFuture<BatchMeta> other = tq.getMeta(GetMetaRequest.fetch("p", "close-test", FIELDS, 4)
                .withWait(BOUND));
        put("p", 8, 4);
        BatchMeta rows = other.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(ids(tq.sync().get(rows))).containsExactly(8L, 9L, 10L, 11L);
    }

    @Test
    void closeFromAnotherThreadWakesABlockedConsumer() throws Exception {
        StreamingDataLoader l = loader("p").prefetchDepth(0).build();
        Future<Boolean> consumer = pool.submit(() -> l.iterator().hasNext());
        client.await(() -> client.fetches(0) >= 1 && client.outstanding() == 1, "the consumer waiting");
        l.close();
        assertThatThrownBy(() -> consumer.get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(ClosedException.class);
        assertThat(client.outstanding()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void anInterruptedConsumerResumesWithoutLosingRows(int depth) throws Exception {
        StreamingDataLoader l = loader("p").prefetchDepth(depth).build();
        Iterator<MicroBatch> it = l.iterator();
        Future<Throwable> interrupted = pool.submit(() -> {
            Thread.currentThread().interrupt();
            return org.assertj.core.api.Assertions.catchThrowable(it::hasNext);
        });
        assertThat(interrupted.get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .isExactlyInstanceOf(io.transferqueue.error.TransferQueueException.class)
                .hasCauseInstanceOf(InterruptedException.class);

        put("p", 0, 6);
        tq.sync().markComplete("p");
        List<MicroBatch> got = new ArrayList<>();
        it.forEachRemaining(got::add);
        l.close();
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 6));
        assertThat(client.outstanding()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aReadThatFailsOnceIsRetriedAndEveryRowIsDeliveredExactlyOnce(int depth) {
        put("p", 0, 4);
        tq.sync().markComplete("p");
        // the fetch of batch 0 marks rows 0 and 1 consumed; then storage is briefly unavailable for their read
        client.failGets(1, () -> new BackendUnavailableException("injected: unit 1 timed out"));
        List<MicroBatch> got = drain(loader("p").batchSize(2).prefetchDepth(depth).build());

        assertThat(ids(got)).containsExactlyElementsOf(range(0, 4));
        assertMetaMatchesData(got);
        // two batches, one of them read twice: the retry ran
        assertThat(client.gets()).isEqualTo(3);
        assertThat(tq.sync().stats("p").consumedPerTask()).containsEntry("train", 4L);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aReadThatKeepsFailingNamesTheHeldRowsAndTheLoaderDeliversThemOnceStorageIsBack(int depth) {
        put("p", 0, 4);
        tq.sync().markComplete("p");
        client.failGets(Integer.MAX_VALUE, () -> new BackendUnavailableException("injected: unit 1 down"));
        StreamingDataLoader l = loader("p").batchSize(2).prefetchDepth(depth).readRetries(2)
                .readRetryBackoff(Duration.ofMillis(1)).build();
        Iterator<MicroBatch> it = l.iterator();

        Throwable failure = catchThrowable(it::hasNext);
        assertThat(failure).isInstanceOf(UnreadRowsException.class)
                .hasCauseInstanceOf(BackendUnavailableException.class).hasMessageContaining("3 attempts");
        UnreadRowsException unread = (UnreadRowsException) failure;
        assertThat(unread.code()).isEqualTo("BACKEND_UNAVAILABLE");
        assertThat(unread.batchIndex()).isZero();
        assertThat(unread.rows().handles()).containsExactly(handles.get(0L), handles.get(1L));
        assertThat(client.gets()).isEqualTo(3);
        // the rows are consumed for the task, and not lost: the error names them and they can be read
        assertThat(tq.sync().stats("p").consumedPerTask()).containsEntry("train", 2L);
        assertThat(ids(tq.sync().get(unread.rows()))).containsExactly(0L, 1L);

        // the loader held them: once storage is back it delivers them first, then the rest, each row once
        client.failGets(0, null);
        List<MicroBatch> got = new ArrayList<>();
        it.forEachRemaining(got::add);
        l.close();
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 4));
        assertThat(got).extracting(MicroBatch::batchIndex).containsExactly(0, 1);
        assertMetaMatchesData(got);
        assertThat(tq.sync().stats("p").consumedPerTask()).containsEntry("train", 4L);
    }

    @Test
    void aTrainerThatCatchesUnreadRowsAndGoesOnGetsEveryRowOnceInOrderWhilePrefetching() {
        put("p", 0, 16);
        tq.sync().markComplete("p");
        // without retries each failed read surfaces once, on the prefetch thread or on the held rows' re-read
        client.failGets(3, () -> new BackendUnavailableException("injected: unit 1 down"));
        List<MicroBatch> got = new ArrayList<>();
        int failures = 0;
        try (StreamingDataLoader l = loader("p").prefetchDepth(2).readRetries(0).build()) {
            Iterator<MicroBatch> it = l.iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    got.add(it.next());
                } catch (UnreadRowsException e) {
                    failures++;
                }
            }
        }
        assertThat(failures).isEqualTo(3);
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 16));
        assertThat(batchSizes(got)).containsExactly(4, 4, 4, 4);
        assertMetaMatchesData(got);
    }

    @Test
    void aReadFailureThatIsNotTransientIsNotRetriedButStillHoldsTheRows() {
        put("p", 0, 4);
        tq.sync().markComplete("p");
        client.failGets(1, () -> new DataNotFoundException("injected: cell missing"));
        StreamingDataLoader l = loader("p").batchSize(2).build();
        Iterator<MicroBatch> it = l.iterator();

        assertThatThrownBy(it::hasNext).isInstanceOf(UnreadRowsException.class)
                .hasCauseInstanceOf(DataNotFoundException.class).hasMessageContaining("1 attempt,");
        assertThat(client.gets()).isEqualTo(1);
        List<MicroBatch> got = new ArrayList<>();
        it.forEachRemaining(got::add);
        l.close();
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 4));
    }

    @Test
    void closeWakesAConsumerWaitingToRetryARead() throws Exception {
        put("p", 0, 4);
        client.failGets(Integer.MAX_VALUE, () -> new BackendUnavailableException("injected: unit 1 down"));
        StreamingDataLoader l = loader("p").prefetchDepth(0).readRetryBackoff(Duration.ofHours(1)).build();
        Future<Boolean> consumer = pool.submit(() -> l.iterator().hasNext());
        client.await(() -> client.gets() >= 1, "the first read");
        l.close();
        assertThatThrownBy(() -> consumer.get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(ClosedException.class);
        assertThat(client.gets()).isEqualTo(1);
    }

    @Test
    void seqlenBalancedRanksSplitEachGlobalBatch() throws Exception {
        List<Map<String, ?>> tags = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            tags.add(Map.of("total_lengths", (long) (i * 7 % 11 + 1)));
        }
        record(tq.sync().put("p", rows(0, 16), tags), 0);
        tq.sync().markComplete("p");
        IntFunction<StreamingDataLoader> rank = r -> loader("p").sampler("seqlen-balanced").dpRank(r).dpSize(2)
                .build();
        Future<List<MicroBatch>> r0 = pool.submit(() -> drain(rank.apply(0)));
        Future<List<MicroBatch>> r1 = pool.submit(() -> drain(rank.apply(1)));
        Map<Integer, List<Long>> first = byBatch(r0.get(BOUND.toSeconds(), TimeUnit.SECONDS));
        Map<Integer, List<Long>> second = byBatch(r1.get(BOUND.toSeconds(), TimeUnit.SECONDS));

        assertThat(first.keySet()).containsExactly(0, 1);
        assertThat(second.keySet()).containsExactly(0, 1);
        for (int k = 0; k < 2; k++) {
            assertThat(first.get(k)).hasSize(4).doesNotContainAnyElementsOf(second.get(k));
            Set<Long> global = new HashSet<>(first.get(k));
            global.addAll(second.get(k));
            assertThat(global).containsExactlyInAnyOrderElementsOf(range(8L * k, 8L * k + 8));
        }
    }

    @Test
    void aRankWithAnEmptyShareOfTheLastBatchMovesOnAndBothRanksEnd() throws Exception {
        put("p", 0, 9);
        tq.sync().markComplete("p");
        IntFunction<StreamingDataLoader> rank = r -> loader("p").sampler("seqlen-balanced").dpRank(r).dpSize(2)
                .build();
        // 9 rows, 4 per rank per batch: batches 0 and 1 take 8, batch 2 holds one row that one rank gets
        Future<List<MicroBatch>> r1 = pool.submit(() -> drain(rank.apply(1)));
        Future<List<MicroBatch>> r0 = pool.submit(() -> drain(rank.apply(0)));
        List<Long> all = new ArrayList<>(ids(r0.get(BOUND.toSeconds(), TimeUnit.SECONDS)));
        all.addAll(ids(r1.get(BOUND.toSeconds(), TimeUnit.SECONDS)));
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(range(0, 9));
    }

    @Test
    void withoutTheExhaustedFlagTheStatsFallbackEndsTheStream() {
        RecordingClient stripping = new RecordingClient(tq, true);
        put("p", 0, 6);
        tq.sync().markComplete("p");
        List<MicroBatch> got = drain(loader("p").client(stripping).build());
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 6));
        assertThat(batchSizes(got)).containsExactly(4, 2);
        assertThat(stripping.statsCalls()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aRefusedFetchSurfacesAsItsTypedErrorAndEndsTheLoader(int depth) {
        put("p", 0, 4);
        StreamingDataLoader l = loader("p").sampler("no-such-sampler").prefetchDepth(depth).build();
        Iterator<MicroBatch> it = l.iterator();
        Throwable first = org.assertj.core.api.Assertions.catchThrowable(it::hasNext);
        assertThat(first).isInstanceOf(InvalidRequestException.class).hasMessageContaining("no-such-sampler");
        assertThatThrownBy(it::next).isSameAs(first);
        assertThat(threadAlive(l.threadName())).isFalse();
        l.close();
        assertThat(client.outstanding()).isZero();
    }

    @Test
    void streamAndZeroCopyReads() {
        put("p", 0, 5);
        tq.sync().markComplete("p");
        StreamingDataLoader l = loader("p").readOptions(ReadOptions.zeroCopy()).build();
        List<MicroBatch> got;
        try (var s = l.stream()) {
            got = s.collect(Collectors.toList());
        }
        assertThat(ids(got)).containsExactlyElementsOf(range(0, 5));
        assertThatThrownBy(() -> ((DenseColumn) got.get(0).data().column("x")).rowData(0).putLong(0, 1))
                .isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(l::iterator).isInstanceOf(IllegalStateException.class).hasMessageContaining("single pass");
    }

    @Test
    void builderRejectsMissingAndContradictoryValues() {
        assertThatThrownBy(() -> StreamingDataLoader.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client").hasMessageContaining("partition").hasMessageContaining("task")
                .hasMessageContaining("fields").hasMessageContaining("batchSize")
                .hasMessageContaining("microBatchSize");
        assertThatThrownBy(() -> loader("p").batchSize(4).microBatchSize(5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("micro-batch size 5")
                .hasMessageContaining("batch size 4");
        assertThatThrownBy(() -> loader("p").dpRank(2).dpSize(2).build()).hasMessageContaining("dp rank 2");
        StreamingDataLoader.Builder b = StreamingDataLoader.builder();
        assertThatThrownBy(() -> b.batchSize(0)).hasMessageContaining("batch size must be positive, got 0");
        assertThatThrownBy(() -> b.microBatchSize(-1)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> b.dpRank(-1)).hasMessageContaining("dp rank must be >= 0");
        assertThatThrownBy(() -> b.dpSize(0)).hasMessageContaining("dp size");
        assertThatThrownBy(() -> b.prefetchDepth(-1)).hasMessageContaining("prefetch depth");
        assertThatThrownBy(() -> b.waitPerFetch(Duration.ZERO)).hasMessageContaining("wait per fetch");
        assertThatThrownBy(() -> b.callTimeout(Duration.ofSeconds(-1))).hasMessageContaining("call timeout");
        assertThatThrownBy(() -> b.readRetries(-1)).hasMessageContaining("read retries must be >= 0, got -1");
        assertThatThrownBy(() -> b.readRetryBackoff(Duration.ZERO)).hasMessageContaining("read retry backoff");
        assertThatThrownBy(() -> b.readRetryBackoff(Duration.ofDays(1))).hasMessageContaining("at most 1 h");
        assertThatThrownBy(() -> b.fields(List.of())).hasMessageContaining("at least one field");
        assertThatThrownBy(() -> b.fields("a", "a")).hasMessageContaining("'a' is listed twice");
        assertThatThrownBy(() -> b.partition(" ")).hasMessageContaining("partition is blank");
        assertThatThrownBy(() -> b.task(null)).isInstanceOf(NullPointerException.class).hasMessage("task is null");
        assertThatThrownBy(() -> b.sampler("")).hasMessageContaining("sampler name is blank");
        assertThatThrownBy(() -> b.samplingParam("k", new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.readOptions(null)).isInstanceOf(NullPointerException.class);
        assertThat(b.samplingParam("n-samples-per-prompt", 2).sampler(null)).isSameAs(b);
    }
}
