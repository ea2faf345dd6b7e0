package io.transferqueue.backend.simple;

import static java.util.Objects.requireNonNull;

import com.google.auto.service.AutoService;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import io.transferqueue.transport.RpcOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Discovered entry point of the {@code simple} backend: in-process storage units on the JVM heap. */
@AutoService(StorageManagerFactory.class)
public final class SimpleStorageFactory implements StorageManagerFactory {
    /** The name selected with {@code tq.storage.backend}. */
    public static final String NAME = "simple";

    private static final Logger LOG = LoggerFactory.getLogger(SimpleStorageFactory.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "in-process storage units on the JVM heap (embedded default)";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return SimpleStorageOptions.all();
    }

    /**
     * Creates a manager from the {@code tq.storage.simple.*} options.
     *
     * @throws io.transferqueue.error.ConfigException for an invalid or unknown option of this backend
     */
    @Override
    public StorageManager create(TqConfig config, StorageContext context) {
        requireNonNull(config, "config is null");
        requireNonNull(context, "context is null");
        List<String> remote = config.get(SimpleStorageOptions.REMOTE_UNITS);
        if (remote != null && !remote.isEmpty()) {
            LOG.info("simple storage for {}: remote units {}", context.instanceId(), remote);
            return new RemoteSimpleStorageManager(remote, RpcOptions.settings(config));
        }
        SimpleStorageConfig c = SimpleStorageConfig.from(config);
        LOG.info("simple storage for {}: {}", context.instanceId(), c);
        return new SimpleStorageManager(c);
    }
}
