package io.transferqueue.backend.redis;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.transferqueue.backend.redis.ChunkPlan.Chunk;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.spi.StorageContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce objects behind one Redis backend, and who owns them. By default the backend creates its own
 * {@link ClientResources} (threads named {@code tq-redis-*}), client and connection, and closes all three. A host
 * may lend a {@link RedisClient} / {@link RedisClusterClient} or a {@link ClientResources} through the
 * {@link StorageContext}: the backend then opens its connection with it and closes only that connection.
 *
 * <p>Clients the backend creates are configured to fail fast rather than queue: commands are rejected while
 * disconnected ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS}), every command times out after the
 * command timeout, connecting too, and the connection reconnects by itself (every 10 ms growing to 1 s), so the
 * first call after the server is back and reconnected works. In cluster mode the topology is refreshed on
 * redirects, on reconnects and every minute.
 */
final class RedisConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);

    /** Longest wait between reconnect attempts. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    private final String where;
    private final boolean cluster;
    private final String threadPrefix;
    private final ClientResources ownResources;
    private final AbstractRedisClient client;
    private final boolean ownClient;
    private final StatefulConnection<String, ByteBuffer> connection;
    private final Timer timer;
    private final Duration closeTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisConnections(String where, boolean cluster, String threadPrefix, ClientResources ownResources,
            AbstractRedisClient client, boolean ownClient, StatefulConnection<String, ByteBuffer> connection,
            Timer timer, Duration closeTimeout) {
        this.where = where;
        this.cluster = cluster;
        this.threadPrefix = threadPrefix;
        this.ownResources = ownResources;
        this.client = client;
        this.ownClient = ownClient;
        this.connection = connection;
        this.timer = timer;
        this.closeTimeout = closeTimeout;
    }

    /**
     * Wraps a connection made elsewhere (tests): owns only the connection; operations time out on {@code timer}.
     */
    static RedisConnections wrap(StatefulConnection<String, ByteBuffer> connection, boolean cluster, String where,
            Timer timer, Duration closeTimeout) {
        return new RedisConnections(where, cluster, null, null, null, false, requireNonNull(connection,
                "connection is null"), requireNonNull(timer, "timer is null"), closeTimeout);
    }

    /**
     * Connects as {@code config} says, with what {@code context} lends.
     *
     * @throws BackendUnavailableException if no server answers within the command timeout
     * @throws BackendException if a server refuses the connection (authentication, database)
     */
    static RedisConnections open(RedisConfig config, StorageContext context) {
        requireNonNull(config, "config is null");
        requireNonNull(context, "context is null");
        String where = describe(config);
        List<RedisURI> uris = new ArrayList<>();
        for (RedisConfig.Endpoint e : config.nodes()) {
            uris.add(config.redisUri(e));
        }
        String threadPrefix = null;
        ClientResources ownResources = null;
        AbstractRedisClient client = null;
        boolean ownClient = false;
        StatefulConnection<String, ByteBuffer> connection = null;
        try {
            if (config.cluster()) {
                Optional<RedisClusterClient> lent = context.resource(RedisClusterClient.class);
                RedisClusterClient c;
                if (lent.isPresent()) {
                    c = lent.get();
                    where = where + " (lent client)";
                    LOG.info("redis backend uses the RedisClusterClient lent by the host: its seed nodes and options "
                            + "apply, not those of {}", RedisOptions.CLUSTER_NODES.key());
                } else {
                    ClientResources resources = context.resource(ClientResources.class).orElse(null);
                    if (resources == null) {
                        threadPrefix = threadPrefix();
                        ownResources = resources = resources(threadPrefix);
                    }
                    c = RedisClusterClient.create(resources, uris);
                    c.setOptions(clusterOptions(config));
                    ownClient = true;
                }
                client = c;
                StatefulRedisClusterConnection<String, ByteBuffer> cc = c.connect(ByteBufferCodec.INSTANCE);
                connection = cc;
                connectMasters(cc, config.commandTimeout());
            } else {
                Optional<RedisClient> lent = context.resource(RedisClient.class);
                RedisClient c;
                if (lent.isPresent()) {
                    c = lent.get();
                    LOG.info("redis backend uses the RedisClient lent by the host (its options apply)");
                } else {
                    ClientResources resources = context.resource(ClientResources.class).orElse(null);
                    if (resources == null) {
                        threadPrefix = threadPrefix();
                        ownResources = resources = resources(threadPrefix);
                    }
                    c = RedisClient.create(resources);
                    c.setOptions(clientOptions(config));
                    ownClient = true;
                }
                client = c;
                connection = c.connect(ByteBufferCodec.INSTANCE, uris.get(0));
            }
        } catch (RuntimeException | Error e) {
            TransferQueueException mapped = e instanceof RuntimeException r
                    ? connectError(r, where, config.commandTimeout()) : null;
            Throwable closeFailure = closeAll(connection, ownClient ? client : null, ownResources, threadPrefix,
                    config.commandTimeout());
            Throwable thrown = mapped != null ? mapped : e;
            if (closeFailure != null) {
                thrown.addSuppressed(closeFailure);
            }
            if (thrown instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) thrown;
        }
        return new RedisConnections(where, config.cluster(), threadPrefix, ownResources, client, ownClient, connection,
                connection.getResources().timer(), config.commandTimeout());
    }

    /**
     * Opens the connection to every master now (waiting up to {@code timeout}), so the first commands and users of
     * the unwrapped connection find them open. A master that cannot be reached is left to the operations, which
     * report it.
     */
    private static void connectMasters(StatefulRedisClusterConnection<String, ByteBuffer> c, Duration timeout) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (RedisClusterNode n : c.getPartitions()) {
            if (n.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                pending.add(c.getConnectionAsync(n.getUri().getHost(), n.getUri().getPort()));
            }
        }
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("redis backend: not every cluster master could be connected to at start: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String threadPrefix() {
        return "tq-redis-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24)) + "-";
    }

    private static ClientResources resources(String threadPrefix) {
        return ClientResources.builder()
                .threadFactoryProvider(pool -> new DefaultThreadFactory(threadPrefix + pool, true))
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    static ClientOptions clientOptions(RedisConfig config) {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socketOptions(config))
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .build();
    }

    static ClusterClientOptions clusterOptions(RedisConfig config) {
        return ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socketOptions(config))
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                // adaptive refresh (redirects, reconnects, uncovered slots) is on by default since Lettuce 7
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofMinutes(1))
                        .build())
                .build();
    }

    private static SocketOptions socketOptions(RedisConfig config) {
        return SocketOptions.builder().connectTimeout(config.commandTimeout()).keepAlive(true).tcpNoDelay(true).build();
    }

    private static String describe(RedisConfig config) {
        if (config.cluster()) {
            return "cluster " + config.nodes();
        }
        return config.nodes().get(0) + "/" + config.database();
    }

    private static TransferQueueException connectError(RuntimeException e, String where, Duration timeout) {
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof RedisCommandExecutionException) {
                return new BackendException("redis at " + where + " refused the connection: " + c.getMessage()
                        + " (check tq.storage.redis.username, password and database)", e);
            }
        }
        if (RedisErrors.isConnectionFailure(e)) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return new BackendUnavailableException("cannot connect to redis at " + where + " within " + timeout + ": "
                    + e.getMessage() + (root != e ? " (" + root.getMessage() + ")" : "")
                    + "; is the server running, and are tq.storage.redis.uri / cluster-nodes right?", e);
        }
        return RedisErrors.map(e, where, "connect", timeout);
    }

    /** The server or cluster, for messages (no credentials). */
    String where() {
        return where;
    }

    boolean isCluster() {
        return cluster;
    }

    StatefulConnection<String, ByteBuffer> connection() {
        return connection;
    }

    /**
     * Sends commands without blocking. Standalone: all at once (one flush). Cluster: each command through the
     * cluster connection, which routes it to its slot's master and follows redirects, but only once the
     * connection to that master exists: Lettuce rejects a command for a master whose connection is still being
     * opened when commands are rejected while disconnected, and its batch dispatch would block this (possibly I/O)
     * thread while opening it.
     */
    void dispatch(List<Chunk> chunks, List<AsyncCommand<String, ByteBuffer, ?>> commands) {
        if (!(connection instanceof StatefulRedisClusterConnection)) {
            connection.dispatch(commands);
            return;
        }
        @SuppressWarnings("unchecked")
        StatefulRedisClusterConnection<String, ByteBuffer> c = (StatefulRedisClusterConnection<String, ByteBuffer>) connection;
        Partitions partitions = c.getPartitions();
        Map<RedisClusterNode, List<AsyncCommand<String, ByteBuffer, ?>>> byMaster = new LinkedHashMap<>();
        for (int i = 0; i < commands.size(); i++) {
            int slot = chunks.get(i).slot();
            RedisClusterNode master = slot < 0 ? null : partitions.getMasterBySlot(slot);
            if (master == null) {
                dispatchOne(c, commands.get(i)); // Lettuce fails it with the reason (no master for the slot)
            } else {
                byMaster.computeIfAbsent(master, m -> new ArrayList<>()).add(commands.get(i));
            }
        }
        byMaster.forEach((master, cmds) -> {
            CompletableFuture<?> open;
            try {
                open = c.getConnectionAsync(master.getUri().getHost(), master.getUri().getPort());
            } catch (RuntimeException e) {
                cmds.forEach(x -> x.completeExceptionally(e));
                return;
            }
            open.whenComplete((nodeConnection, e) -> {
                for (AsyncCommand<String, ByteBuffer, ?> x : cmds) {
                    if (e != null) {
                        x.completeExceptionally(e);
                    } else {
                        dispatchOne(c, x);
                    }
                }
            });
        });
    }

    private static void dispatchOne(StatefulConnection<String, ByteBuffer> c, AsyncCommand<String, ByteBuffer, ?> x) {
        try {
            c.dispatch(x);
        } catch (RuntimeException e) {
            x.completeExceptionally(e);
        }
    }

    /** Where operations schedule their idle timeouts (the client resources' timer). */
    Timer timer() {
        return timer;
    }

    /**
     * The connection ({@code StatefulRedisConnection} or {@code StatefulRedisClusterConnection}) or the client
     * ({@code RedisClient} or {@code RedisClusterClient}), if of {@code type}; they stay owned by the backend.
     */
    <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(connection)) {
            return Optional.of(type.cast(connection));
        }
        if (client != null && type.isInstance(client)) {
            return Optional.of(type.cast(client));
        }
        return Optional.empty();
    }

    /**
     * Closes the connection, and the client and resources if the backend created them, waiting (up to the command
     * timeout) for their threads to stop, unless called on one of those threads. Idempotent.
     *
     * @throws BackendException if something failed to close (after trying the rest)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Throwable failure = closeAll(connection, ownClient ? client : null, ownResources, threadPrefix, closeTimeout);
        if (failure != null) {
            throw new BackendException("closing the redis backend for " + where + " failed: " + failure, failure);
        }
    }

    /** Closes what is non-null, in order, keeping going after a failure; returns the first with the rest suppressed. */
    private static Throwable closeAll(StatefulConnection<?, ?> connection, AbstractRedisClient client,
            ClientResources resources, String threadPrefix, Duration timeout) {
        boolean onOwnThread = threadPrefix != null && Thread.currentThread().getName().startsWith(threadPrefix);
        Throwable failure = null;
        if (connection != null) {
            try {
                if (onOwnThread) {
                    connection.closeAsync();
                } else {
                    connection.close();
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (client != null) {
            try {
                if (onOwnThread) {
                    client.shutdownAsync(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    client.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        if (resources != null) {
            try {
                io.netty.util.concurrent.Future<Boolean> f = resources.shutdown(0, timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
                if (!onOwnThread && !f.awaitUninterruptibly(timeout.toMillis() * 2)) {
                    failure = add(failure, new BackendException("the redis client threads did not stop within "
                            + timeout.multipliedBy(2)));
                }
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        return failure;
    }

    private static Throwable add(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "RedisConnections(" + where + (ownClient ? "" : ", lent client") + ")";
    }
}
