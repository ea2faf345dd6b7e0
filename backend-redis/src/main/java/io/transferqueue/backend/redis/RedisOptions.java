package io.transferqueue.backend.redis;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.DataSize;
import java.time.Duration;
import java.util.List;

/** Options of the {@code redis} backend, all under {@code tq.storage.redis.}. */
public final class RedisOptions {
    /** Prefix of every key of this backend. */
    public static final String PREFIX = "tq.storage.redis.";

    /** The server of standalone mode. */
    public static final ConfigOption<String> URI = ConfigOption.key(PREFIX + "uri")
            .stringType()
            .defaultValue("redis://127.0.0.1:6379")
            .validate(s -> !s.isBlank(), "must not be blank")
            .description("The Redis server (standalone mode): redis://host:port, rediss://host:port for TLS, "
                    + "optionally /database. No credentials in the URI: use the username and password options. "
                    + "Ignored (and must not be set) when cluster-nodes is set.");

    /** Seed nodes of cluster mode; setting it selects cluster mode. */
    public static final ConfigOption<List<String>> CLUSTER_NODES = ConfigOption.key(PREFIX + "cluster-nodes")
            .listType()
            .noDefaultValue()
            .validate(l -> !l.isEmpty(), "must list at least one node URI")
            .description("Seed nodes of a Redis Cluster, comma-separated redis://host:port URIs; setting this "
                    + "selects cluster mode (the client discovers the other nodes). Unset: standalone mode on uri.");

    /** ACL user name. */
    public static final ConfigOption<String> USERNAME = ConfigOption.key(PREFIX + "username")
            .stringType()
            .noDefaultValue()
            .validate(s -> !s.isBlank(), "must not be blank (leave unset for the default user)")
            .description("ACL user to authenticate as (Redis 6+); unset: the default user. Needs password.");

    /** Password (secret). */
    public static final ConfigOption<String> PASSWORD = ConfigOption.key(PREFIX + "password")
            .stringType()
            .noDefaultValue()
            .secret()
            .description("Password (AUTH) for every node; never printed. Unset: no authentication.");

    /** TLS on every connection. */
    public static final ConfigOption<Boolean> TLS = ConfigOption.key(PREFIX + "tls")
            .booleanType()
            .defaultValue(false)
            .description("Connect with TLS (peer verified against the JVM trust store). rediss:// URIs use TLS "
                    + "whatever this says.");

    /** Logical database of standalone mode. */
    public static final ConfigOption<Integer> DATABASE = ConfigOption.key(PREFIX + "database")
            .intType()
            .defaultValue(0)
            .validate(n -> n >= 0, "must not be negative")
            .description("Logical database (SELECT) in standalone mode; a cluster has only database 0. A database "
                    + "in the URI path must agree with it.");

    /** Namespace of every key. */
    public static final ConfigOption<String> KEY_PREFIX = ConfigOption.key(PREFIX + "key-prefix")
            .stringType()
            .defaultValue("tq:")
            .validate(s -> s.indexOf('{') < 0 && s.indexOf('}') < 0, "must not contain '{' or '}': a Redis Cluster "
                    + "hash tag in the prefix would put every key into one hash slot, on one node")
            .description("Prepended to every key: namespaces one TransferQueue from another on a shared Redis. "
                    + "Every process of one TransferQueue must use the same prefix.");

    /** Deadline of every command. */
    public static final ConfigOption<Duration> COMMAND_TIMEOUT = ConfigOption.key(PREFIX + "command-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .validate(d -> !d.isNegative() && !d.isZero(), "must be positive")
            .description("How long a command (and connecting) may take; an operation also fails when none of its "
                    + "commands answered for this long. Past it the operation fails with "
                    + "BackendUnavailableException. Also the connect timeout.");

    /** Optional expiry of every written value. */
    public static final ConfigOption<Duration> TTL = ConfigOption.key(PREFIX + "ttl")
            .durationType()
            .noDefaultValue()
            .validate(d -> d.toMillis() >= 1, "must be at least 1ms (leave unset for no expiry)")
            .description("Expire every written value after this long (SET ... PX), a safety net for cells whose "
                    + "rows are never cleared (a crashed producer). Unset: values live until cleared. Reading an "
                    + "expired cell fails with DataNotFoundException.");

    /** Value bytes per command. */
    public static final ConfigOption<DataSize> MAX_BATCH_SIZE = ConfigOption.key(PREFIX + "max-batch-size")
            .dataSizeType()
            .defaultValue(DataSize.ofMebibytes(1))
            .validate(s -> s.bytes() >= 1024 && s.bytes() <= (1L << 30), "must be between 1KiB and 1GiB")
            .description("Most key and value bytes in one MSET/MGET command: larger batches are split into "
                    + "several pipelined commands (at most 4 of these sizes in flight per operation), so no command "
                    + "holds the server or a buffer for long and Netty can encode it into pooled memory; commands of "
                    + "several MiB each get fresh buffers and were up to 5x slower here. A single value larger than "
                    + "this goes alone.");

    private RedisOptions() {
    }

    /** Every option of this backend. */
    public static List<ConfigOption<?>> all() {
        return List.of(URI, CLUSTER_NODES, USERNAME, PASSWORD, TLS, DATABASE, KEY_PREFIX, COMMAND_TIMEOUT, TTL,
                MAX_BATCH_SIZE);
    }
}
