package io.transferqueue.spi;

import io.transferqueue.error.DataNotFoundException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** A map-backed client that records every call and can be told to misbehave. */
final class FakeKvClient implements KvStorageClient {
    final Map<String, byte[]> store = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<List<String>> keysOfCalls = Collections.synchronizedList(new ArrayList<>());
    final List<List<Object>> metaOfCalls = Collections.synchronizedList(new ArrayList<>());
    volatile List<ByteBuffer> lastPutValues;
    volatile Function<List<String>, List<Object>> putMeta = keys -> List.of();
    volatile UnaryOperator<List<ByteBuffer>> tamperGet = v -> v;
    /** Applied to what {@link #mgetOwned} returns. */
    volatile UnaryOperator<List<ByteBuffer>> tamperOwned = v -> v;
    volatile int[] lastOwnedSizes;
    /** Failed future with this on the next call. */
    volatile RuntimeException failWith;
    /** Thrown synchronously from the next call. */
    volatile RuntimeException throwSync;
    volatile boolean returnNullFuture;
    /** Message of the not-found error; null: names the first missing key. */
    volatile String notFoundMessage;
    /** Report missing keys as data ({@link io.transferqueue.error.MissingKeysException}) instead of in the message. */
    volatile boolean typedMissingKeys;
    volatile Set<Capability> capabilities = Set.of();
    volatile int closeCount;

    private <T> CompletableFuture<T> begin(String call, List<String> keys, List<Object> meta) {
        calls.add(call);
        keysOfCalls.add(List.copyOf(keys));
        metaOfCalls.add(meta == null ? null : Collections.unmodifiableList(new ArrayList<>(meta)));
        if (new HashSet<>(keys).size() != keys.size()) {
            throw new IllegalStateException("keys are not distinct: " + keys);
        }
        RuntimeException sync = throwSync;
        if (sync != null) {
            throwSync = null;
            throw sync;
        }
        RuntimeException fail = failWith;
        if (fail != null) {
            failWith = null;
            return CompletableFuture.failedFuture(fail);
        }
        return null;
    }

    @Override
    public CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values) {
        CompletableFuture<List<Object>> f = begin("mput", keys, null);
        if (f != null) {
            return f;
        }
        if (returnNullFuture) {
            return null;
        }
        lastPutValues = List.copyOf(values);
        for (int i = 0; i < keys.size(); i++) {
            ByteBuffer v = values.get(i);
            byte[] b = new byte[v.remaining()];
            v.duplicate().get(b);
            store.put(keys.get(i), b);
        }
        return CompletableFuture.completedFuture(putMeta.apply(keys));
    }

    @Override
    public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> backendMeta) {
        CompletableFuture<List<ByteBuffer>> f = begin("mget", keys, backendMeta);
        if (f != null) {
            return f;
        }
        return read(keys);
    }

    private CompletableFuture<List<ByteBuffer>> read(List<String> keys) {
        List<ByteBuffer> out = new ArrayList<>();
        for (String k : keys) {
            byte[] b = store.get(k);
            if (b == null) {
                String msg = notFoundMessage;
                if (typedMissingKeys) {
                    return CompletableFuture.failedFuture(new io.transferqueue.error.MissingKeysException(List.of(k),
                            msg != null ? msg : "1 key not found"));
                }
                return CompletableFuture.failedFuture(new DataNotFoundException(msg != null ? msg
                        : "key '" + k + "' not found"));
            }
            out.add(ByteBuffer.wrap(b.clone()));
        }
        return CompletableFuture.completedFuture(tamperGet.apply(out));
    }

    /** The interface's default (allocate, then {@link #mgetInto}), recording the sizes asked for. */
    @Override
    public CompletableFuture<List<ByteBuffer>> mgetOwned(List<String> keys, List<Object> backendMeta, int[] sizes) {
        lastOwnedSizes = sizes.clone();
        return KvStorageClient.super.mgetOwned(keys, backendMeta, sizes).thenApply(v -> tamperOwned.apply(v));
    }

    @Override
    public CompletableFuture<Void> mgetInto(List<String> keys, List<Object> backendMeta, List<ByteBuffer> destinations) {
        CompletableFuture<Void> f = begin("mgetInto", keys, backendMeta);
        if (f != null) {
            return f;
        }
        // the interface default, over the unrecorded read
        return read(keys).thenAccept(values -> {
            KvStorageClient plain = new KvStorageClient() {
                @Override
                public CompletableFuture<List<Object>> mput(List<String> k, List<ByteBuffer> v) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public CompletableFuture<List<ByteBuffer>> mget(List<String> k, List<Object> m) {
                    return CompletableFuture.completedFuture(values);
                }

                @Override
                public CompletableFuture<Void> mdelete(List<String> k, List<Object> m) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Set<Capability> capabilities() {
                    return Set.of();
                }

                @Override
                public void close() {
                }
            };
            plain.mgetInto(keys, backendMeta, destinations).join();
        });
    }

    @Override
    public CompletableFuture<Void> mdelete(List<String> keys, List<Object> backendMeta) {
        CompletableFuture<Void> f = begin("mdelete", keys, backendMeta);
        if (f != null) {
            return f;
        }
        keys.forEach(store::remove);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void close() {
        closeCount++;
    }
}
