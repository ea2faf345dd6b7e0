package io.transferqueue.conformance.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.InMemoryKvStorageClient;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Column;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageClient;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The kit's tests fail on backends with the bugs they exist for: each case runs one kit test against a
 * deliberately broken backend and expects an {@link AssertionError} (not a skip, not a pass).
 */
class KitCatchesBrokenBackendsTest {

    @Test
    void getsThatShareBuffersBetweenCallersAreCaught() {
        assertCaught(() -> new Forwarding(kv()) {
            private final Map<List<Object>, Batch> cache = new ConcurrentHashMap<>();

            @Override
            public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
                List<Object> key = List.of(meta.handles(), meta.fieldNames());
                Batch cached = cache.get(key);
                return cached != null ? CompletableFuture.completedFuture(cached)
                        : super.get(meta, options).thenApply(b -> {
                            cache.put(key, b);
                            return b;
                        });
            }
        }, StorageManagerConformanceTest::everyGetReturnsIndependentWritableCopies);
    }

    @Test
    void keysWithoutTheGenerationAreCaughtOnReadAndOnClear() {
        Supplier<StorageManager> blind = () -> new KvStorageManager("blind", new KeyMappingClient(
                new InMemoryKvStorageClient(), k -> k.replaceAll("/(\\d+)\\.\\d+/", "/$1/")), "");
        assertCaught(blind, StorageManagerConformanceTest::aStaleHandleNeverReadsTheDataOfANewerGeneration);
        assertCaught(blind, StorageManagerConformanceTest::clearingWithAStaleHandleKeepsTheNewerGeneration);
    }

    @Test
    void aPutThatKeepsTheCallersBuffersIsCaught() {
        assertCaught(() -> new KvStorageManager("keeper", new BufferKeepingClient(), ""),
                StorageManagerConformanceTest::putCopiesTheCallersBuffersSoTheyMayBeReusedAfterwards);
    }

    @Test
    void writableZeroCopyViewsAreCaught() {
        assertCaught(() -> new Forwarding(kv()) {
            @Override
            public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
                return super.get(meta, ReadOptions.copy());
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.ZERO_COPY_READ);
            }
        }, StorageManagerConformanceTest::zeroCopyReadsAreReadOnlyViewsWithTheRightContent);
    }

    @Test
    void operationsThatKeepWorkingAfterCloseAreCaught() {
        assertCaught(() -> new Forwarding(kv()) {
            @Override
            public void close() {
            }
        }, StorageManagerConformanceTest::operationsAfterCloseFailWithClosedException);
    }

    @Test
    void aTqThreadLeftRunningAfterCloseIsCaught() throws InterruptedException {
        List<Thread> started = new ArrayList<>();
        try {
            assertCaught(() -> {
                Thread t = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        LockSupport.park();
                    }
                }, "tq-leaky-worker");
                t.setDaemon(true);
                t.start();
                started.add(t);
                return kv();
            }, StorageManagerConformanceTest::closeStopsEveryTqThreadTheBackendStarted);
        } finally {
            for (Thread t : started) {
                t.interrupt();
                t.join(5000);
            }
        }
    }

    @Test
    void rowsInAnotherOrderAreCaught() {
        assertCaught(() -> new Forwarding(kv()) {
            @Override
            public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
                Integer[] order = new Integer[meta.size()];
                Arrays.setAll(order, i -> i);
                Arrays.sort(order, (a, b) -> Long.compare(meta.globalIndex(a), meta.globalIndex(b)));
                return super.get(meta.selectRows(Arrays.stream(order).mapToInt(Integer::intValue).toArray()), options);
            }
        }, StorageManagerConformanceTest::rowsComeBackInTheOrderOfTheMeta);
    }

    @Test
    void denseFieldsReturnedAsJaggedAreCaught() {
        assertCaught(() -> new Forwarding(kv()) {
            @Override
            public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
                return super.get(meta, options).thenApply(b -> {
                    Map<String, Column> cols = new LinkedHashMap<>();
                    b.columns().forEach((f, c) -> cols.put(f, c instanceof DenseColumn d ? d.toJagged() : c));
                    return Batch.of(cols);
                });
            }
        }, StorageManagerConformanceTest::eachFieldComesBackAsTheKindItWasPutAs);
    }

    @Test
    void aMissingCellReadAsEmptyBytesIsCaught() {
        assertCaught(() -> new KvStorageManager("empty", new KeyMappingClient(new InMemoryKvStorageClient(), k -> k) {
            @Override
            public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> meta) {
                List<ByteBuffer> out = new ArrayList<>();
                for (String k : keys) {
                    out.add(delegate.mget(List.of(k), null).handle((v, e) -> e == null ? v.get(0)
                            : ByteBuffer.allocate(0)).join());
                }
                return CompletableFuture.completedFuture(out);
            }
        }, ""), StorageManagerConformanceTest::readingACellThatWasNeverWrittenFailsWithDataNotFound);
    }

    @Test
    void aCapacityLimitThatIsNotEnforcedIsCaught() {
        assertCaught(() -> new Forwarding(kv()) {
            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.CAPACITY_LIMIT);
            }
        }, StorageManagerConformanceTest::aPutPastTheCapacityLimitFailsAndChangesNothing);
    }

    // ------------------------------------------------------------------ plumbing

    private static StorageManager kv() {
        return new KvStorageManager("kv", new InMemoryKvStorageClient(), "");
    }

    /** Runs {@code test} of the kit on the backend {@code backend} creates; it must fail with an assertion. */
    private static void assertCaught(Supplier<StorageManager> backend, KitTest test) {
        BrokenKit kit = new BrokenKit(backend);
        kit.openManager();
        try {
            assertThatThrownBy(() -> test.run(kit)).as("the kit test on a broken backend")
                    .isInstanceOf(AssertionError.class);
        } finally {
            kit.closeManager();
        }
        assertThat(kit.created).as("managers the kit created").isPositive();
    }

    /** One test method of the kit. */
    private interface KitTest {
        void run(StorageManagerConformanceTest kit) throws Exception;
    }

    private static final class BrokenKit extends StorageManagerConformanceTest {
        private final Supplier<StorageManager> backend;
        private int created;

        BrokenKit(Supplier<StorageManager> backend) {
            this.backend = backend;
        }

        @Override
        protected StorageManagerFactory factory() {
            return new StorageManagerFactory() {
                @Override
                public String name() {
                    return "broken";
                }

                @Override
                public List<ConfigOption<?>> options() {
                    return List.of();
                }

                @Override
                public StorageManager create(TqConfig config, StorageContext context) {
                    created++;
                    return backend.get();
                }
            };
        }

        @Override
        protected TqConfig config() {
            return TqConfig.defaults();
        }

        @Override
        protected TqConfig configWithCapacity(long rowsPerUnitOrTotal, DataSize bytes) {
            return TqConfig.defaults();
        }

        @Override
        protected Duration timeout() {
            return Duration.ofSeconds(1);
        }
    }

    /** Forwards everything to a delegate. */
    private static class Forwarding implements StorageManager {
        private final StorageManager delegate;

        Forwarding(StorageManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<PutResult> put(Batch batch, BatchMeta meta, PutOptions options) {
            return delegate.put(batch, meta, options);
        }

        @Override
        public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
            return delegate.get(meta, options);
        }

        @Override
        public CompletableFuture<Void> clear(BatchMeta meta) {
            return delegate.clear(meta);
        }

        @Override
        public Set<Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A client that stores under mapped keys. */
    private static class KeyMappingClient implements KvStorageClient {
        final InMemoryKvStorageClient delegate;
        private final UnaryOperator<String> map;

        KeyMappingClient(InMemoryKvStorageClient delegate, UnaryOperator<String> map) {
            this.delegate = delegate;
            this.map = map;
        }

        private List<String> mapped(List<String> keys) {
            return keys.stream().map(map).toList();
        }

        @Override
        public CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values) {
            return delegate.mput(mapped(keys), values);
        }

        @Override
        public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> backendMeta) {
            return delegate.mget(mapped(keys), backendMeta);
        }

        @Override
        public CompletableFuture<Void> mdelete(List<String> keys, List<Object> backendMeta) {
            return delegate.mdelete(mapped(keys), backendMeta);
        }

        @Override
        public Set<Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** Keeps the caller's buffers instead of copying them (jeromq#344 in a store). */
    private static final class BufferKeepingClient implements KvStorageClient {
        private final Map<String, ByteBuffer> kept = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values) {
            for (int i = 0; i < keys.size(); i++) {
                kept.put(keys.get(i), values.get(i));
            }
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> backendMeta) {
            List<ByteBuffer> out = new ArrayList<>();
            for (String k : keys) {
                ByteBuffer v = kept.get(k);
                if (v == null) {
                    return CompletableFuture.failedFuture(new io.transferqueue.error.DataNotFoundException("no key '" + k + "'"));
                }
                out.add(v.duplicate());
            }
            return CompletableFuture.completedFuture(out);
        }

        @Override
        public CompletableFuture<Void> mdelete(List<String> keys, List<Object> backendMeta) {
            keys.forEach(kept::remove);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public void close() {
            kept.clear();
        }
    }
}
