package io.transferqueue.backend.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.ConfigException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;

/** Opening, closing, reopening and locking databases through the factory, as a host does. */
class RocksDbLifecycleTest {
    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path dir;

    private final RocksDbStorageFactory factory = new RocksDbStorageFactory();

    private StorageManager open(Path path) {
        return open(TqConfig.defaults().with(RocksDbOptions.PATH, path.toString()));
    }

    private StorageManager open(TqConfig config) {
        return factory.create(config, StorageContext.of("lifecycle-test", getClass().getClassLoader()));
    }

    /** Rows of a dense int32 field, a jagged float32 field and an object field, determined by {@code salt}. */
    private static Batch batch(int rows, int salt) {
        ByteBuffer dense = Buffers.allocate(rows * 3 * 4);
        for (int i = 0; i < rows * 3; i++) {
            dense.putInt(i * 4, salt * 1000 + i);
        }
        int[][] shapes = new int[rows][];
        int total = 0;
        for (int i = 0; i < rows; i++) {
            shapes[i] = new int[] {(salt + i) % 4};
            total += shapes[i][0];
        }
        ByteBuffer jagged = Buffers.allocate(total * 4);
        for (int i = 0; i < total; i++) {
            jagged.putFloat(i * 4, salt + i / 8f);
        }
        List<Object> objects = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            objects.add(Map.of("salt", (long) salt, "row", (long) i));
        }
        return Batch.builder()
                .add("dense", DenseColumn.wrap(DType.INT32, rows, new int[] {3}, dense))
                .add("jagged", JaggedColumn.wrap(DType.FLOAT32, shapes, jagged))
                .objects("object", objects)
                .build();
    }

    private static BatchMeta rows(String partition, int n) {
        List<RowHandle> h = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            h.add(new RowHandle(partition, i, 0));
        }
        return BatchMeta.of(h);
    }

    private static BatchMeta put(StorageManager m, Batch batch, BatchMeta rows) throws Exception {
        PutResult r = m.put(batch, rows, PutOptions.defaults()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return rows.withSchema(r.schema(), true);
    }

    private static Batch get(StorageManager m, BatchMeta meta) throws Exception {
        return m.get(meta, ReadOptions.copy()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Columns compare by content (dtype, shapes, bytes; object values by equality). */
    static void assertSameBatch(Batch actual, Batch expected) {
        assertThat(actual.size()).isEqualTo(expected.size());
        assertThat(actual.columns()).isEqualTo(expected.columns());
    }

    @Test
    void dataWrittenBeforeCloseIsFoundAfterReopeningTheSamePath() throws Exception {
        Path path = dir.resolve("store");
        Batch batch = batch(5, 1);
        BatchMeta meta;
        try (StorageManager m = open(path)) {
            assertThat(m.capabilities()).containsExactly(Capability.PERSISTENT);
            meta = put(m, batch, rows("p/1", 5));
        }
        assertThat(path.resolve("CURRENT")).isRegularFile();

        try (StorageManager m = open(path)) {
            assertSameBatch(get(m, meta), batch);
            RocksDB db = m.unwrap(RocksDB.class);
            String key = KvStorageManager.key("", meta.handle(2), "dense");
            assertThat(key).as("keys carry partition, global index and generation").isEqualTo("p%2F1/2.0/dense");
            assertThat(db.get(key.getBytes(StandardCharsets.UTF_8))).hasSize(3 * 4);
        }
        try (StorageManager m = open(path)) {
            assertSameBatch(get(m, meta), batch);
        }
    }

    @Test
    void withoutTheWriteAheadLogACleanCloseStillPersists() throws Exception {
        Path path = dir.resolve("no-wal");
        TqConfig config = TqConfig.defaults().with(RocksDbOptions.PATH, path.toString())
                .with(RocksDbOptions.WAL, false);
        Batch batch = batch(3, 2);
        BatchMeta meta;
        try (StorageManager m = open(config)) {
            meta = put(m, batch, rows("p", 3));
        }
        try (StorageManager m = open(config)) {
            assertSameBatch(get(m, meta), batch);
        }
    }

    @Test
    void withoutAPathTheTemporaryDirectoryIsRemovedAtClose() throws Exception {
        StorageManager m = open(TqConfig.defaults());
        Path tmp = m.unwrap(RocksDbStorageClient.class).directory();
        assertThat(tmp.resolve("CURRENT")).isRegularFile();
        assertThat(m.capabilities()).doesNotContain(Capability.PERSISTENT, Capability.ZERO_COPY_READ);
        put(m, batch(2, 3), rows("p", 2));

        m.close();
        m.close();

        assertThat(tmp).doesNotExist();
    }

    @Test
    void twoInstancesOnTwoPathsInOneJvmKeepTheirOwnData() throws Exception {
        Batch first = batch(4, 10);
        Batch second = batch(4, 20);
        try (StorageManager a = open(dir.resolve("a")); StorageManager b = open(dir.resolve("b"))) {
            BatchMeta ma = put(a, first, rows("same", 4));
            BatchMeta mb = put(b, second, rows("same", 4));

            assertSameBatch(get(a, ma), first);
            assertSameBatch(get(b, mb), second);
            assertThat(a.unwrap(RocksDB.class)).isNotSameAs(b.unwrap(RocksDB.class));
        }
    }

    @Test
    void theNativeLibraryIsLoadedOncePerJvmWhateverTheNumberOfLoadsAndInstances() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> loads = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                loads.add(pool.submit(() -> {
                    start.await();
                    RocksDB.loadLibrary();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : loads) {
                f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (StorageManager a = open(dir.resolve("a")); StorageManager b = open(dir.resolve("b"));
                StorageManager c = open(TqConfig.defaults())) {
            RocksDB.loadLibrary();
            assertThat(List.of(a, b, c)).extracting(m -> m.unwrap(RocksDB.class)).doesNotHaveDuplicates();
            Path maps = Path.of("/proc/self/maps");
            assumeTrue(Files.isReadable(maps), "no /proc/self/maps on this platform");
            Set<String> libraries = new TreeSet<>();
            try (Stream<String> lines = Files.lines(maps)) {
                lines.filter(l -> l.contains("rocksdbjni")).forEach(l -> libraries.add(l.substring(l.indexOf('/'))));
            }
            assertThat(libraries).as("RocksDB native libraries mapped into this process").hasSize(1);
        }
    }

    @Test
    void aSecondInstanceOnTheSamePathFailsWithATypedErrorNamingThePathAndTheLock() throws Exception {
        Path path = dir.resolve("locked");
        Batch batch = batch(2, 4);
        try (StorageManager first = open(path)) {
            BatchMeta meta = put(first, batch, rows("p", 2));

            assertThatThrownBy(() -> open(path))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining(path.toString())
                    .hasMessageContaining(path.resolve("LOCK").toString())
                    .hasMessageContaining("tq.storage.rocksdb.path");

            assertSameBatch(get(first, meta), batch);
        }
        try (StorageManager again = open(path)) {
            assertThat(again.capabilities()).contains(Capability.PERSISTENT);
        }
    }

    @Test
    void unwrapGivesTheRocksDbHandleUntilClose() throws Exception {
        StorageManager m = open(dir.resolve("unwrap"));
        RocksDB db = m.unwrap(RocksDB.class);
        db.put("raw".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
        assertThat(db.get("raw".getBytes(StandardCharsets.UTF_8))).containsExactly(1, 2, 3);
        assertThat(m.unwrap(RocksDbStorageClient.class)).isNotNull();
        assertThatThrownBy(() -> m.unwrap(String.class)).isInstanceOf(IllegalArgumentException.class);

        m.close();

        assertThatThrownBy(() -> m.unwrap(RocksDB.class)).isInstanceOf(ClosedException.class);
    }

    @Test
    void aMissingDatabaseWithCreateIfMissingOffIsAConfigErrorNamingThePath() {
        Path path = dir.resolve("absent");
        TqConfig config = TqConfig.defaults().with(RocksDbOptions.PATH, path.toString())
                .with(RocksDbOptions.CREATE_IF_MISSING, false);

        assertThatThrownBy(() -> open(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(path.toString()).hasMessageContaining("tq.storage.rocksdb.create-if-missing");
        assertThat(path).doesNotExist();
    }

    @Test
    void createIfMissingCreatesParentDirectories() throws Exception {
        Path path = dir.resolve("a/b/c");
        try (StorageManager m = open(path)) {
            put(m, batch(1, 5), rows("p", 1));
        }
        TqConfig existing = TqConfig.defaults().with(RocksDbOptions.PATH, path.toString())
                .with(RocksDbOptions.CREATE_IF_MISSING, false);
        try (StorageManager m = open(existing)) {
            assertThat(m.capabilities()).contains(Capability.PERSISTENT);
        }
    }

    @Test
    void aPathThatIsAFileIsAConfigError() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> open(file)).isInstanceOf(ConfigException.class).hasMessageContaining(file.toString());
    }

    @Test
    void aFailureRocksDbReportsIsABackendExceptionWithItsMessage() throws Exception {
        Path path = dir.resolve("corrupt");
        try (StorageManager m = open(path)) {
            put(m, batch(1, 6), rows("p", 1));
        }
        Files.writeString(path.resolve("CURRENT"), "MANIFEST-999999\n");

        assertThatThrownBy(() -> open(path))
                .isExactlyInstanceOf(BackendException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("MANIFEST-999999");
        try (Stream<Path> files = Files.list(path)) {
            assertThat(files).as("the failed open left the directory as it was").isNotEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(RocksDbCompression.class)
    void everyCompressionWritesAndReadsFiles(RocksDbCompression compression) throws Exception {
        TqConfig config = TqConfig.defaults().with(RocksDbOptions.PATH, dir.resolve(compression.name()).toString())
                .with(RocksDbOptions.COMPRESSION, compression);
        Batch batch = batch(6, 7);
        try (StorageManager m = open(config)) {
            BatchMeta meta = put(m, batch, rows("p", 6));
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                m.unwrap(RocksDB.class).flush(flush);
            }
            assertThat(m.unwrap(RocksDB.class).getProperty("rocksdb.num-files-at-level0")).isNotEqualTo("0");
            assertSameBatch(get(m, meta), batch);
        }
    }
}
