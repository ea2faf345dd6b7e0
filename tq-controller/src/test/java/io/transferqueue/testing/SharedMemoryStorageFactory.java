package io.transferqueue.testing;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.InMemoryKvStorageClient;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test backend {@code test-shared-memory}: a KV store in this JVM shared by every client created with the
 * same {@code tq.storage.test-shared-memory.name}, so several clients in one test see the same data (as they
 * would through a real shared store). Stores are per test class run; tests use distinct names.
 */
public final class SharedMemoryStorageFactory implements StorageManagerFactory {
    public static final ConfigOption<String> NAME = ConfigOption.key("tq.storage.test-shared-memory.name")
            .stringType().defaultValue("default").description("Which shared in-memory store to use.");

    private static final Map<String, InMemoryKvStorageClient> STORES = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "test-shared-memory";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(NAME);
    }

    @Override
    public StorageManager create(TqConfig config, StorageContext context) {
        InMemoryKvStorageClient store = STORES.computeIfAbsent(config.get(NAME), n -> new InMemoryKvStorageClient());
        return new KvStorageManager("test-shared-memory", new NonClosing(store), "");
    }

    /** Every manager borrows the shared store; none closes it. */
    private static final class NonClosing implements io.transferqueue.spi.KvStorageClient {
        private final InMemoryKvStorageClient d;

        NonClosing(InMemoryKvStorageClient d) {
            this.d = d;
        }

        @Override
        public java.util.concurrent.CompletableFuture<List<Object>> mput(List<String> keys,
                List<java.nio.ByteBuffer> values) {
            return d.mput(keys, values);
        }

        @Override
        public java.util.concurrent.CompletableFuture<List<java.nio.ByteBuffer>> mget(List<String> keys,
                List<Object> meta) {
            return d.mget(keys, meta);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> mdelete(List<String> keys, List<Object> meta) {
            return d.mdelete(keys, meta);
        }

        @Override
        public java.util.Set<io.transferqueue.spi.Capability> capabilities() {
            return d.capabilities();
        }

        @Override
        public void close() {
        }
    }
}
