package io.transferqueue.conformance;

import static io.transferqueue.conformance.ConformanceData.assertSameBatch;
import static io.transferqueue.conformance.ConformanceData.dense;
import static io.transferqueue.conformance.ConformanceData.jagged;
import static io.transferqueue.conformance.ConformanceData.produced;
import static io.transferqueue.conformance.ConformanceData.rows;
import static io.transferqueue.conformance.ConformanceData.scribble;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Column;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import io.transferqueue.spi.StorageStats;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link StorageManager} must have, as JUnit tests a backend inherits: round trips of
 * every column kind, partial fields, overwrites, generations (stale handles), clear, copy semantics,
 * zero-copy and capacity (where declared), concurrency and close. The kit plays the controller: it builds
 * the {@link BatchMeta}s itself (partition, global index, generation), in a fresh random partition per
 * test, so persistent or shared stores (a RocksDB directory, a shared Redis) see no collisions between
 * tests or runs.
 *
 * <h2>Testing a backend in three steps</h2>
 * <ol>
 *   <li>Write the backend's {@link StorageManagerFactory} (for a key-value store, a
 *       {@link io.transferqueue.spi.KvStorageClient} under {@link io.transferqueue.spi.KvStorageManager}).
 *   <li>Register it: annotate it with {@code @AutoService(StorageManagerFactory.class)} (or list it in
 *       {@code META-INF/services/io.transferqueue.spi.StorageManagerFactory}).
 *   <li>Add {@code tq-conformance} as a test dependency and subclass this class and
 *       {@link ServiceRegistrationConformanceTest}, one or two methods each:
 * </ol>
 *
 * <pre>{@code
 * @AutoService(StorageManagerFactory.class)
 * public final class MyStoreFactory implements StorageManagerFactory {
 *     static final ConfigOption<String> URL = ConfigOption.key("tq.storage.mystore.url").stringType()
 *             .defaultValue("mystore://localhost:7000").description("Where the store listens.");
 *
 *     public String name() { return "mystore"; }
 *     public List<ConfigOption<?>> options() { return List.of(URL); }
 *     public StorageManager create(TqConfig config, StorageContext context) {
 *         return new KvStorageManager(name(), MyStoreClient.connect(config.get(URL)), context.instanceId() + ":");
 *     }
 * }
 *
 * class MyStoreConformanceTest extends StorageManagerConformanceTest {
 *     protected StorageManagerFactory factory() { return new MyStoreFactory(); }
 *     protected TqConfig config() { return TqConfig.defaults().with(MyStoreFactory.URL, "mystore://localhost:7001"); }
 * }
 * }</pre>
 *
 * <h2>Contract of the kit</h2>
 * <ul>
 *   <li>A fresh manager is created from {@link #factory()}, {@link #config()} and {@link #context()} before
 *       each test and always closed after it; {@link #manager()} gives it to extra tests of a subclass. This
 *       happens in this class's {@code @BeforeEach}, which JUnit runs before a subclass's: prepare the store
 *       in {@code @BeforeAll}, a {@code @TempDir} field or {@code config()} itself. {@code config()} is
 *       called again when a test reopens the backend and must then name the same store.
 *   <li>Capability-dependent tests run only when the manager created from {@link #config()} declares the
 *       capability and are skipped (JUnit assumption, reported as aborted) otherwise: zero-copy reads
 *       ({@link Capability#ZERO_COPY_READ}), capacity ({@link Capability#CAPACITY_LIMIT}, with a manager from
 *       {@link #configWithCapacity}) and reopening ({@link Capability#PERSISTENT}). A backend that declares
 *       a capability only when configured for it (say, only when a limit is set) should be configured for
 *       it in {@link #config()}, generously, or in a second subclass. The test that an undeclared zero-copy
 *       read fails runs only when zero-copy is not declared.
 *   <li>Every operation is awaited for at most {@link #timeout()}; nothing asserts on wall-clock time.
 *   <li>Failures must arrive through the returned future: a method that throws instead fails the test.
 *   <li>Test methods are public so a subclass can override one to skip it with a reason
 *       ({@code @Test @Override public void x() { Assumptions.abort("why"); }}); please don't without one.
 * </ul>
 */
public abstract class StorageManagerConformanceTest {
    /** Rows the capacity tests try before concluding that a limit is not enforced. */
    private static final int MAX_ROWS_BEFORE_FULL = 4096;
    /** Bytes of one row of the capacity tests. */
    private static final int CAPACITY_ROW_BYTES = 1024;

    private StorageManager manager;
    private StorageContext context;
    private Set<Thread> threadsBefore = Set.of();

    /** The factory under test (a new instance or a shared one; factories are stateless). */
    protected abstract StorageManagerFactory factory();

    /**
     * The configuration every test's manager is created with: {@code tq.storage.backend} need not be set,
     * only what the backend needs (a directory from a {@code @TempDir}, a server address).
     */
    protected abstract TqConfig config();

    /**
     * The context managers are created with; by default a fresh instance id and this class's loader. Every
     * manager of one test (including one reopened by a test) gets the same context.
     */
    protected StorageContext context() {
        return StorageContext.of("conformance-" + UUID.randomUUID(), getClass().getClassLoader());
    }

    /**
     * A configuration whose backend holds at most {@code rowsPerUnitOrTotal} rows and at most {@code bytes}
     * payload bytes, and <b>rejects</b> a put that does not fit with {@link CapacityExceededException}
     * (choose the reject policy, or blocking with a zero wait, so the test is deterministic). The kit writes
     * rows of one dense field of {@value #CAPACITY_ROW_BYTES} bytes, one row per put, until a put fails,
     * so the limits may be counted as the backend counts them: rows or cells, per storage unit or in total,
     * values with or without key overhead; whichever limit the backend enforces must be reached within
     * {@value #MAX_ROWS_BEFORE_FULL} rows. Called only when the manager declares
     * {@link Capability#CAPACITY_LIMIT}; the default fails, telling the author to override it.
     */
    protected TqConfig configWithCapacity(long rowsPerUnitOrTotal, DataSize bytes) {
        throw new UnsupportedOperationException(getClass().getName() + " runs a backend that declares "
                + "CAPACITY_LIMIT: override configWithCapacity(rows, bytes) to return a config with those limits "
                + "and the reject policy");
    }

    /** How long the kit waits for one operation (or for the backend's threads to stop after close). */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    /** The manager of the current test, for extra tests in a subclass. */
    protected final StorageManager manager() {
        return manager;
    }

    /** Creates the test's manager (run by JUnit before each test; final so it cannot be lost by overriding). */
    @BeforeEach
    public final void openManager() {
        threadsBefore = liveTqThreads();
        context = requireNonNull(context(), "context() returned null");
        manager = requireNonNull(factory().create(config(), context), "the factory returned no manager");
    }

    /** Closes the test's manager, whatever the test did (run by JUnit after each test). */
    @AfterEach
    public final void closeManager() {
        StorageManager m = manager;
        manager = null;
        if (m != null) {
            m.close();
        }
    }

    /** Closes the current manager and opens another from {@code cfg} (with the same context). */
    private void reopen(TqConfig cfg) {
        closeManager();
        manager = requireNonNull(factory().create(cfg, context), "the factory returned no manager");
    }

    // ================================================================== round trips

    @Test
    public void denseRowsOfEveryDtypeRoundTripBitExact() {
        Batch.Builder b = Batch.builder();
        int salt = 0;
        for (DType t : DType.values()) {
            b.add("f_" + t.torchName(), dense(t, 3, new int[] {2, 3}, salt++));
        }
        Batch batch = b.build();

        assertSameBatch(get(put(batch, rows(newPartition(), 0, 3, 0))), batch);
    }

    @Test
    public void zeroDimensionalRowsOfAOneDimensionalTensorComeBackAsADenseColumn() {
        Batch batch = Batch.builder()
                .dense("score", Tensor.of(new double[] {0.5, -1.25, 3e300, Double.NaN}))
                .dense("id", Tensor.of(new long[] {Long.MIN_VALUE, 0, 42, Long.MAX_VALUE}))
                .dense("flag", Tensor.of(new boolean[] {true, false, false, true}))
                .build();

        Batch got = get(put(batch, rows(newPartition(), 0, 4, 0)));

        assertSameBatch(got, batch);
        DenseColumn score = (DenseColumn) got.column("score");
        assertThat(score.rowShape()).as("row shape of 0-d rows").isEmpty();
        assertThat(score.tensor().shape()).as("shape of the whole column").containsExactly(4);
        assertThat(((DenseColumn) got.column("id")).tensor().toLongArray())
                .containsExactly(Long.MIN_VALUE, 0, 42, Long.MAX_VALUE);
    }

    @Test
    public void multiDimensionalDenseRowsRoundTripIncludingRowsWithoutElements() {
        Batch batch = Batch.builder()
                .add("image", dense(DType.FLOAT16, 3, new int[] {2, 3, 4}, 1))
                .add("mask", dense(DType.BOOL, 3, new int[] {1, 1, 5, 1}, 2))
                .add("nothing", dense(DType.UINT8, 3, new int[] {3, 0}, 3))
                .build();

        assertSameBatch(get(put(batch, rows(newPartition(), 0, 3, 0))), batch);
    }

    @Test
    public void jaggedRowsRoundTripIncludingEmptyRows() {
        Batch batch = Batch.builder()
                .add("logp", jagged(DType.FLOAT32, 1, 3, 0, 5, 1))
                .add("tokens", jagged(DType.INT64, new int[][] {{2, 3}, {0, 3}, {1, 1}, {4, 0}}, 2))
                .add("keep", jagged(DType.BOOL, 3, 0, 0, 7, 2))
                .build();

        Batch got = get(put(batch, rows(newPartition(), 0, 4, 0)));

        assertSameBatch(got, batch);
        assertThat(((JaggedColumn) got.column("logp")).rowNumel(1)).as("elements of the empty row").isZero();
    }

    @Test
    public void objectValuesRoundTripIncludingNestedUnicodeNullsAndBytes() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("text", "héllo wörld ✓ 你好 🙂");
        nested.put("tokens", List.of(1L, -2L, 3L));
        nested.put("inner", Map.of("deep", Arrays.asList(null, true, 2.5, List.of(), Map.of("x", new byte[] {9}))));
        nested.put("none", null);
        List<Object> values = Arrays.asList(nested, null, new byte[] {0, -1, 127, -128}, "", List.of(), Map.of(),
                Long.MIN_VALUE, 1.0e-300, true, new byte[0], List.of(new byte[] {1, 2}, Map.of("b", new byte[] {3})));
        Batch batch = Batch.builder().objects("meta", values).build();

        Batch got = get(put(batch, rows(newPartition(), 0, values.size(), 0)));

        assertSameBatch(got, batch);
        assertThat(((ObjectColumn) got.column("meta")).value(2)).as("a byte[] comes back as a byte[]")
                .isInstanceOf(byte[].class);
    }

    @Test
    public void eachFieldComesBackAsTheKindItWasPutAs() {
        Batch batch = Batch.builder()
                .add("dense", dense(DType.INT32, 3, new int[] {4}, 1))
                .add("jagged", jagged(DType.INT32, 2, 4, 4, 4))
                .objects("object", List.of(1L, "two", List.of(3L)))
                .build();

        Batch got = get(put(batch, rows(newPartition(), 0, 3, 0)));

        assertThat(got.column("dense")).as("a dense field").isInstanceOf(DenseColumn.class);
        assertThat(got.column("jagged")).as("a jagged field whose rows happen to share a shape")
                .isInstanceOf(JaggedColumn.class);
        assertThat(got.column("object")).as("an object field").isInstanceOf(ObjectColumn.class);
        assertSameBatch(got, batch);
    }

    @Test
    public void rowsComeBackInTheOrderOfTheMeta() {
        Batch batch = mixedBatch(5, 1);
        BatchMeta meta = put(batch, rows(newPartition(), 100, 5, 0));

        assertSameBatch(get(meta.reorder(4, 2, 0, 3, 1)), batch.rows(4, 2, 0, 3, 1));
    }

    @Test
    public void aRowListedTwiceInTheMetaComesBackAtBothPositions() {
        Batch batch = mixedBatch(3, 2);
        BatchMeta meta = put(batch, rows(newPartition(), 0, 3, 0));

        assertSameBatch(get(meta.selectRows(1, 0, 1, 2, 1)), batch.rows(1, 0, 1, 2, 1));
    }

    @Test
    public void getOfSomeFieldsReturnsExactlyThoseFields() {
        Batch batch = mixedBatch(3, 3);
        BatchMeta meta = put(batch, rows(newPartition(), 0, 3, 0));

        assertSameBatch(get(meta.selectFields("jagged")), batch.select("jagged"));
        assertSameBatch(get(meta.selectFields("object", "dense")), batch.select("object", "dense"));
    }

    @Test
    public void aSecondPutAddsAFieldToExistingRows() {
        BatchMeta rows = rows(newPartition(), 0, 3, 0);
        Batch first = Batch.builder().add("prompt", jagged(DType.INT64, 1, 5, 2, 7)).build();
        Batch second = Batch.builder().add("reward", dense(DType.FLOAT32, 3, new int[0], 2))
                .objects("uid", List.of("a", "b", "c")).build();

        BatchMeta afterFirst = put(first, rows);
        BatchMeta afterSecond = produced(afterFirst, await(manager.put(second, rows, PutOptions.defaults())));

        assertSameBatch(get(afterSecond), first.merge(second));
        assertSameBatch(get(afterFirst), first);
    }

    @Test
    public void aPutOverwritesACellEvenWithAnotherShape() {
        BatchMeta rows = rows(newPartition(), 0, 2, 0);
        put(Batch.builder().add("x", dense(DType.INT32, 2, new int[] {3}, 1)).objects("o", List.of("old", "old"))
                .build(), rows);
        Batch newer = Batch.builder().add("x", dense(DType.INT32, 2, new int[] {5}, 2)).objects("o", List.of("new", 2L))
                .build();

        assertSameBatch(get(put(newer, rows)), newer);
    }

    @Test
    public void oneMetaMayHoldRowsOfSeveralPartitionsWithTheSameGlobalIndexes() {
        String p1 = newPartition();
        String p2 = newPartition();
        BatchMeta rows = BatchMeta.of(List.of(new RowHandle(p1, 0, 0), new RowHandle(p2, 0, 0), new RowHandle(p1, 1, 0),
                new RowHandle(p2, 1, 0)));
        Batch batch = mixedBatch(4, 4);

        BatchMeta meta = put(batch, rows);

        assertSameBatch(get(meta), batch);
        assertSameBatch(get(meta.selectRows(3, 1)), batch.rows(3, 1));
    }

    @Test
    public void separatorCharactersInPartitionAndFieldNamesNeverMakeCellsCollide() {
        String base = newPartition();
        BatchMeta rows = BatchMeta.of(List.of(new RowHandle(base + "/x", 0, 0), new RowHandle(base + "%2Fx", 0, 0),
                new RowHandle(base, 0, 0), new RowHandle(base + "%x", 0, 0), new RowHandle(base + ".x:0", 0, 0)));
        Batch batch = Batch.builder()
                .add("f/g", dense(DType.INT16, 5, new int[] {3}, 1))
                .add("f%2Fg", dense(DType.INT16, 5, new int[] {3}, 2))
                .add("f", dense(DType.INT16, 5, new int[] {3}, 3))
                .add("f%", jagged(DType.INT8, 4, 1, 2, 3, 4, 5))
                .objects("f.g:h", List.of("a", "b", "c", "d", "e"))
                .build();

        BatchMeta meta = put(batch, rows);
        assertSameBatch(get(meta), batch);

        clear(meta.selectRows(2).selectFields("f"));
        assertSameBatch(get(meta.selectRows(0, 1, 3, 4)), batch.rows(0, 1, 3, 4));
        assertSameBatch(get(meta.selectRows(2).selectFields("f/g", "f%2Fg", "f%", "f.g:h")),
                batch.rows(2).select("f/g", "f%2Fg", "f%", "f.g:h"));
    }

    @Test
    public void largeRowsRoundTrip() {
        Batch batch = Batch.builder()
                .add("hidden", dense(DType.FLOAT32, 2, new int[] {512 * 1024}, 1))
                .add("pixels", jagged(DType.UINT8, 2, 3 * 1024 * 1024 + 7, 1))
                .build();

        assertSameBatch(get(put(batch, rows(newPartition(), 0, 2, 0))), batch);
    }

    @Test
    public void aThousandRowBatchRoundTrips() {
        int n = 1000;
        long[] ids = new long[n];
        int[] lengths = new int[n];
        List<Object> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids[i] = i * 7919L;
            lengths[i] = i % 7;
            names.add("row-" + i);
        }
        Batch batch = Batch.builder().dense("id", Tensor.of(ids)).add("seq", jagged(DType.INT32, 9, lengths))
                .objects("name", names).build();

        BatchMeta meta = put(batch, rows(newPartition(), 0, n, 0));

        assertSameBatch(get(meta), batch);
    }

    @Test
    public void putReportsTheSchemaOfEachFieldAndBackendMetaForEveryRow() {
        Batch batch = mixedBatch(3, 5);

        PutResult r = await(manager.put(batch, rows(newPartition(), 0, 3, 0), PutOptions.defaults()));

        assertThat(r.schema()).as("schema of the put").containsOnlyKeys(batch.fieldNames());
        r.schema().forEach((f, s) -> assertThat(s).as("schema of field '%s'", f).isEqualTo(FieldSchema.of(batch.column(f))));
        assertThat(batch.fieldNames()).as("fields with backend meta are fields of the batch")
                .containsAll(r.backendMeta().keySet());
        r.backendMeta().forEach((f, perRow) -> assertThat(perRow).as("backend meta of field '%s'", f).hasSize(3));
    }

    @Test
    public void emptyPutsGetsAndClearsSucceed() {
        assertThat(await(manager.put(Batch.empty(), BatchMeta.empty(), PutOptions.defaults())).schema()).isEmpty();
        assertThat(get(BatchMeta.empty()).size()).isZero();
        Batch noFields = get(rows(newPartition(), 0, 3, 0));
        assertThat(noFields.size()).as("rows of a get without fields").isEqualTo(3);
        assertThat(noFields.fieldNames()).isEmpty();
        clear(BatchMeta.empty());
    }

    @Test
    public void aBatchWhoseSizeDiffersFromTheMetaFailsWithInvalidRequestAndWritesNothing() {
        Batch batch = mixedBatch(2, 6);
        BatchMeta rows = rows(newPartition(), 0, 3, 0);

        assertThat(failureOf(() -> manager.put(batch, rows, PutOptions.defaults())))
                .isInstanceOf(InvalidRequestException.class);

        BatchMeta wouldBe = rows.withSchema(Map.of("dense", FieldSchema.of(batch.column("dense"))), true);
        assertThat(failureOf(() -> manager.get(wouldBe.selectRows(0), ReadOptions.copy())))
                .as("a row of the rejected put").isInstanceOfAny(DataNotFoundException.class, StaleHandleException.class);
    }

    // ================================================================== generations, missing cells, clear

    @Test
    public void aStaleHandleNeverReadsTheDataOfANewerGeneration() {
        String p = newPartition();
        Batch old = mixedBatch(1, 7);
        Batch recycled = mixedBatch(1, 8);
        BatchMeta gen0 = put(old, rows(p, 7, 1, 0));
        clear(gen0);
        BatchMeta gen1 = put(recycled, rows(p, 7, 1, 1));

        assertThat(failureOf(() -> manager.get(gen0, ReadOptions.copy())))
                .as("a get with the generation-0 handle of a reused row")
                .isInstanceOfAny(StaleHandleException.class, DataNotFoundException.class);
        assertSameBatch(get(gen1), recycled);
    }

    @Test
    public void clearingWithAStaleHandleKeepsTheNewerGeneration() {
        String p = newPartition();
        Batch recycled = mixedBatch(2, 9);
        BatchMeta gen0 = put(mixedBatch(2, 10), rows(p, 3, 2, 0));
        clear(gen0);
        BatchMeta gen1 = put(recycled, rows(p, 3, 2, 1));

        Throwable staleClear = outcome(call(() -> manager.clear(gen0)));
        if (staleClear != null) {
            assertThat(staleClear).as("a clear with a stale handle either does nothing or says so")
                    .isInstanceOf(StaleHandleException.class);
        }

        assertSameBatch(get(gen1), recycled);
    }

    @Test
    public void readingACellThatWasNeverWrittenFailsWithDataNotFound() {
        String p = newPartition();
        Batch batch = Batch.builder().add("x", dense(DType.FLOAT32, 1, new int[] {2}, 1)).build();
        BatchMeta written = put(batch, rows(p, 0, 1, 0));
        BatchMeta twoRows = rows(p, 0, 2, 0).withSchema(written.schema(), true);

        assertThat(failureOf(() -> manager.get(twoRows, ReadOptions.copy())))
                .as("a meta whose second row was never written fails as a whole")
                .isInstanceOf(DataNotFoundException.class).hasMessageContaining(p);
        BatchMeta otherField = written.withSchema(Map.of("y", FieldSchema.object()), true);
        assertThat(failureOf(() -> manager.get(otherField, ReadOptions.copy())))
                .as("a field never written to a written row").isInstanceOf(DataNotFoundException.class);
        assertSameBatch(get(written), batch);
    }

    @Test
    public void readingAfterClearFailsWithDataNotFound() {
        BatchMeta meta = put(mixedBatch(3, 11), rows(newPartition(), 0, 3, 0));

        clear(meta);

        assertThat(failureOf(() -> manager.get(meta, ReadOptions.copy())))
                .isInstanceOfAny(DataNotFoundException.class, StaleHandleException.class);
        for (String f : meta.fieldNames()) {
            assertThat(failureOf(() -> manager.get(meta.selectRows(1).selectFields(f), ReadOptions.copy())))
                    .as("field '%s' of a cleared row", f)
                    .isInstanceOfAny(DataNotFoundException.class, StaleHandleException.class);
        }
    }

    @Test
    public void clearIsIdempotentAndIgnoresRowsAndFieldsThatDoNotExist() {
        Batch batch = mixedBatch(3, 12);
        BatchMeta meta = put(batch, rows(newPartition(), 0, 3, 0));

        clear(meta);
        clear(meta);
        clear(rows(newPartition(), 0, 3, 0).withSchema(meta.schema(), true));
        clear(meta.withSchema(Map.of("never_written", FieldSchema.object()), true));

        BatchMeta again = put(batch, rows(newPartition(), 0, 3, 0));
        clear(again.withSchema(Map.of("never_written", FieldSchema.object()), true));
        assertThat(failureOf(() -> manager.get(again, ReadOptions.copy())))
                .as("a clear that also names a missing field still clears the others")
                .isInstanceOfAny(DataNotFoundException.class, StaleHandleException.class);
    }

    @Test
    public void clearRemovesOnlyTheRowsAndFieldsOfItsMeta() {
        Batch batch = mixedBatch(4, 13);
        BatchMeta meta = put(batch, rows(newPartition(), 0, 4, 0));

        clear(meta.selectRows(0, 2));
        clear(meta.selectRows(1).selectFields("dense"));

        assertSameBatch(get(meta.selectRows(3)), batch.rows(3));
        assertSameBatch(get(meta.selectRows(1).selectFields("jagged", "object")), batch.rows(1).select("jagged", "object"));
        assertThat(failureOf(() -> manager.get(meta.selectRows(1).selectFields("dense"), ReadOptions.copy())))
                .isInstanceOfAny(DataNotFoundException.class, StaleHandleException.class);
        assertThat(failureOf(() -> manager.get(meta.selectRows(2), ReadOptions.copy())))
                .isInstanceOfAny(DataNotFoundException.class, StaleHandleException.class);
    }

    // ================================================================== copy semantics

    @Test
    public void putCopiesTheCallersBuffersSoTheyMayBeReusedAfterwards() {
        ByteBuffer denseSource = ConformanceData.pattern(DType.FLOAT32, 3 * 4, 1);
        ByteBuffer jaggedSource = ConformanceData.pattern(DType.INT16, 7, 2);
        Batch batch = Batch.builder()
                .add("d", DenseColumn.wrap(DType.FLOAT32, 3, new int[] {4}, denseSource))
                .add("j", JaggedColumn.wrap(DType.INT16, new int[][] {{2}, {0}, {5}}, jaggedSource))
                .build();
        Batch expected = batch.copy();

        BatchMeta meta = put(batch, rows(newPartition(), 0, 3, 0));
        ConformanceData.fill(denseSource, (byte) 0x5A);
        ConformanceData.fill(jaggedSource, (byte) 0x5A);

        assertSameBatch(get(meta), expected);
    }

    @Test
    public void everyGetReturnsIndependentWritableCopies() {
        Batch batch = mixedBatch(3, 14);
        Batch expected = batch.copy();
        BatchMeta meta = put(batch, rows(newPartition(), 0, 3, 0));

        Batch first = get(meta);
        Batch second = get(meta);
        for (Column c : first.columns().values()) {
            if (c.kind() != ColumnKind.OBJECT) {
                assertThat(c.isReadOnly()).as("a copying get returns writable tensors").isFalse();
                scribble(c, (byte) 0x33);
            }
        }

        assertSameBatch(second, expected);
        assertSameBatch(get(meta), expected);
        // a copy the caller holds does not change when storage does
        put(mixedBatch(3, 15), rows(meta.partition(0), 0, 3, 0));
        clear(meta);
        assertSameBatch(second, expected);
    }

    @Test
    public void zeroCopyReadsAreReadOnlyViewsWithTheRightContent() {
        assumeTrue(manager.capabilities().contains(Capability.ZERO_COPY_READ),
                "the backend does not declare ZERO_COPY_READ");
        Batch batch = mixedBatch(3, 16);
        BatchMeta meta = put(batch, rows(newPartition(), 0, 3, 0));

        Batch view = await(call(() -> manager.get(meta, ReadOptions.zeroCopy())));

        assertSameBatch(view, batch);
        DenseColumn d = (DenseColumn) view.column("dense");
        JaggedColumn j = (JaggedColumn) view.column("jagged");
        assertThat(d.isReadOnly()).as("a zero-copy dense column is read-only").isTrue();
        assertThat(j.isReadOnly()).as("a zero-copy jagged column is read-only").isTrue();
        assertThatThrownBy(() -> d.rowData(0).put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> d.data().put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> d.row(1).data().put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> j.rowData(0).put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> j.values().put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertSameBatch(get(meta), batch);
    }

    @Test
    public void zeroCopyReadFailsWithInvalidRequestWhenTheBackendDoesNotDeclareIt() {
        assumeFalse(manager.capabilities().contains(Capability.ZERO_COPY_READ),
                "the backend declares ZERO_COPY_READ");
        BatchMeta meta = put(mixedBatch(2, 17), rows(newPartition(), 0, 2, 0));

        assertThat(failureOf(() -> manager.get(meta, ReadOptions.zeroCopy())))
                .isInstanceOf(InvalidRequestException.class);
    }

    // ================================================================== capacity

    @Test
    public void aPutPastTheCapacityLimitFailsAndChangesNothing() {
        Full full = fillUntilFull();

        assertThat(failureOf(() -> manager.put(full.rejected, full.rejectedRows, noCapacityWait())))
                .as("the same put again, still full").isInstanceOf(CapacityExceededException.class);
        assertThat(failureOf(() -> manager.get(full.rejectedRows.withSchema(full.schema, true), ReadOptions.copy())))
                .as("the row of the rejected put").isInstanceOfAny(DataNotFoundException.class, StaleHandleException.class);
        assertSameBatch(get(BatchMeta.concat(full.stored)), Batch.concat(full.batches));
        StorageStats after = manager.stats();
        if (full.statsBefore.rows() >= 0 && after.rows() >= 0) {
            assertThat(after.rows()).as("rows held after the rejected put").isEqualTo(full.statsBefore.rows());
        }
        if (full.statsBefore.bytes() >= 0 && after.bytes() >= 0) {
            assertThat(after.bytes()).as("bytes held after the rejected put").isEqualTo(full.statsBefore.bytes());
        }
    }

    @Test
    public void clearingFreesCapacity() {
        Full full = fillUntilFull();

        clear(BatchMeta.concat(full.stored));

        BatchMeta meta = produced(full.rejectedRows, await(call(() -> manager.put(full.rejected, full.rejectedRows,
                noCapacityWait()))));
        assertSameBatch(get(meta), full.rejected);
    }

    private static PutOptions noCapacityWait() {
        return PutOptions.defaults().withTimeout(Duration.ZERO);
    }

    /** A backend filled to its limit: the rows stored, and the put that was rejected. */
    private record Full(List<BatchMeta> stored, List<Batch> batches, Batch rejected, BatchMeta rejectedRows,
            Map<String, FieldSchema> schema, StorageStats statsBefore) {
    }

    private Full fillUntilFull() {
        assumeTrue(manager.capabilities().contains(Capability.CAPACITY_LIMIT),
                "the backend does not declare CAPACITY_LIMIT");
        long rowLimit = 8;
        DataSize byteLimit = DataSize.ofBytes(8L * CAPACITY_ROW_BYTES);
        reopen(requireNonNull(configWithCapacity(rowLimit, byteLimit), "configWithCapacity returned null"));
        assertThat(manager.capabilities()).as("capabilities with configWithCapacity(...)")
                .contains(Capability.CAPACITY_LIMIT);
        String p = newPartition();
        List<BatchMeta> stored = new ArrayList<>();
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < MAX_ROWS_BEFORE_FULL; i++) {
            Batch row = Batch.builder().add("payload", dense(DType.UINT8, 1, new int[] {CAPACITY_ROW_BYTES}, i)).build();
            BatchMeta rows = rows(p, i, 1, 0);
            StorageStats before = manager.stats();
            CompletableFuture<PutResult> f = call(() -> manager.put(row, rows, noCapacityWait()));
            Throwable failure = outcome(f);
            if (failure == null) {
                stored.add(produced(rows, f.join()));
                batches.add(row);
                continue;
            }
            assertThat(failure).as("a put past the limit of configWithCapacity(%d, %s) after %d rows", rowLimit,
                    byteLimit, i).isInstanceOf(CapacityExceededException.class);
            assertThat(stored).as("rows stored before the limit was reached").isNotEmpty();
            return new Full(stored, batches, row, rows, Map.of("payload", FieldSchema.of(row.column("payload"))),
                    before);
        }
        return fail("no put failed after %d rows of %d bytes: configWithCapacity(%d, %s) does not limit capacity",
                MAX_ROWS_BEFORE_FULL, CAPACITY_ROW_BYTES, rowLimit, byteLimit);
    }

    @Test
    public void aPersistentBackendFindsItsDataAfterReopening() {
        assumeTrue(manager.capabilities().contains(Capability.PERSISTENT), "the backend does not declare PERSISTENT");
        Batch batch = mixedBatch(3, 18);
        BatchMeta meta = put(batch, rows(newPartition(), 0, 3, 0));

        reopen(config());

        assertSameBatch(get(meta), batch);
    }

    // ================================================================== concurrency

    @Test
    public void concurrentPutsAndGetsFromEightThreadsKeepEveryByte() throws Exception {
        int threads = 8;
        int rounds = 6;
        int perRound = 4;
        String p = newPartition();
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "conformance-worker-" + names.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<BatchMeta>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<BatchMeta> mine = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        Batch b = mixedBatch(perRound, 1000 + thread * rounds + r);
                        BatchMeta m = put(b, rows(p, thread * 1000L + r * perRound, perRound, 0));
                        assertSameBatch(get(m), b);
                        if (r > 0) {
                            assertSameBatch(get(mine.get(r - 1)), mixedBatch(perRound, 1000 + thread * rounds + r - 1));
                        }
                        mine.add(m);
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<BatchMeta> metas = new ArrayList<>();
            List<Batch> batches = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<BatchMeta> mine;
                try {
                    mine = results.get(t).get(timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("worker " + t + " failed: " + e.getCause(), e.getCause());
                }
                for (int r = 0; r < rounds; r++) {
                    metas.add(mine.get(r));
                    batches.add(mixedBatch(perRound, 1000 + t * rounds + r));
                }
            }
            BatchMeta all = BatchMeta.concat(metas);
            int n = all.size();
            int[] reversed = new int[n];
            for (int i = 0; i < n; i++) {
                reversed[i] = n - 1 - i;
            }
            assertSameBatch(get(all.reorder(reversed)), Batch.concat(batches).rows(reversed));
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    // ================================================================== close

    @Test
    public void operationsAfterCloseFailWithClosedException() {
        Batch batch = mixedBatch(2, 19);
        BatchMeta rows = rows(newPartition(), 0, 2, 0);
        BatchMeta meta = put(batch, rows);

        manager.close();

        assertThat(failureOf(() -> manager.put(batch, rows, PutOptions.defaults()))).as("put after close")
                .isInstanceOf(ClosedException.class);
        assertThat(failureOf(() -> manager.get(meta, ReadOptions.copy()))).as("get after close")
                .isInstanceOf(ClosedException.class);
        assertThat(failureOf(() -> manager.clear(meta))).as("clear after close").isInstanceOf(ClosedException.class);
    }

    @Test
    public void closingTwiceIsHarmlessAndANewManagerCanOpenAfterwards() {
        put(mixedBatch(2, 20), rows(newPartition(), 0, 2, 0));

        manager.close();
        manager.close();
        reopen(config());

        Batch batch = mixedBatch(2, 21);
        assertSameBatch(get(put(batch, rows(newPartition(), 0, 2, 0))), batch);
    }

    @Test
    public void closeStopsEveryTqThreadTheBackendStarted() throws InterruptedException {
        BatchMeta meta = put(mixedBatch(3, 22), rows(newPartition(), 0, 3, 0));
        get(meta);
        clear(meta);

        manager.close();

        long deadline = System.nanoTime() + timeout().toNanos();
        for (Thread t : newTqThreads()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
        }
        assertThat(newTqThreads()).as("threads named tq-* started since the manager was created, still alive %s after "
                + "close()", timeout()).extracting(Thread::getName).isEmpty();
    }

    private static Set<Thread> liveTqThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("tq-")) {
                out.add(t);
            }
        }
        return out;
    }

    private Set<Thread> newTqThreads() {
        Set<Thread> out = liveTqThreads();
        out.removeAll(threadsBefore);
        return out;
    }

    // ================================================================== helpers

    /** A partition no other test (or run) uses. */
    private static String newPartition() {
        return "conformance-" + UUID.randomUUID();
    }

    /** {@code n} rows of a dense, a jagged and an object field, determined by {@code salt}. */
    private static Batch mixedBatch(int n, int salt) {
        int[] lengths = new int[n];
        List<Object> objects = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lengths[i] = (salt + i) % 5;
            objects.add(Map.of("salt", (long) salt, "row", (long) i, "tag", "s" + salt + "r" + i));
        }
        return Batch.builder()
                .add("dense", dense(DType.FLOAT32, n, new int[] {2, 4}, salt))
                .add("jagged", jagged(DType.INT32, salt + 7, lengths))
                .objects("object", objects)
                .build();
    }

    /** Puts and returns the meta the controller would hand a consumer (schema, backend meta, ready). */
    private BatchMeta put(Batch batch, BatchMeta rows) {
        return produced(rows, await(call(() -> manager.put(batch, rows, PutOptions.defaults()))));
    }

    private Batch get(BatchMeta meta) {
        return await(call(() -> manager.get(meta, ReadOptions.copy())));
    }

    private void clear(BatchMeta meta) {
        await(call(() -> manager.clear(meta)));
    }

    /** Calls an operation; it must return a future and report failures through it, not throw. */
    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> op) {
        CompletableFuture<T> f;
        try {
            f = op.get();
        } catch (RuntimeException e) {
            throw new AssertionError("the operation threw " + e + " instead of returning a future that fails with it", e);
        }
        assertThat(f).as("the future the operation returned").isNotNull();
        return f;
    }

    /** The result of {@code f}; a failure or a timeout fails the test with the cause. */
    private <T> T await(CompletableFuture<T> f) {
        Throwable failure = outcome(f);
        if (failure != null) {
            throw new AssertionError("the operation failed: " + failure, failure);
        }
        return f.join();
    }

    /** Waits for {@code f}: null if it succeeded, else the cause of its failure. */
    private Throwable outcome(CompletableFuture<?> f) {
        try {
            f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException | CompletionException e) {
            return unwrap(e);
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete within " + timeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The failure of an operation that must fail (through its future). */
    private Throwable failureOf(Supplier<? extends CompletableFuture<?>> op) {
        CompletableFuture<?> f;
        try {
            f = op.get();
        } catch (RuntimeException e) {
            throw new AssertionError("the operation threw " + e + " instead of returning a future that fails with it", e);
        }
        assertThat(f).as("the future the operation returned").isNotNull();
        Throwable t = outcome(f);
        if (t == null) {
            fail("the operation was expected to fail but completed with %s", f.join());
        }
        return t;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
