package io.transferqueue.testing;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.InMemoryKvStorageClient;
import io.transferqueue.error.BackendException;
import io.transferqueue.spi.KvStorageClient;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Test backend {@code test-failing}: writes every value, then fails the put (a store that dies mid-put). */
public final class FailingStorageFactory implements StorageManagerFactory {
    @Override
    public String name() {
        return "test-failing";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of();
    }

    @Override
    public StorageManager create(TqConfig config, StorageContext context) {
        InMemoryKvStorageClient store = new InMemoryKvStorageClient();
        return new KvStorageManager("test-failing", new KvStorageClient() {
            @Override
            public CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values) {
                return store.mput(keys, values).thenCompose(v -> CompletableFuture.failedFuture(
                        new BackendException("disk full after " + keys.size() + " values")));
            }

            @Override
            public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> meta) {
                return store.mget(keys, meta);
            }

            @Override
            public CompletableFuture<Void> mdelete(List<String> keys, List<Object> meta) {
                return store.mdelete(keys, meta);
            }

            @Override
            public Set<io.transferqueue.spi.Capability> capabilities() {
                return Set.of();
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                return type.cast(store);
            }

            @Override
            public void close() {
                store.close();
            }
        }, "");
    }
}
