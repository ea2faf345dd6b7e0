package io.transferqueue.conformance;

import static java.util.Objects.requireNonNull;

import io.transferqueue.config.DataSize;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link KvStorageClient} that keeps values in a map of this process: the reference implementation of
 * the client contract, and a test double for a {@link io.transferqueue.spi.KvStorageManager} (the kit tests
 * itself with it). Thread-safe. Futures complete on the calling thread, before the method returns.
 *
 * <p><b>Copies.</b> {@link #mput} copies every value in; {@link #mget} and {@link #mgetInto} copy out. With
 * {@link Builder#zeroCopyReads} it declares {@link Capability#ZERO_COPY_READ} and {@code mget} returns
 * read-only views of the stored arrays instead; a stored array is never written after it is stored (an
 * overwrite stores a new one), so such a view keeps its content for as long as it is held.
 *
 * <p><b>Capacity.</b> With {@link Builder#maxKeys} or {@link Builder#maxBytes} it declares
 * {@link Capability#CAPACITY_LIMIT} and rejects a put that would go past a limit with
 * {@link CapacityExceededException}, writing none of its values (values count their bytes, keys count
 * once).
 *
 * <p><b>Backend meta.</b> With {@link Builder#backendMeta} each {@code mput} returns, per key, the sequence
 * number of that write (a {@code Long}), and every read checks that the caller passed back exactly the
 * meta of the value stored, failing with {@link BackendException} otherwise: a strict check that a manager
 * hands the right per-cell meta back.
 *
 * <p><b>Errors.</b> A missing key is a {@link DataNotFoundException} whose message names every missing key
 * (up to {@value #MAX_KEYS_IN_MESSAGE}); after {@link #close()} every call fails with {@link ClosedException}.
 * Calls are counted ({@link #mputCalls()} and friends) so tests can prove which path ran.
 */
public final class InMemoryKvStorageClient implements KvStorageClient {
    private static final int MAX_KEYS_IN_MESSAGE = 16;

    private record Entry(byte[] value, long seq) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Guards writes (capacity accounting is all-or-nothing per put); reads take no lock. */
    private final Object writeLock = new Object();
    private final long maxKeys;
    private final long maxBytes;
    private final boolean zeroCopyReads;
    private final boolean backendMeta;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong mputCalls = new AtomicLong();
    private final AtomicLong mgetCalls = new AtomicLong();
    private final AtomicLong mgetIntoCalls = new AtomicLong();
    private final AtomicLong mdeleteCalls = new AtomicLong();
    /** Bytes of all stored values; guarded by writeLock. */
    private long bytes;
    private volatile boolean closed;

    /** An unlimited client without zero-copy reads or backend meta. */
    public InMemoryKvStorageClient() {
        this(builder());
    }

    private InMemoryKvStorageClient(Builder b) {
        this.maxKeys = b.maxKeys;
        this.maxBytes = b.maxBytes;
        this.zeroCopyReads = b.zeroCopyReads;
        this.backendMeta = b.backendMeta;
    }

    /** Options of a new client. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Copies and stores every value, all or none.
     *
     * @return per-key write sequence numbers with {@link Builder#backendMeta}, else an empty list
     */
    @Override
    public CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values) {
        mputCalls.incrementAndGet();
        try {
            requireNonNull(keys, "keys is null");
            requireNonNull(values, "values is null");
            if (keys.size() != values.size()) {
                throw new InvalidRequestException("mput of " + keys.size() + " keys with " + values.size() + " values");
            }
            checkOpen();
            // copy outside the lock; a later key wins over an earlier one of the same name
            Map<String, byte[]> copies = new HashMap<>(Math.max(16, keys.size() * 2));
            for (int i = 0; i < keys.size(); i++) {
                ByteBuffer v = requireNonNull(values.get(i), "value of key '" + keys.get(i) + "' is null");
                byte[] copy = new byte[v.remaining()];
                v.duplicate().get(copy);
                copies.put(requireNonNull(keys.get(i), "key is null"), copy);
            }
            Map<String, Long> seqs = new HashMap<>(Math.max(16, copies.size() * 2));
            synchronized (writeLock) {
                checkOpen();
                long addedKeys = 0;
                long newBytes = bytes;
                for (Map.Entry<String, byte[]> e : copies.entrySet()) {
                    Entry old = entries.get(e.getKey());
                    if (old == null) {
                        addedKeys++;
                    } else {
                        newBytes -= old.value().length;
                    }
                    newBytes += e.getValue().length;
                }
                long newKeys = entries.size() + addedKeys;
                if ((maxKeys >= 0 && newKeys > maxKeys) || (maxBytes >= 0 && newBytes > maxBytes)) {
                    throw new CapacityExceededException("in-memory store is full: a put of " + copies.size()
                            + " keys would hold " + newKeys + " keys and " + newBytes + " bytes, the limits are "
                            + (maxKeys < 0 ? "unlimited" : maxKeys) + " keys and "
                            + (maxBytes < 0 ? "unlimited" : maxBytes) + " bytes; nothing was written, clear rows first");
                }
                for (Map.Entry<String, byte[]> e : copies.entrySet()) {
                    long seq = sequence.incrementAndGet();
                    entries.put(e.getKey(), new Entry(e.getValue(), seq));
                    seqs.put(e.getKey(), seq);
                }
                bytes = newBytes;
            }
            if (!backendMeta) {
                return CompletableFuture.completedFuture(List.of());
            }
            List<Object> out = new ArrayList<>(keys.size());
            for (String k : keys) {
                out.add(seqs.get(k));
            }
            return CompletableFuture.completedFuture(out);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Copies of the values (read-only views of them with {@link Builder#zeroCopyReads}), in key order. */
    @Override
    public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> backendMeta) {
        mgetCalls.incrementAndGet();
        try {
            List<Entry> found = lookUp(keys, backendMeta);
            List<ByteBuffer> out = new ArrayList<>(found.size());
            for (Entry e : found) {
                out.add(zeroCopyReads ? ByteBuffer.wrap(e.value()).asReadOnlyBuffer() : ByteBuffer.wrap(e.value().clone()));
            }
            return CompletableFuture.completedFuture(out);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Copies each value straight into its destination (positions of the destinations are not moved). */
    @Override
    public CompletableFuture<Void> mgetInto(List<String> keys, List<Object> backendMeta, List<ByteBuffer> destinations) {
        mgetIntoCalls.incrementAndGet();
        try {
            requireNonNull(destinations, "destinations is null");
            if (destinations.size() != keys.size()) {
                throw new InvalidRequestException("mgetInto of " + keys.size() + " keys into " + destinations.size()
                        + " buffers");
            }
            List<Entry> found = lookUp(keys, backendMeta);
            for (int i = 0; i < found.size(); i++) {
                byte[] v = found.get(i).value();
                ByteBuffer d = destinations.get(i);
                if (v.length != d.remaining()) {
                    throw new BackendException("value of key '" + keys.get(i) + "' has " + v.length + " bytes, expected "
                            + d.remaining());
                }
                d.duplicate().put(v);
            }
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private List<Entry> lookUp(List<String> keys, List<Object> meta) {
        requireNonNull(keys, "keys is null");
        if (meta != null && meta.size() != keys.size()) {
            throw new InvalidRequestException("read of " + keys.size() + " keys with " + meta.size() + " backend meta entries");
        }
        checkOpen();
        List<Entry> out = new ArrayList<>(keys.size());
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            Entry e = entries.get(k);
            if (e == null) {
                missing.add(k);
            }
            out.add(e);
        }
        if (!missing.isEmpty()) {
            StringBuilder sb = new StringBuilder("no value for ");
            sb.append(missing.size() == 1 ? "key" : missing.size() + " keys");
            for (int i = 0; i < Math.min(missing.size(), MAX_KEYS_IN_MESSAGE); i++) {
                sb.append(i == 0 ? " '" : ", '").append(missing.get(i)).append('\'');
            }
            throw new io.transferqueue.error.MissingKeysException(missing,
                    sb.append(missing.size() > MAX_KEYS_IN_MESSAGE ? ", ..." : "").toString());
        }
        if (backendMeta) {
            for (int i = 0; i < keys.size(); i++) {
                Object m = meta == null ? null : meta.get(i);
                long seq = out.get(i).seq();
                if (!(m instanceof Long l) || l != seq) {
                    throw new BackendException("backend meta of key '" + keys.get(i) + "' is " + m + ", the stored value "
                            + "was written with " + seq + ": the caller did not pass back the meta of this write");
                }
            }
        }
        return out;
    }

    /** Deletes the keys; missing keys are not an error. */
    @Override
    public CompletableFuture<Void> mdelete(List<String> keys, List<Object> backendMeta) {
        mdeleteCalls.incrementAndGet();
        try {
            requireNonNull(keys, "keys is null");
            synchronized (writeLock) {
                checkOpen();
                for (String k : keys) {
                    Entry e = entries.remove(k);
                    if (e != null) {
                        bytes -= e.value().length;
                    }
                }
            }
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedException("in-memory key-value store is closed");
        }
    }

    /** {@link Capability#ZERO_COPY_READ} and {@link Capability#CAPACITY_LIMIT} as configured. */
    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.noneOf(Capability.class);
        if (zeroCopyReads) {
            c.add(Capability.ZERO_COPY_READ);
        }
        if (maxKeys >= 0 || maxBytes >= 0) {
            c.add(Capability.CAPACITY_LIMIT);
        }
        return Collections.unmodifiableSet(c);
    }

    /** Drops every value. Idempotent. */
    @Override
    public void close() {
        synchronized (writeLock) {
            closed = true;
            entries.clear();
            bytes = 0;
        }
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Keys held. */
    public int size() {
        return entries.size();
    }

    /** Bytes of all values held. */
    public long bytes() {
        synchronized (writeLock) {
            return bytes;
        }
    }

    /** The keys held, sorted (a snapshot). */
    public SortedSet<String> keys() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(entries.keySet()));
    }

    /** Calls of {@link #mput} so far (failed ones included); likewise for the other counters. */
    public long mputCalls() {
        return mputCalls.get();
    }

    public long mgetCalls() {
        return mgetCalls.get();
    }

    public long mgetIntoCalls() {
        return mgetIntoCalls.get();
    }

    public long mdeleteCalls() {
        return mdeleteCalls.get();
    }

    @Override
    public String toString() {
        return "InMemoryKvStorageClient(" + entries.size() + " keys" + (closed ? ", closed" : "") + ")";
    }

    /** Options of an {@link InMemoryKvStorageClient}; by default unlimited, copying, without backend meta. */
    public static final class Builder {
        private long maxKeys = -1;
        private long maxBytes = -1;
        private boolean zeroCopyReads;
        private boolean backendMeta;

        private Builder() {
        }

        /** At most {@code n} keys (declares {@link Capability#CAPACITY_LIMIT}). */
        public Builder maxKeys(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative key limit " + n);
            }
            this.maxKeys = n;
            return this;
        }

        /** At most {@code size} bytes of values (declares {@link Capability#CAPACITY_LIMIT}). */
        public Builder maxBytes(DataSize size) {
            this.maxBytes = requireNonNull(size, "size is null").bytes();
            return this;
        }

        /** {@code mget} returns read-only views of stored values (declares {@link Capability#ZERO_COPY_READ}). */
        public Builder zeroCopyReads(boolean on) {
            this.zeroCopyReads = on;
            return this;
        }

        /** {@code mput} returns per-key write sequence numbers, and reads check they come back. */
        public Builder backendMeta(boolean on) {
            this.backendMeta = on;
            return this;
        }

        public InMemoryKvStorageClient build() {
            return new InMemoryKvStorageClient(this);
        }
    }
}
