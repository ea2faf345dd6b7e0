package io.transferqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.backend.simple.SimpleStorageConfig;
import io.transferqueue.backend.simple.SimpleStorageManager;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.KvGetOptions;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.InMemoryKvStorageClient;
import io.transferqueue.controller.Controller;
import io.transferqueue.controller.LocalControllerApi;
import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.PartitionNotFoundException;
import io.transferqueue.error.SchemaConflictException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageStats;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failed put, and above all a failed overwrite, removes only what did not exist before, never replaces
 * cells the controller will refuse, releases the rows it created even when the backend cannot delete, and
 * leaves nothing behind when the rows were cleared while it was in flight.
 */
class FailedOverwriteTest {
    private final Controller controller = Controller.create(TqConfig.defaults());

    @AfterEach
    void close() {
        controller.close();
    }

    /** A KV backend whose puts and clears can be made to fail, and whose puts can be held at a gate. */
    private static final class Flaky implements StorageManager {
        final InMemoryKvStorageClient store = new InMemoryKvStorageClient();
        final StorageManager inner;
        volatile boolean failPutBefore;
        volatile boolean failPutAfter;
        volatile boolean failClear;
        volatile CountDownLatch gate;
        volatile int puts;

        Flaky() {
            this.inner = new KvStorageManager("flaky", store, "");
        }

        Flaky(StorageManager inner) {
            this.inner = inner;
        }

        @Override
        public CompletableFuture<PutResult> put(Batch b, BatchMeta m, PutOptions o) {
            puts++;
            if (failPutBefore) {
                return CompletableFuture.failedFuture(new BackendException("injected: put refused"));
            }
            CountDownLatch g = gate;
            CompletableFuture<PutResult> f = g == null ? inner.put(b, m, o)
                    : CompletableFuture.runAsync(() -> {
                        try {
                            g.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }).thenCompose(v -> inner.put(b, m, o));
            return failPutAfter ? f.thenCompose(r -> CompletableFuture.failedFuture(
                    new BackendException("injected: put failed after writing"))) : f;
        }

        @Override
        public CompletableFuture<Batch> get(BatchMeta m, ReadOptions o) {
            return inner.get(m, o);
        }

        @Override
        public CompletableFuture<Void> clear(BatchMeta m) {
            return failClear ? CompletableFuture.failedFuture(new BackendException("injected: clear failed"))
                    : inner.clear(m);
        }

        @Override
        public Set<Capability> capabilities() {
            return inner.capabilities();
        }

        @Override
        public StorageStats stats() {
            return inner.stats();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private QueueClient client(StorageManager storage) {
        return new QueueClient(new LocalControllerApi(controller, false), storage, Duration.ofSeconds(10));
    }

    private static Batch ints(String field, int... v) {
        return Batch.builder().dense(field, Tensor.of(v, v.length, 1)).build();
    }

    private static Batch floats(String field, float... v) {
        return Batch.builder().dense(field, Tensor.of(v, v.length, 1)).build();
    }

    private static int[] intsOf(Batch b, String field) {
        DenseColumn c = (DenseColumn) b.column(field);
        assertThat(c.dtype()).isEqualTo(DType.INT32);
        int[] out = new int[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.rowData(i).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        }
        return out;
    }

    private static int[] readKey(QueueClient q, String partition, String key, String field) {
        return intsOf(q.sync().kvBatchGet(partition, List.of(key), KvGetOptions.strict()).batch(), field);
    }

    // ------------------------------------------------------------------ 1: the undo keeps existing cells

    @Test
    void aKvBatchPutTheBackendRefusesKeepsTheExistingKeysAcknowledgedCells() {
        Flaky s = new Flaky();
        QueueClient q = client(s);
        q.sync().kvPut("kv", "k1", ints("x", 7), null);
        Set<String> before = s.store.keys();

        s.failPutBefore = true;
        assertThatThrownBy(() -> q.sync().kvBatchPut("kv", List.of("k1", "k2"), ints("x", 8, 9), null))
                .isInstanceOf(BackendException.class).hasMessageContaining("put refused");
        s.failPutBefore = false;

        assertThat(readKey(q, "kv", "k1", "x")).containsExactly(7);
        assertThat(q.sync().kvList("kv")).containsOnlyKeys("k1");
        assertThat(q.sync().stats("kv").rows()).isEqualTo(1);
        assertThat(s.store.keys()).isEqualTo(before);
    }

    @Test
    void aKvBatchPutFailingAfterItWroteDeletesOnlyTheNewKeysAndTheNewFieldsOfExistingKeys() {
        Flaky s = new Flaky();
        QueueClient q = client(s);
        q.sync().kvPut("kv", "k1", ints("x", 7), null);
        q.sync().kvPut("kv", "k0", Batch.builder().dense("x", Tensor.of(new int[] {5}, 1, 1))
                .dense("y", Tensor.of(new int[] {6}, 1, 1)).build(), null);
        Set<String> before = s.store.keys();

        s.failPutAfter = true;
        Batch update = Batch.builder().dense("x", Tensor.of(new int[] {1, 2, 3}, 3, 1))
                .dense("y", Tensor.of(new int[] {4, 5, 6}, 3, 1)).build();
        assertThatThrownBy(() -> q.sync().kvBatchPut("kv", List.of("k0", "k1", "k2"), update, null))
                .isInstanceOf(BackendException.class);
        s.failPutAfter = false;

        // k1 lacked y and k2 is new: those cells are gone; the cells k0 and k1 held remain (new or old value)
        assertThat(s.store.keys()).isEqualTo(before);
        assertThat(readKey(q, "kv", "k1", "x")).containsExactly(2);
        assertThat(readKey(q, "kv", "k0", "y")).containsExactly(4);
        assertThat(q.sync().kvList("kv")).containsOnlyKeys("k1", "k0");
    }

    @Test
    void aKvBatchPutRejectedForItsDtypeWritesNothing() {
        Flaky s = new Flaky();
        QueueClient q = client(s);
        q.sync().kvPut("kv", "k1", ints("x", 7), null);
        Set<String> before = s.store.keys();
        int puts = s.puts;

        assertThatThrownBy(() -> q.sync().kvBatchPut("kv", List.of("k1", "k2"), floats("x", 8f, 9f), null))
                .isInstanceOf(SchemaConflictException.class).hasMessageContaining("dtype mismatch");

        assertThat(s.puts).isEqualTo(puts);
        assertThat(readKey(q, "kv", "k1", "x")).containsExactly(7);
        assertThat(q.sync().kvList("kv")).containsOnlyKeys("k1");
        assertThat(q.sync().stats("kv").rows()).isEqualTo(1);
        assertThat(s.store.keys()).isEqualTo(before);
    }

    @Test
    void aFailedPutKeepsFieldsTheRowsHeldThoughTheCallersMetaDidNotDescribeThem() {
        Flaky s = new Flaky();
        QueueClient q = client(s);
        q.sync().put("p", Batch.builder().dense("x", Tensor.of(new int[] {1, 2}, 2, 1))
                .dense("y", Tensor.of(new int[] {3, 4}, 2, 1)).build());
        BatchMeta onlyX = q.sync().getMeta(GetMetaRequest.forceFetch("p", List.of("x")));
        Set<String> before = s.store.keys();

        s.failPutAfter = true;
        assertThatThrownBy(() -> q.sync().put(Batch.builder().dense("x", Tensor.of(new int[] {10, 20}, 2, 1))
                .dense("y", Tensor.of(new int[] {30, 40}, 2, 1)).build(), onlyX)).isInstanceOf(BackendException.class);
        s.failPutAfter = false;

        assertThat(s.store.keys()).isEqualTo(before);
        BatchMeta all = q.sync().getMeta(GetMetaRequest.forceFetch("p", List.of("x", "y")));
        assertThat(all.isReady()).isTrue();
        assertThat(intsOf(q.sync().get(all), "y")).hasSize(2);
    }

    // ------------------------------------------------------------------ 2: refused rewrites replace nothing

    @Test
    void aRewriteWithAnotherDtypeIsRefusedBeforeTheKvBackendIsWritten() {
        Flaky s = new Flaky();
        QueueClient q = client(s);
        BatchMeta m = q.sync().put("p", ints("x", 1, 2));
        int puts = s.puts;

        assertThatThrownBy(() -> q.sync().put(floats("x", 1.5f, 2.5f), m)).isInstanceOf(SchemaConflictException.class)
                .hasMessageContaining("dtype mismatch for field 'x'").hasMessageContaining("int32");
        // a meta that does not describe x: the controller is asked
        BatchMeta noFields = q.sync().getMeta(GetMetaRequest.forceFetch("p", List.of("nothing")));
        assertThat(noFields.hasField("x")).isFalse();
        assertThatThrownBy(() -> q.sync().put(floats("x", 1.5f, 2.5f), noFields))
                .isInstanceOf(SchemaConflictException.class).hasMessageContaining("dtype mismatch for field 'x'");

        assertThat(s.puts).isEqualTo(puts);
        BatchMeta again = q.sync().getMeta(GetMetaRequest.forceFetch("p", List.of("x")));
        assertThat(intsOf(q.sync().get(again), "x")).containsExactly(1, 2);
    }

    @Test
    void aRewriteWithAnotherDtypeLeavesTheSimpleBackendsRowsReadable() {
        try (TransferQueue tq = TransferQueue.embedded(TqConfig.defaults())) {
            assertThat(tq.storage()).isInstanceOf(SimpleStorageManager.class);
            BatchMeta m = tq.sync().put("p", Batch.builder().dense("x", Tensor.of(new int[] {1, 2}, 2, 1))
                    .dense("y", Tensor.of(new int[] {3, 4}, 2, 1)).build());
            // x alone would be a valid rewrite, y has the wrong dtype: nothing may change
            Batch second = Batch.builder().dense("x", Tensor.of(new int[] {10, 20}, 2, 1))
                    .dense("y", Tensor.of(new float[] {1f, 2f}, 2, 1)).build();
            assertThatThrownBy(() -> tq.sync().put(second, m)).isInstanceOf(SchemaConflictException.class)
                    .hasMessageContaining("field 'y'");
            BatchMeta onlyX = tq.sync().getMeta(GetMetaRequest.forceFetch("p", List.of("x")));
            assertThatThrownBy(() -> tq.sync().put(second, onlyX)).isInstanceOf(SchemaConflictException.class)
                    .hasMessageContaining("field 'y'");

            BatchMeta again = tq.sync().getMeta(GetMetaRequest.forceFetch("p", List.of("x", "y")));
            Batch read = tq.sync().get(again);
            assertThat(intsOf(read, "x")).containsExactly(1, 2);
            assertThat(intsOf(read, "y")).containsExactly(3, 4);
        }
    }

    // ------------------------------------------------------------------ 3: rows are released without deletes

    @Test
    void aPutFailingWhileTheBackendCannotDeleteStillReleasesItsRows() {
        Flaky s = new Flaky();
        QueueClient q = client(s);
        q.sync().put("p", ints("x", 1, 2));

        s.failPutAfter = true;
        s.failClear = true;
        assertThatThrownBy(() -> q.sync().put("p", ints("x", 3, 4, 5))).isInstanceOf(BackendException.class)
                .hasMessageContaining("put failed after writing")
                .satisfies(t -> assertThat(t.getSuppressed()).isNotEmpty()
                        .allSatisfy(e -> assertThat(e).hasMessageContaining("clear failed")));
        s.failPutAfter = false;
        s.failClear = false;

        q.sync().markComplete("p");
        assertThat(q.sync().getMeta(GetMetaRequest.fetch("p", "train", List.of("x"), 10)).size()).isEqualTo(2);
        BatchMeta end = q.sync().getMeta(GetMetaRequest.fetch("p", "train", List.of("x"), 10));
        assertThat(end.extraInfo()).containsEntry(GetMetaRequest.EXHAUSTED, true);
        assertThat(s.store.size()).isEqualTo(5);

        q.sync().clearPartition("p");
        assertThat(s.store.size()).isZero();
        assertThat(q.sync().partitions()).isEmpty();
    }

    @Test
    void aKvPutFailingWhileTheBackendCannotDeleteFreesItsKeyAndAClearDeletesTheCells() {
        Flaky s = new Flaky();
        QueueClient q = client(s);
        q.sync().kvPut("kv", "k0", ints("x", 1), null);

        s.failPutAfter = true;
        s.failClear = true;
        assertThatThrownBy(() -> q.sync().kvPut("kv", "k1", ints("x", 2), null)).isInstanceOf(BackendException.class)
                .satisfies(t -> assertThat(t.getSuppressed()).isNotEmpty());
        s.failPutAfter = false;
        s.failClear = false;
        assertThat(q.sync().kvList("kv")).containsOnlyKeys("k0");
        assertThat(s.store.size()).isEqualTo(2);

        // the key can be written again at once; clearing the partition deletes the cells left behind
        q.sync().kvPut("kv", "k1", ints("x", 3), null);
        assertThat(readKey(q, "kv", "k1", "x")).containsExactly(3);
        q.sync().clearPartition("kv");
        assertThat(s.store.size()).isZero();
        assertThat(q.sync().partitions()).isEmpty();
    }

    // ------------------------------------------------------------------ 4: a rewrite racing a clear

    @Test
    void aRewriteLandingAfterAClearOfItsRowsLeavesNoBytesInTheSimpleBackend() throws Exception {
        SimpleStorageManager simple = new SimpleStorageManager(SimpleStorageConfig.unlimited(2));
        Flaky s = new Flaky(simple);
        try (s) {
            rewriteRacingAClear(client(s), s);
            assertThat(simple.stats().rows()).isZero();
            assertThat(simple.stats().bytes()).isZero();
        }
    }

    @Test
    void aRewriteLandingAfterAClearOfItsRowsLeavesNoKeys() throws Exception {
        Flaky s = new Flaky();
        rewriteRacingAClear(client(s), s);
        assertThat(s.store.size()).isZero();
    }

    private static void rewriteRacingAClear(QueueClient q, Flaky s) throws Exception {
        BatchMeta m = q.sync().put("p", ints("x", 1, 2));
        s.gate = new CountDownLatch(1);
        CompletableFuture<BatchMeta> rewrite = q.put(ints("x", 10, 20), m);
        q.sync().clearPartition("p");
        s.gate.countDown();
        assertThatThrownBy(() -> rewrite.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PartitionNotFoundException.class);
        assertThat(q.sync().partitions()).isEmpty();
    }
}
