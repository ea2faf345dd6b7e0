package io.transferqueue.spi;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import java.util.List;

/**
 * Entry point of a storage backend, found with {@link java.util.ServiceLoader} (register it with
 * {@code @AutoService(StorageManagerFactory.class)} or a {@code META-INF/services} file). Stateless: one
 * factory may create any number of independent managers.
 */
public interface StorageManagerFactory {

    /** The name users select with {@code tq.storage.backend}: lowercase, e.g. {@code rocksdb}. */
    String name();

    /** One line for listings. */
    default String description() {
        return "";
    }

    /** Every option this backend reads, all under {@code tq.storage.<name>.}. */
    List<ConfigOption<?>> options();

    /**
     * Creates a live backend. On failure releases whatever it opened and throws a
     * {@link io.transferqueue.error.TransferQueueException} (e.g. {@code ConfigException},
     * {@code BackendUnavailableException}).
     */
    StorageManager create(TqConfig config, StorageContext context);
}
