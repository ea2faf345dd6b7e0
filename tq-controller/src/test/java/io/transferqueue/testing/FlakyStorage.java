package io.transferqueue.testing;

import io.transferqueue.conformance.InMemoryKvStorageClient;
import io.transferqueue.data.Batch;
import io.transferqueue.error.BackendException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageManager;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** In-memory KV storage whose deletes can be made to fail, as a backend that is down would. */
public final class FlakyStorage implements StorageManager {
    private final InMemoryKvStorageClient store = new InMemoryKvStorageClient();
    private final KvStorageManager inner = new KvStorageManager("flaky", store, "");
    /** While true, every clear fails with {@link BackendException} and deletes nothing. */
    public volatile boolean failClear;

    /** The values stored. */
    public InMemoryKvStorageClient store() {
        return store;
    }

    @Override
    public CompletableFuture<PutResult> put(Batch batch, BatchMeta meta, PutOptions options) {
        return inner.put(batch, meta, options);
    }

    @Override
    public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
        return inner.get(meta, options);
    }

    @Override
    public CompletableFuture<Void> clear(BatchMeta meta) {
        if (failClear) {
            return CompletableFuture.failedFuture(new BackendException("injected: clear failed (backend down)"));
        }
        return inner.clear(meta);
    }

    @Override
    public Set<Capability> capabilities() {
        return inner.capabilities();
    }

    @Override
    public void close() {
        inner.close();
    }
}
