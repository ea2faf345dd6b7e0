package io.transferqueue.backend.rocksdb;

import static java.util.Objects.requireNonNull;

import com.google.auto.service.AutoService;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.util.List;

/**
 * The {@code rocksdb} storage backend ({@code tq.storage.backend=rocksdb}): the shared {@link KvStorageManager} over
 * a {@link RocksDbStorageClient}. Options are {@link RocksDbOptions}. Stateless.
 */
@AutoService(StorageManagerFactory.class)
public final class RocksDbStorageFactory implements StorageManagerFactory {
    /** The name users select the backend with. */
    public static final String NAME = "rocksdb";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Embedded RocksDB on local disk: larger than memory, persistent when a path is set";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return RocksDbOptions.all();
    }

    /**
     * Opens the database {@code config} names (a temporary one without {@link RocksDbOptions#PATH}). Keys have no
     * prefix: the database belongs to one TransferQueue instance.
     *
     * @throws io.transferqueue.error.ConfigException for an unknown {@code tq.storage.rocksdb.*} key or an invalid value
     * @throws io.transferqueue.error.BackendUnavailableException if another instance holds the database's lock
     */
    @Override
    public StorageManager create(TqConfig config, StorageContext context) {
        requireNonNull(config, "config is null");
        requireNonNull(context, "context is null");
        RocksDbStorageClient client = RocksDbStorageClient.open(RocksDbConfig.from(config));
        try {
            return new KvStorageManager(NAME, client, "");
        } catch (RuntimeException e) {
            try {
                client.close();
            } catch (RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }
}
