package io.transferqueue.backend.redis;

import static java.util.Objects.requireNonNull;

import com.google.auto.service.AutoService;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovered entry point of the {@code redis} backend: cells as Redis keys under the shared
 * {@link KvStorageManager}, on one server or a Redis Cluster (how the data plane scales past one machine).
 */
@AutoService(StorageManagerFactory.class)
public final class RedisStorageFactory implements StorageManagerFactory {
    /** The name selected with {@code tq.storage.backend}. */
    public static final String NAME = "redis";

    private static final Logger LOG = LoggerFactory.getLogger(RedisStorageFactory.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Redis or Redis Cluster (Lettuce), cells as keys";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return RedisOptions.all();
    }

    /**
     * Connects and returns a manager over the connection. A host may lend a Lettuce {@code RedisClient},
     * {@code RedisClusterClient} or {@code ClientResources} through {@code context}; they are used, never closed.
     *
     * @throws io.transferqueue.error.ConfigException for an invalid, unknown or contradicting option
     * @throws io.transferqueue.error.BackendUnavailableException if Redis does not answer within the command timeout
     * @throws io.transferqueue.error.BackendException if Redis refuses the connection (authentication, database)
     */
    @Override
    public StorageManager create(TqConfig config, StorageContext context) {
        requireNonNull(config, "config is null");
        requireNonNull(context, "context is null");
        RedisConfig c = RedisConfig.from(config);
        RedisKvStorageClient client = RedisKvStorageClient.connect(c, context);
        try {
            StorageManager m = new KvStorageManager(NAME, client, c.keyPrefix());
            LOG.info("redis storage for {}: {}", context.instanceId(), c);
            return m;
        } catch (RuntimeException e) {
            try {
                client.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }
}
