package io.transferqueue.backend.redis;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.RedisURI;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.error.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validated settings of one Redis backend. {@link #toString()} never shows the password.
 *
 * @param cluster true for Redis Cluster ({@code nodes} are seeds), false for one standalone server
 * @param nodes the standalone server, or the cluster's seed nodes; at least one
 * @param username ACL user, or null for the default user
 * @param password password, or null for none
 * @param database logical database (0 in cluster mode)
 * @param keyPrefix prepended to every key
 * @param commandTimeout deadline of a command and of connecting
 * @param ttl expiry of written values, or null for none
 * @param maxBatchBytes most key and value bytes of one multi-key command
 */
public record RedisConfig(boolean cluster, List<Endpoint> nodes, String username, String password, int database,
        String keyPrefix, Duration commandTimeout, Duration ttl, long maxBatchBytes) {

    /** One server address; {@code tls} for {@code rediss://} or {@code tq.storage.redis.tls=true}. */
    public record Endpoint(String host, int port, boolean tls) {
        public Endpoint {
            requireNonNull(host, "host is null");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not in [1, 65535]");
            }
        }

        @Override
        public String toString() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return (tls ? "rediss://" : "redis://") + h + ":" + port;
        }
    }

    public RedisConfig {
        nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
        requireNonNull(keyPrefix, "keyPrefix is null");
        requireNonNull(commandTimeout, "commandTimeout is null");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no Redis node");
        }
        if (!cluster && nodes.size() != 1) {
            throw new IllegalArgumentException("standalone mode takes one node, got " + nodes);
        }
        if (cluster && database != 0) {
            throw new IllegalArgumentException("Redis Cluster has only database 0, got " + database);
        }
        if (username != null && password == null) {
            throw new IllegalArgumentException("a username needs a password");
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive, got " + commandTimeout);
        }
        if (maxBatchBytes < 1) {
            throw new IllegalArgumentException("maxBatchBytes must be positive, got " + maxBatchBytes);
        }
    }

    /**
     * Reads the {@code tq.storage.redis.*} options.
     *
     * @throws ConfigException for an invalid value, a key under {@code tq.storage.redis.} that is not an option
     *     of this backend (listing the supported keys), or options that contradict each other
     */
    /**
     * The Lettuce address of {@code node} with this configuration's TLS, database, credentials and command
     * timeout: how the backend connects, and how a raw Lettuce client reaches the same server the same way.
     */
    public RedisURI redisUri(Endpoint node) {
        RedisURI.Builder b = RedisURI.builder()
                .withHost(node.host())
                .withPort(node.port())
                .withSsl(node.tls())
                .withDatabase(database())
                .withTimeout(commandTimeout())
                .withClientName("transferqueue");
        if (password() != null) {
            if (username() != null) {
                b.withAuthentication(username(), password());
            } else {
                b.withPassword(password().toCharArray());
            }
        }
        return b.build();
    }

    public static RedisConfig from(TqConfig config) {
        requireNonNull(config, "config is null");
        config.rejectUnknownUnder(RedisOptions.PREFIX, RedisOptions.all(), "storage backend 'redis'");
        boolean tls = config.get(RedisOptions.TLS);
        List<String> seeds = config.get(RedisOptions.CLUSTER_NODES);
        boolean cluster = seeds != null;
        List<Endpoint> nodes = new ArrayList<>();
        Integer uriDatabase = null;
        if (cluster) {
            if (config.isSet(RedisOptions.URI)) {
                throw new ConfigException(RedisOptions.URI.key() + " and " + RedisOptions.CLUSTER_NODES.key()
                        + " are both set; set uri for one standalone server or cluster-nodes for a Redis Cluster");
            }
            for (String s : seeds) {
                Parsed p = parse(RedisOptions.CLUSTER_NODES, s, tls);
                if (p.database != null && p.database != 0) {
                    throw new ConfigException(RedisOptions.CLUSTER_NODES.key() + " = '" + s + "' names database "
                            + p.database + "; a Redis Cluster has only database 0");
                }
                nodes.add(p.endpoint);
            }
        } else {
            Parsed p = parse(RedisOptions.URI, config.get(RedisOptions.URI), tls);
            nodes.add(p.endpoint);
            uriDatabase = p.database;
        }
        int database = config.get(RedisOptions.DATABASE);
        if (uriDatabase != null) {
            if (config.isSet(RedisOptions.DATABASE) && database != uriDatabase) {
                throw new ConfigException(RedisOptions.URI.key() + " names database " + uriDatabase + " but "
                        + RedisOptions.DATABASE.key() + " = " + database + "; set one of them");
            }
            database = uriDatabase;
        }
        if (cluster && database != 0) {
            throw new ConfigException(RedisOptions.DATABASE.key() + " = " + database
                    + " but a Redis Cluster has only database 0");
        }
        String username = config.get(RedisOptions.USERNAME);
        String password = config.get(RedisOptions.PASSWORD);
        if (username != null && password == null) {
            throw new ConfigException(RedisOptions.USERNAME.key() + " is set without " + RedisOptions.PASSWORD.key());
        }
        return new RedisConfig(cluster, nodes, username, password, database, config.get(RedisOptions.KEY_PREFIX),
                config.get(RedisOptions.COMMAND_TIMEOUT), config.get(RedisOptions.TTL),
                config.get(RedisOptions.MAX_BATCH_SIZE).bytes());
    }

    private record Parsed(Endpoint endpoint, Integer database) {
    }

    /** Parses {@code redis://host[:port][/db]} or {@code rediss://...}; never echoes credentials. */
    private static Parsed parse(ConfigOption<?> option, String text, boolean tls) {
        String t = text.trim();
        URI u;
        try {
            u = new URI(t);
        } catch (URISyntaxException e) {
            throw bad(option, t, "not a URI (" + e.getReason() + ")");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw bad(option, t, "expected redis://host:port or rediss://host:port");
        }
        if (u.getRawUserInfo() != null) {
            // do not echo the value: it may hold a password
            throw new ConfigException(option.key() + " holds credentials; remove them from the URI and set "
                    + RedisOptions.USERNAME.key() + " and " + RedisOptions.PASSWORD.key() + " (a secret) instead");
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw bad(option, t, "no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = u.getPort() < 0 ? 6379 : u.getPort();
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw bad(option, t, "query parameters are not supported; use the tq.storage.redis.* options");
        }
        Integer database = null;
        String path = u.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw bad(option, t, "the path must be a database number, e.g. /0");
            }
            if (database < 0) {
                throw bad(option, t, "negative database");
            }
        }
        return new Parsed(new Endpoint(host, port, tls || scheme.equals("rediss")), database);
    }

    private static ConfigException bad(ConfigOption<?> option, String text, String rule) {
        // a value with '@' may hold credentials: do not echo it
        String shown = text.indexOf('@') >= 0 ? "****" : text;
        return new ConfigException(option.key() + " = '" + shown + "' is invalid: " + rule);
    }

    /** Every setting, the password as {@code ****}. */
    @Override
    public String toString() {
        return "RedisConfig[" + (cluster ? "cluster " : "standalone ") + nodes + (cluster ? "" : " database " + database)
                + (username == null ? "" : ", username " + username)
                + ", password " + (password == null ? "(unset)" : "****")
                + ", key prefix '" + keyPrefix + "', command timeout " + commandTimeout
                + ", ttl " + (ttl == null ? "(none)" : ttl) + ", max batch " + maxBatchBytes + " bytes]";
    }
}
