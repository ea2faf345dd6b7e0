package io.transferqueue.backend.rocksdb;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.ConfigException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KvStorageClient} on an embedded RocksDB: local disk that outlives the process (with a path) and
 * holds more than fits in memory. Keys are the manager's strings in UTF-8; values are stored as given.
 *
 * <p><b>Threads.</b> RocksDB calls block, so every call runs on a small pool this client owns (threads
 * {@code tq-rocksdb-<id>-io-<i>}); futures complete there. {@link #close()} lets calls already running finish,
 * fails queued ones with {@link ClosedException}, then closes the native handles in reverse order of creation
 * (so no native call ever runs on a closed handle) and, without a path, deletes the temporary directory. Called on
 * one of the pool's threads (a future's callback), it cannot wait for the call that thread is still running: it
 * returns at once and a short-lived {@code tq-rocksdb-<id>-closer} thread does the waiting and the closing.
 *
 * <p><b>Copies.</b> {@link #mput} writes one {@link WriteBatch} (all or nothing); heap values are staged through a
 * reused per-thread direct buffer, direct values go to RocksDB as they are. {@link #mgetInto} reads every value
 * straight into its destination (one copy out of RocksDB, no intermediate array), all keys from one snapshot.
 * {@link #mget} uses {@code multiGetAsList}.
 *
 * <p><b>Errors.</b> A missing key is a {@link DataNotFoundException} naming the keys; a failure RocksDB reports is a
 * {@link BackendException} carrying RocksDB's message; a database locked by another instance is a
 * {@link BackendUnavailableException} naming the path and the lock file.
 */
public final class RocksDbStorageClient implements KvStorageClient {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbStorageClient.class);
    /** Keys named in a not-found message before "...". */
    private static final int MAX_KEYS_IN_MESSAGE = 16;
    /**
     * Most bytes a pool thread keeps for reuse: a key plus value staged through its direct buffer (larger heap
     * values are copied to an array) and a write batch (larger batches are allocated per put).
     */
    private static final int SCRATCH_LIMIT = 8 << 20;

    private final RocksDbConfig config;
    private final Path directory;
    private final boolean temporary;
    /** Native handles in creation order; closed from the last. */
    private final Deque<AutoCloseable> natives;
    private final RocksDB db;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final ThreadPoolExecutor executor;
    /** Threads of {@link #executor}: close() on one of them must not wait for the pool to end. */
    private final Set<Thread> poolThreads = ConcurrentHashMap.newKeySet();
    /** Names this client's threads: {@code tq-rocksdb-<id>-}. */
    private final String threadPrefix;
    private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();
    /** Every thread's scratch, to close their write batches at close. */
    private final Queue<Scratch> scratches = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set first in close(): calls that have not started yet fail instead of touching the database. */
    private volatile boolean closing;

    private RocksDbStorageClient(RocksDbConfig config, Path directory, boolean temporary, Deque<AutoCloseable> natives,
            RocksDB db, WriteOptions writeOptions, ReadOptions readOptions) {
        this.config = config;
        this.directory = directory;
        this.temporary = temporary;
        this.natives = natives;
        this.db = db;
        this.writeOptions = writeOptions;
        this.readOptions = readOptions;
        int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        this.threadPrefix = "tq-rocksdb-" + Integer.toHexString(System.identityHashCode(this)) + "-";
        AtomicInteger names = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, threadPrefix + "io-" + names.incrementAndGet());
                    t.setDaemon(true);
                    poolThreads.add(t);
                    return t;
                });
    }

    /**
     * Opens (creating if configured) the database {@code config} names, or a fresh temporary one.
     *
     * @throws BackendUnavailableException if the native library cannot be loaded or another instance holds the
     *     database's lock
     * @throws ConfigException if the path is not a usable directory or holds no database and
     *     {@link RocksDbOptions#CREATE_IF_MISSING} is false
     * @throws BackendException for any other failure RocksDB reports
     */
    public static RocksDbStorageClient open(RocksDbConfig config) {
        requireNonNull(config, "config is null");
        loadNativeLibrary();
        Path dir = prepareDirectory(config);
        boolean temporary = !config.persistent();
        Deque<AutoCloseable> natives = new ArrayDeque<>();
        try {
            Cache cache = null;
            if (config.blockCacheSize().bytes() > 0) {
                cache = push(natives, new LRUCache(config.blockCacheSize().bytes()));
            }
            BlockBasedTableConfig table = new BlockBasedTableConfig();
            if (cache != null) {
                table.setBlockCache(cache);
            } else {
                table.setNoBlockCache(true);
            }
            Options options = push(natives, new Options());
            options.setCreateIfMissing(config.createIfMissing())
                    .setWriteBufferSize(config.writeBufferSize().bytes())
                    .setCompressionType(config.compression().type())
                    .setMaxBackgroundJobs(config.maxBackgroundJobs())
                    .setTableFormatConfig(table);
            if (temporary) {
                // the directory is deleted at close: flushing memtables there would be wasted work
                options.setAvoidFlushDuringShutdown(true);
            }
            WriteOptions writeOptions = push(natives, new WriteOptions());
            writeOptions.setDisableWAL(!config.wal()).setSync(config.syncWrites());
            ReadOptions readOptions = push(natives, new ReadOptions());
            RocksDB db;
            try {
                db = push(natives, RocksDB.open(options, dir.toString()));
            } catch (RocksDBException e) {
                throw openError(config, dir, e);
            }
            RocksDbStorageClient client = new RocksDbStorageClient(config, dir, temporary, natives, db, writeOptions,
                    readOptions);
            LOG.info("rocksdb storage opened at {} ({}, write-ahead log {}, sync writes {}, compression {})", dir,
                    temporary ? "temporary, removed at close" : "persistent", config.wal() ? "on" : "off",
                    config.syncWrites() ? "on" : "off", config.compression().name().toLowerCase(Locale.ROOT));
            return client;
        } catch (RuntimeException | Error e) {
            closeAll(natives, e);
            if (temporary) {
                deleteTree(dir, e);
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> natives, T handle) {
        natives.push(handle);
        return handle;
    }

    private static void loadNativeLibrary() {
        try {
            RocksDB.loadLibrary(); // idempotent: a no-op once loaded in this JVM
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("rocksdb: cannot load the RocksDB native library from rocksdbjni ("
                    + e + "); check that the rocksdbjni jar for this platform is on the class path and that the "
                    + "temporary directory allows executables", e);
        }
    }

    private static Path prepareDirectory(RocksDbConfig config) {
        if (!config.persistent()) {
            try {
                return Files.createTempDirectory("tq-rocksdb-");
            } catch (IOException e) {
                throw new BackendException("rocksdb: cannot create a temporary directory in "
                        + System.getProperty("java.io.tmpdir") + ": " + e, e);
            }
        }
        Path dir = config.path();
        String key = RocksDbOptions.PATH.key();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException(key + " = '" + dir + "' is a file, not a directory");
        }
        if (!config.createIfMissing()) {
            if (!Files.isRegularFile(dir.resolve("CURRENT"))) {
                throw new ConfigException(key + " = '" + dir + "' holds no RocksDB database and "
                        + RocksDbOptions.CREATE_IF_MISSING.key() + " is false; fix the path or allow creating it");
            }
            return dir;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException(key + " = '" + dir + "': cannot create the directory: " + e, e);
        }
        return dir;
    }

    private static TransferQueueException openError(RocksDbConfig config, Path dir, RocksDBException e) {
        Status s = e.getStatus();
        String msg = String.valueOf(e.getMessage());
        if (s != null && s.getCode() == Status.Code.IOError && msg.toLowerCase(Locale.ROOT).contains("lock")) {
            return new BackendUnavailableException("rocksdb: the database at " + dir + " is in use: another RocksDB "
                    + "instance, in this or another process, holds its lock file " + dir.resolve("LOCK")
                    + "; close that instance first or set " + RocksDbOptions.PATH.key() + " to another directory"
                    + " (RocksDB said: " + msg + ")", e);
        }
        return new BackendException("rocksdb: cannot open the database at " + dir + " ("
                + (config.persistent() ? RocksDbOptions.PATH.key() : "a temporary directory") + "): " + msg, e);
    }

    // ------------------------------------------------------------------ KvStorageClient

    /** Writes all values in one {@link WriteBatch}: all of them or, on failure, none. Returns no backend meta. */
    @Override
    public CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values) {
        try {
            checkKeys(keys);
            requireNonNull(values, "values is null");
            if (values.size() != keys.size()) {
                throw new InvalidRequestException("rocksdb: mput of " + keys.size() + " keys with " + values.size()
                        + " values");
            }
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) == null) {
                    throw new InvalidRequestException("rocksdb: the value of key '" + keys.get(i) + "' is null");
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit("put", keys.size(), () -> {
            write(keys, values);
            return List.of();
        }, List.of());
    }

    private void write(List<String> keys, List<ByteBuffer> values) throws RocksDBException {
        long reserve = 12; // WriteBatch header
        for (int i = 0; i < keys.size(); i++) {
            reserve += 3L * keys.get(i).length() + values.get(i).remaining() + 11; // tag + two varint32 lengths
        }
        Scratch scratch = scratch();
        boolean reuse = reserve <= SCRATCH_LIMIT;
        WriteBatch batch;
        if (reuse) {
            // a batch whose memory was written before: fresh pages cost ~8x a rewrite on these machines
            if (scratch.batch == null) {
                scratch.batch = new WriteBatch((int) reserve);
            }
            batch = scratch.batch;
        } else {
            // one exact reservation instead of doubling (each step copying and touching fresh memory)
            batch = reserve <= Integer.MAX_VALUE - 64 ? new WriteBatch((int) reserve) : new WriteBatch();
        }
        try {
            for (int i = 0; i < keys.size(); i++) {
                byte[] key = keys.get(i).getBytes(StandardCharsets.UTF_8);
                ByteBuffer value = values.get(i);
                int size = value.remaining();
                if (value.isDirect()) {
                    batch.put(stage(scratch, key, null, key.length), value.duplicate());
                } else if ((long) key.length + size <= SCRATCH_LIMIT) {
                    ByteBuffer buf = stage(scratch, key, value, key.length + size);
                    batch.put(buf.slice(0, key.length), buf.slice(key.length, size));
                } else {
                    byte[] copy = new byte[size];
                    value.duplicate().get(copy);
                    batch.put(key, copy);
                }
            }
            db.write(writeOptions, batch);
        } finally {
            if (reuse) {
                batch.clear(); // keeps its memory for the next write of this thread
            } else {
                batch.close();
            }
        }
    }

    /**
     * {@code scratch}'s direct staging buffer holding {@code key} and then {@code value}'s remaining bytes (none if
     * null); RocksDB copies what it is given, so the buffer is reused for the next entry.
     */
    private static ByteBuffer stage(Scratch scratch, byte[] key, ByteBuffer value, int size) {
        ByteBuffer buf = scratch.staging;
        if (buf == null || buf.capacity() < size) {
            buf = ByteBuffer.allocateDirect(Math.max(size, 64 * 1024));
            scratch.staging = buf;
        }
        buf.clear();
        buf.put(key);
        if (value != null) {
            buf.put(value.duplicate());
        }
        return buf.flip();
    }

    /** The calling pool thread's scratch memory (created on its first call, closed by {@link #close()}). */
    private Scratch scratch() {
        Scratch s = scratch.get();
        if (s == null) {
            s = new Scratch();
            scratches.add(s);
            scratch.set(s);
        }
        return s;
    }

    /**
     * Memory one pool thread reuses across calls: a direct buffer values are staged through and a write batch of
     * at most {@link #SCRATCH_LIMIT} bytes. Only its thread touches it until {@link #close()}.
     */
    private static final class Scratch {
        ByteBuffer staging;
        WriteBatch batch;
    }

    /** Reads with {@code multiGetAsList}; a value comes back as a writable heap buffer the caller owns. */
    @Override
    public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> backendMeta) {
        try {
            checkKeys(keys);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit("get", keys.size(), () -> {
            List<byte[]> encoded = new ArrayList<>(keys.size());
            for (String k : keys) {
                encoded.add(k.getBytes(StandardCharsets.UTF_8));
            }
            List<byte[]> values = db.multiGetAsList(readOptions, encoded);
            List<String> missing = new ArrayList<>();
            List<ByteBuffer> out = new ArrayList<>(values.size());
            for (int i = 0; i < keys.size(); i++) {
                byte[] v = i < values.size() ? values.get(i) : null;
                if (v == null) {
                    missing.add(keys.get(i));
                } else {
                    out.add(ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN));
                }
            }
            if (!missing.isEmpty()) {
                throw notFound(missing, keys.size());
            }
            return out;
        }, List.of());
    }

    /**
     * Reads each value straight into its destination, all keys from one snapshot: a heap destination through
     * RocksDB's {@code get(key, byte[] value, offset, length)}, a direct one through its {@code ByteBuffer} get.
     * Either way the bytes are copied once, from RocksDB's pinned block or memtable into the destination. The
     * destinations' positions and limits are not moved.
     */
    @Override
    public CompletableFuture<Void> mgetInto(List<String> keys, List<Object> backendMeta, List<ByteBuffer> destinations) {
        try {
            checkKeys(keys);
            requireNonNull(destinations, "destinations is null");
            if (destinations.size() != keys.size()) {
                throw new InvalidRequestException("rocksdb: mgetInto of " + keys.size() + " keys into "
                        + destinations.size() + " buffers");
            }
            for (int i = 0; i < destinations.size(); i++) {
                ByteBuffer d = destinations.get(i);
                if (d == null || d.isReadOnly()) {
                    throw new InvalidRequestException("rocksdb: the destination of key '" + keys.get(i) + "' is "
                            + (d == null ? "null" : "read-only"));
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit("get", keys.size(), () -> {
            readInto(keys, destinations);
            return null;
        }, null);
    }

    private void readInto(List<String> keys, List<ByteBuffer> destinations) throws RocksDBException {
        List<String> missing = null;
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
            for (int i = 0; i < keys.size(); i++) {
                byte[] key = keys.get(i).getBytes(StandardCharsets.UTF_8);
                ByteBuffer d = destinations.get(i);
                int expected = d.remaining();
                int size;
                if (d.hasArray()) {
                    size = db.get(ro, key, 0, key.length, d.array(), d.arrayOffset() + d.position(), expected);
                } else {
                    size = db.get(ro, stage(scratch(), key, null, key.length), d.duplicate());
                }
                if (size == RocksDB.NOT_FOUND) {
                    if (missing == null) {
                        missing = new ArrayList<>();
                    }
                    missing.add(keys.get(i));
                } else if (size != expected) {
                    throw new BackendException("rocksdb: the value of key '" + keys.get(i) + "' has " + size
                            + " bytes, expected " + expected);
                }
            }
        } finally {
            db.releaseSnapshot(snapshot);
        }
        if (missing != null) {
            throw notFound(missing, keys.size());
        }
    }

    /** Deletes every key in one {@link WriteBatch}; missing keys are not an error. */
    @Override
    public CompletableFuture<Void> mdelete(List<String> keys, List<Object> backendMeta) {
        try {
            checkKeys(keys);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit("clear", keys.size(), () -> {
            try (WriteBatch batch = new WriteBatch()) {
                for (String k : keys) {
                    batch.delete(k.getBytes(StandardCharsets.UTF_8));
                }
                db.write(writeOptions, batch);
            }
            return null;
        }, null);
    }

    /** {@link Capability#PERSISTENT} when a path is configured, else nothing. Never zero-copy reads. */
    @Override
    public Set<Capability> capabilities() {
        return config.persistent() ? EnumSet.of(Capability.PERSISTENT) : Set.of();
    }

    /**
     * The {@link RocksDB} handle (owned by this client: do not close it), or this client. Operations on the handle
     * bypass TransferQueue's bookkeeping; keys are {@link io.transferqueue.spi.KvStorageManager#key} in UTF-8.
     */
    @Override
    public <T> T unwrap(Class<T> type) {
        requireNonNull(type, "type is null");
        if (closed.get()) {
            throw new ClosedException("rocksdb storage at " + directory + " is closed; cannot unwrap");
        }
        if (type == RocksDB.class) {
            return type.cast(db);
        }
        return KvStorageClient.super.unwrap(type);
    }

    /** The directory the database lives in (the temporary one when no path is configured). */
    public Path directory() {
        return directory;
    }

    /** The settings this client was opened with. */
    public RocksDbConfig config() {
        return config;
    }

    /**
     * Waits for running calls, fails queued ones with {@link ClosedException}, closes the database and the other
     * native handles in reverse order of creation, then deletes the temporary directory (if any). Idempotent.
     *
     * <p>On one of this client's pool threads (a callback of one of its futures) it returns without waiting: the
     * call that thread runs cannot end before close() returns. A daemon {@code tq-rocksdb-<id>-closer} thread then
     * waits for the running calls and releases everything (a failure is logged, not thrown). Calls made after
     * close() fail with {@link ClosedException} either way.
     *
     * @throws BackendException if RocksDB reports a failure while closing (everything is still released)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        executor.shutdown();
        if (poolThreads.contains(Thread.currentThread())) {
            Thread closer = new Thread(() -> {
                Throwable failure = awaitCallsAndRelease();
                if (failure != null) {
                    LOG.warn("rocksdb storage at {}: closing failed", directory, failure);
                }
            }, threadPrefix + "closer");
            closer.setDaemon(true);
            closer.start();
            return;
        }
        Throwable failure = awaitCallsAndRelease();
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new BackendException("rocksdb: closing the storage at " + directory + " failed: " + failure, failure);
        }
    }

    /**
     * After {@code executor.shutdown()}: waits (as long as it takes, never under a running call) for the pool to
     * end, then closes the native handles last first and deletes a temporary directory. Runs once per client.
     * Returns the failure, if any.
     */
    private Throwable awaitCallsAndRelease() {
        boolean interrupted = false;
        long waited = 0;
        while (true) {
            try {
                if (executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    break;
                }
                waited += 10;
                LOG.warn("rocksdb storage at {}: still waiting for running calls to finish after {} s", directory,
                        waited);
            } catch (InterruptedException e) {
                interrupted = true; // never close native handles under a running call
            }
        }
        Deque<AutoCloseable> all = new ArrayDeque<>(natives);
        natives.clear();
        for (Scratch s : scratches) {
            if (s.batch != null) {
                all.push(s.batch); // created after the database: closed before it
            }
        }
        scratches.clear();
        Throwable failure = closeAll(all, null);
        if (temporary) {
            failure = deleteTree(directory, failure);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("rocksdb storage at {} closed", directory);
        return failure;
    }

    @Override
    public String toString() {
        return "RocksDbStorageClient(" + directory + (temporary ? ", temporary" : "") + ")";
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Call<T> {
        T run() throws RocksDBException;
    }

    /**
     * Runs {@code call} on the pool; its future completes there, with a typed error on failure. A call without keys
     * completes at once with {@code ifNoKeys}.
     */
    private <T> CompletableFuture<T> submit(String op, int keys, Call<T> call, T ifNoKeys) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (closing) {
            f.completeExceptionally(closedError(op));
            return f;
        }
        if (keys == 0) {
            f.complete(ifNoKeys); // rocksdbjni asserts on an empty multiGet
            return f;
        }
        try {
            executor.execute(() -> {
                if (closing) {
                    f.completeExceptionally(closedError(op));
                    return;
                }
                try {
                    f.complete(call.run());
                } catch (RocksDBException e) {
                    f.completeExceptionally(new BackendException("rocksdb: " + op + " of " + keys + " keys at "
                            + directory + " failed: " + e.getMessage(), e));
                } catch (TransferQueueException e) {
                    f.completeExceptionally(e);
                } catch (Throwable t) {
                    f.completeExceptionally(new BackendException("rocksdb: " + op + " of " + keys + " keys at "
                            + directory + " failed: " + t, t));
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(closedError(op));
        }
        return f;
    }

    private ClosedException closedError(String op) {
        return new ClosedException("rocksdb storage at " + directory + " is closed; cannot " + op);
    }

    private static void checkKeys(List<String> keys) {
        requireNonNull(keys, "keys is null");
        for (String k : keys) {
            if (k == null) {
                throw new InvalidRequestException("rocksdb: a key is null");
            }
        }
    }

    private DataNotFoundException notFound(List<String> missing, int asked) {
        StringBuilder sb = new StringBuilder("rocksdb: no value for ");
        int shown = Math.min(missing.size(), MAX_KEYS_IN_MESSAGE);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "key '" : ", key '").append(missing.get(i)).append('\'');
        }
        if (missing.size() > shown) {
            sb.append(", ... (").append(missing.size()).append(" keys)");
        }
        sb.append(" (").append(missing.size()).append(" of ").append(asked).append(" keys read) in ").append(directory);
        return new io.transferqueue.error.MissingKeysException(missing, sb.toString());
    }

    /** Closes every handle, last created first; returns {@code failure} with later failures attached. */
    private static Throwable closeAll(Deque<AutoCloseable> natives, Throwable failure) {
        while (!natives.isEmpty()) {
            AutoCloseable c = natives.pop();
            try {
                if (c instanceof RocksDB db) {
                    db.closeE(); // reports what close() would swallow (e.g. a failed final flush)
                } else {
                    c.close();
                }
            } catch (RocksDBException e) {
                BackendException b = new BackendException("rocksdb: closing the database failed: " + e.getMessage(), e);
                if (failure == null) {
                    failure = b;
                } else {
                    failure.addSuppressed(b);
                }
            } catch (Exception | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    /** Deletes {@code dir} and everything in it; returns {@code failure} with a deletion failure attached. */
    private static Throwable deleteTree(Path dir, Throwable failure) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            BackendException b = new BackendException("rocksdb: cannot delete the temporary directory " + dir + ": " + e,
                    e);
            if (failure == null) {
                return b;
            }
            failure.addSuppressed(b);
        }
        return failure;
    }
}
