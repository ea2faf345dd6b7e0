package io.transferqueue.backend.redis;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import io.transferqueue.backend.redis.ChunkPlan.Chunk;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.KvStorageClient;
import io.transferqueue.spi.StorageContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A {@link KvStorageClient} on Redis or Redis Cluster, through one shared Lettuce connection.
 *
 * <p><b>Commands.</b> Puts are {@code MSET}s (or {@code SET ... PX} per key with a TTL), reads {@code MGET}s,
 * deletes {@code UNLINK}s. A call's keys are grouped by hash slot in cluster mode (a multi-key command stays within
 * a slot; Lettuce routes each command to the slot's master) and split into commands of at most
 * {@code tq.storage.redis.max-batch-size} bytes and {@value #MAX_KEYS_PER_COMMAND} keys, pipelined with at most
 * {@value #PIPELINE_DEPTH} commands' worth of bytes in flight per call ({@link PipelinedOperation}). Keys are
 * rewritten by {@link RedisKeys} so that braces in names never act as hash tags.
 *
 * <p><b>Bytes.</b> Values are written from the caller's buffers straight into Netty's buffers and, in
 * {@link #mgetInto}, read straight into the caller's destinations: no {@code byte[]} or String in between.
 *
 * <p><b>Errors.</b> A key without a value fails the whole read with {@code DataNotFoundException} naming the key
 * (never null or empty bytes); no connection or no reply within the command timeout is
 * {@code BackendUnavailableException}; a full server is {@code CapacityExceededException}; any other error reply
 * is {@code BackendException} with Redis's message ({@link RedisErrors}). A call that fails part way may have
 * written some keys; it still fails as a whole.
 *
 * <p><b>Threading.</b> Thread-safe. Futures complete on a Lettuce I/O thread (or the caller's thread when the
 * connection rejects a call at once); continuations must not block there. Do not {@link #close()} from one.
 */
public final class RedisKvStorageClient implements KvStorageClient {
    /** Most keys in one command. */
    static final int MAX_KEYS_PER_COMMAND = 1024;
    /** Commands' worth of bytes ({@code max-batch-size} each) one call keeps in flight. */
    static final int PIPELINE_DEPTH = 4;

    private final RedisConnections connections;
    private final RedisConfig config;
    private final long windowBytes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder commandsSent = new LongAdder();

    /** A client over {@code connections}, which it owns from now on (tests wrap a fake connection). */
    RedisKvStorageClient(RedisConnections connections, RedisConfig config) {
        this.connections = connections;
        this.config = config;
        this.windowBytes = Math.multiplyExact(config.maxBatchBytes(), (long) PIPELINE_DEPTH);
    }

    /**
     * Connects to the server or cluster of {@code config}, using what {@code context} lends (see
     * {@link RedisConnections}).
     *
     * @throws io.transferqueue.error.BackendUnavailableException if no server answers within the command timeout
     * @throws BackendException if a server refuses the connection
     */
    public static RedisKvStorageClient connect(RedisConfig config, StorageContext context) {
        return new RedisKvStorageClient(RedisConnections.open(config, context), config);
    }

    /** The settings this client was created with. */
    public RedisConfig config() {
        return config;
    }

    /** Commands sent so far (for tests and metrics: shows how calls were split). */
    public long commandsSent() {
        return commandsSent.sum();
    }

    // ------------------------------------------------------------------ put

    /** Writes every value ({@code MSET}s, or {@code SET k v PX ttl} per key when a TTL is configured). */
    @Override
    public CompletableFuture<List<Object>> mput(List<String> keys, List<ByteBuffer> values) {
        requireNonNull(keys, "keys is null");
        requireNonNull(values, "values is null");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError("put"));
        }
        if (keys.size() != values.size()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("put of " + keys.size() + " keys with "
                    + values.size() + " values"));
        }
        int n = keys.size();
        String[] rk = redisKeys(keys);
        long ttlMillis = config.ttl() == null ? -1 : config.ttl().toMillis();
        List<Chunk> chunks = ChunkPlan.plan(n, slots(rk), i -> rk[i].length() + (long) values.get(i).remaining(),
                config.maxBatchBytes(), ttlMillis < 0 ? MAX_KEYS_PER_COMMAND : 1);
        PipelinedOperation.CommandFactory factory = (c, abandoned) -> {
            CommandArgs<String, ByteBuffer> args = new CommandArgs<>(ByteBufferCodec.INSTANCE);
            for (int i : c.indexes()) {
                args.addKey(rk[i]).addValue(values.get(i));
            }
            if (ttlMillis >= 0) {
                args.add(CommandKeyword.PX).add(ttlMillis);
                return command(CommandType.SET, new StatusOutput<>(ByteBufferCodec.INSTANCE), args);
            }
            return command(CommandType.MSET, new StatusOutput<>(ByteBufferCodec.INSTANCE), args);
        };
        return run("put of " + n + " keys", chunks, factory, List::<Object>of);
    }

    // ------------------------------------------------------------------ get

    /** Reads values into fresh heap buffers ({@code MGET}s); a missing key fails the call. */
    @Override
    public CompletableFuture<List<ByteBuffer>> mget(List<String> keys, List<Object> backendMeta) {
        requireNonNull(keys, "keys is null");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError("get"));
        }
        int n = keys.size();
        String[] rk = redisKeys(keys);
        ByteBuffer[] results = new ByteBuffer[n];
        MgetProblems problems = new MgetProblems();
        List<CopyingOutput> outputs = Collections.synchronizedList(new ArrayList<>());
        List<Chunk> chunks = ChunkPlan.plan(n, slots(rk), i -> rk[i].length(), config.maxBatchBytes(),
                MAX_KEYS_PER_COMMAND);
        PipelinedOperation.CommandFactory factory = (c, abandoned) -> {
            CopyingOutput out = new CopyingOutput(c.indexes(), results, problems);
            outputs.add(out);
            return command(CommandType.MGET, out, keyArgs(rk, c));
        };
        return run("get of " + n + " keys", chunks, factory, () -> {
            check(problems, outputs, keys);
            return Arrays.asList(results);
        });
    }

    /**
     * Reads values straight into {@code destinations} ({@code MGET}s whose replies are copied from Netty's buffer
     * into the destination, nothing in between). A missing key or a value of another size fails the call; after a
     * failure nothing more is written into the destinations.
     */
    @Override
    public CompletableFuture<Void> mgetInto(List<String> keys, List<Object> backendMeta, List<ByteBuffer> destinations) {
        requireNonNull(keys, "keys is null");
        requireNonNull(destinations, "destinations is null");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError("get"));
        }
        if (keys.size() != destinations.size()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("get of " + keys.size() + " keys into "
                    + destinations.size() + " buffers"));
        }
        int n = keys.size();
        String[] rk = redisKeys(keys);
        MgetProblems problems = new MgetProblems();
        List<IntoBuffersOutput> outputs = Collections.synchronizedList(new ArrayList<>());
        List<Chunk> chunks = ChunkPlan.plan(n, slots(rk), i -> rk[i].length() + (long) destinations.get(i).remaining(),
                config.maxBatchBytes(), MAX_KEYS_PER_COMMAND);
        PipelinedOperation.CommandFactory factory = (c, abandoned) -> {
            IntoBuffersOutput out = new IntoBuffersOutput(c.indexes(), destinations, abandoned, problems);
            outputs.add(out);
            return command(CommandType.MGET, out, keyArgs(rk, c));
        };
        return run("get of " + n + " keys", chunks, factory, () -> {
            check(problems, outputs, keys);
            return null;
        });
    }

    /** Throws what went wrong with an operation's {@code MGET}s: missing keys, wrong sizes, a miscounted reply. */
    private void check(MgetProblems problems, List<? extends MgetOutput> outputs, List<String> keys) {
        TransferQueueException e = problems.toError(keys, connections.where());
        if (e != null) {
            throw e;
        }
        for (MgetOutput o : outputs) {
            checkCount(o.received(), o.expected(), keys);
        }
    }

    private void checkCount(int received, int expected, List<String> keys) {
        if (received != expected) {
            throw new BackendException("redis at " + connections.where() + " answered an MGET of " + expected
                    + " keys with " + received + " values (a read of " + keys.size() + " keys)");
        }
    }

    // ------------------------------------------------------------------ delete

    /** Deletes keys ({@code UNLINK}s: the server frees the memory in the background); missing keys are fine. */
    @Override
    public CompletableFuture<Void> mdelete(List<String> keys, List<Object> backendMeta) {
        requireNonNull(keys, "keys is null");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError("clear"));
        }
        int n = keys.size();
        String[] rk = redisKeys(keys);
        List<Chunk> chunks = ChunkPlan.plan(n, slots(rk), i -> rk[i].length(), config.maxBatchBytes(),
                MAX_KEYS_PER_COMMAND);
        PipelinedOperation.CommandFactory factory = (c, abandoned) -> command(CommandType.UNLINK,
                new IntegerOutput<>(ByteBufferCodec.INSTANCE), keyArgs(rk, c));
        return run("clear of " + n + " keys", chunks, factory, () -> null);
    }

    // ------------------------------------------------------------------ the rest

    /** {@link Capability#REMOTE}: the data lives in Redis. Not PERSISTENT: that depends on the server's config. */
    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.REMOTE);
    }

    /**
     * The Lettuce connection ({@code StatefulRedisConnection<String, ByteBuffer>} in standalone mode,
     * {@code StatefulRedisClusterConnection<String, ByteBuffer>} in cluster mode, or their common
     * {@code StatefulConnection}), the Lettuce client, or this client. All stay owned by the backend: do not close
     * them. Keys written through them bypass the key prefix and {@link RedisKeys}.
     *
     * @throws IllegalArgumentException for any other type
     */
    @Override
    public <T> T unwrap(Class<T> type) {
        requireNonNull(type, "type is null");
        return connections.unwrap(type).orElseGet(() -> {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new IllegalArgumentException("the redis backend " + (connections.isCluster() ? "(cluster mode)"
                    : "(standalone mode)") + " has no " + type.getName() + "; it unwraps to its Lettuce connection "
                    + (connections.isCluster() ? "StatefulRedisClusterConnection" : "StatefulRedisConnection")
                    + " or client");
        });
    }

    /** Closes the connection, and the client and its threads if this backend created them. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            connections.close();
        }
    }

    @Override
    public String toString() {
        return "RedisKvStorageClient(" + connections.where() + ")";
    }

    // ------------------------------------------------------------------ plumbing

    private static String[] redisKeys(List<String> keys) {
        String[] out = new String[keys.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = RedisKeys.redisKey(requireNonNull(keys.get(i), "key is null"));
        }
        return out;
    }

    /** Hash slots in cluster mode; null in standalone mode (any keys may share a command). */
    private int[] slots(String[] redisKeys) {
        if (!connections.isCluster()) {
            return null;
        }
        int[] s = new int[redisKeys.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = RedisKeys.slot(redisKeys[i]);
        }
        return s;
    }

    private static CommandArgs<String, ByteBuffer> keyArgs(String[] rk, Chunk c) {
        CommandArgs<String, ByteBuffer> args = new CommandArgs<>(ByteBufferCodec.INSTANCE);
        for (int i : c.indexes()) {
            args.addKey(rk[i]);
        }
        return args;
    }

    private AsyncCommand<String, ByteBuffer, ?> command(CommandType type,
            io.lettuce.core.output.CommandOutput<String, ByteBuffer, ?> output, CommandArgs<String, ByteBuffer> args) {
        commandsSent.increment();
        return new AsyncCommand<>(new Command<>(type, output, args));
    }

    /**
     * Runs one pipelined operation; the result is {@code result} once every command succeeded, or the first
     * failure as a typed error.
     */
    private <T> CompletableFuture<T> run(String what, List<Chunk> chunks, PipelinedOperation.CommandFactory factory,
            Supplier<T> result) {
        CompletableFuture<T> out = new CompletableFuture<>();
        try {
            PipelinedOperation op = new PipelinedOperation(connections::dispatch, connections.timer(), chunks,
                    factory, windowBytes, config.commandTimeout());
            op.start().whenComplete((v, e) -> {
                if (e != null) {
                    out.completeExceptionally(failure(e, what));
                    return;
                }
                try {
                    out.complete(result.get());
                } catch (RuntimeException x) {
                    out.completeExceptionally(failure(x, what));
                }
            });
        } catch (RuntimeException e) {
            out.completeExceptionally(failure(e, what));
        }
        return out;
    }

    /**
     * The typed error of a failed operation: {@link ClosedException} if this client was closed meanwhile (its
     * connections' "connection closed" is then our doing, not the server's), else what {@link RedisErrors} maps.
     */
    private RuntimeException failure(Throwable e, String what) {
        if (closed.get()) {
            ClosedException c = closedError(what);
            c.addSuppressed(e);
            return c;
        }
        return RedisErrors.map(e, connections.where(), what, config.commandTimeout());
    }

    private ClosedException closedError(String op) {
        return new ClosedException("the redis client for " + connections.where() + " is closed; cannot " + op);
    }
}
