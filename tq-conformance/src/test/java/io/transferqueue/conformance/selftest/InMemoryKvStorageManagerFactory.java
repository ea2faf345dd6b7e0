package io.transferqueue.conformance.selftest;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.InMemoryKvStorageClient;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.util.List;

/**
 * A {@link KvStorageManager} over an {@link InMemoryKvStorageClient}: the backend the kit tests itself on,
 * registered through a {@code META-INF/services} file of the test resources, as a third party would.
 */
public final class InMemoryKvStorageManagerFactory implements StorageManagerFactory {
    public static final String NAME = "in-memory-kv";

    static final ConfigOption<Long> MAX_KEYS = ConfigOption.key("tq.storage.in-memory-kv.max-keys").longType()
            .noDefaultValue()
            .validate(n -> n >= 0, "must not be negative")
            .description("Most keys (cells) held; unset: unlimited. A put past it is rejected.");
    static final ConfigOption<DataSize> MAX_BYTES = ConfigOption.key("tq.storage.in-memory-kv.max-bytes").dataSizeType()
            .noDefaultValue()
            .description("Most value bytes held; unset: unlimited. A put past it is rejected.");
    static final ConfigOption<Boolean> ZERO_COPY = ConfigOption.key("tq.storage.in-memory-kv.zero-copy").booleanType()
            .defaultValue(false)
            .description("Declare ZERO_COPY_READ: zero-copy gets return read-only views of stored values.");
    static final ConfigOption<Boolean> BACKEND_META = ConfigOption.key("tq.storage.in-memory-kv.backend-meta")
            .booleanType()
            .defaultValue(false)
            .description("Return a write sequence number as backend meta per cell, and check it comes back on reads.");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "In-memory key-value store (tests)";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(MAX_KEYS, MAX_BYTES, ZERO_COPY, BACKEND_META);
    }

    @Override
    public StorageManager create(TqConfig config, StorageContext context) {
        InMemoryKvStorageClient.Builder b = InMemoryKvStorageClient.builder()
                .zeroCopyReads(config.get(ZERO_COPY))
                .backendMeta(config.get(BACKEND_META));
        if (config.get(MAX_KEYS) != null) {
            b.maxKeys(config.get(MAX_KEYS));
        }
        if (config.get(MAX_BYTES) != null) {
            b.maxBytes(config.get(MAX_BYTES));
        }
        return new KvStorageManager(NAME, b.build(), context.instanceId() + "/");
    }
}
