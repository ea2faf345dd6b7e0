package io.transferqueue.spi;

import io.transferqueue.error.BackendException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A key-value store of byte values, the small contract a KV backend implements; the generic
 * {@link KvStorageManager} turns batches into keys and values over it.
 *
 * <p>Keys are distinct within one call. Values passed in are borrowed for the call (the client copies what
 * it keeps). Buffers returned belong to the caller. A missing key or a key the store failed to read is a
 * typed error ({@link io.transferqueue.error.MissingKeysException} carrying the missing keys,
 * {@link io.transferqueue.error.BackendUnavailableException}, {@link BackendException}); a client never
 * returns null or empty bytes for a key it could not read.
 */
public interface KvStorageClient extends AutoCloseable {

    /**
     * Writes all values. May complete after writing some of them and then fail: the manager treats the
     * whole put as failed.
     *
     * @return per-key backend meta aligned with {@code keys} (entries may be null), or an empty list
     */
    CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values);

    /**
     * Reads the values of {@code keys}, in key order.
     *
     * @param backendMeta what {@link #mput} returned for each key (null entries where none)
     */
    CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> backendMeta);

    /**
     * Reads values into the caller's buffers: {@code destinations[i]} has exactly the size of value i
     * (known from the schema). The default reads with {@link #mget} and copies; stores that can write in
     * place override it. A stored value of another size is a {@link BackendException} naming the key.
     */
    default CompletableFuture<Void> mgetInto(List<String> keys, List<Object> backendMeta, List<ByteBuffer> destinations) {
        return mget(keys, backendMeta).thenAccept(values -> {
            if (values == null || values.size() != keys.size()) {
                throw new BackendException("read of " + keys.size() + " keys returned "
                        + (values == null ? "no list" : values.size() + " values"));
            }
            for (int i = 0; i < values.size(); i++) {
                ByteBuffer v = values.get(i);
                ByteBuffer d = destinations.get(i);
                if (v == null) {
                    throw new BackendException("read returned null for key '" + keys.get(i) + "'");
                }
                if (v.remaining() != d.remaining()) {
                    throw new BackendException("value of key '" + keys.get(i) + "' has " + v.remaining()
                            + " bytes, expected " + d.remaining());
                }
                d.duplicate().put(v.duplicate());
            }
        });
    }

    /**
     * Reads values into new buffers the caller owns: writable, little-endian, of exactly {@code sizes[i]} bytes
     * for value i (known from the schema). This is how {@link KvStorageManager} serves a copying read. The
     * default allocates heap buffers and reads into them with {@link #mgetInto}; a store overrides it to allocate
     * where it copies (on the threads that copy, or from its receive path). A stored value of another size is a
     * {@link BackendException} naming the key.
     */
    default CompletableFuture<List<ByteBuffer>> mgetOwned(List<String> keys, List<Object> backendMeta, int[] sizes) {
        if (sizes.length != keys.size()) {
            return CompletableFuture.failedFuture(new io.transferqueue.error.InvalidRequestException("read of "
                    + keys.size() + " keys with " + sizes.length + " sizes"));
        }
        List<ByteBuffer> out = new java.util.ArrayList<>(sizes.length);
        List<ByteBuffer> views = new java.util.ArrayList<>(sizes.length);
        for (int size : sizes) {
            ByteBuffer b = io.transferqueue.data.Buffers.allocate(size);
            out.add(b);
            views.add(b.duplicate());
        }
        return mgetInto(keys, backendMeta, views).thenApply(v -> out);
    }

    /** Deletes {@code keys}; missing keys are not an error. */
    CompletableFuture<Void> mdelete(List<String> keys, List<Object> backendMeta);

    /** What the store can do (e.g. {@link Capability#PERSISTENT}, {@link Capability#REMOTE}). */
    Set<Capability> capabilities();

    /** See {@link StorageManager#unwrap}. */
    default <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new IllegalArgumentException(getClass().getSimpleName() + " cannot be unwrapped to " + type.getName());
    }

    /** Releases what the client created. Idempotent. */
    @Override
    void close();
}
