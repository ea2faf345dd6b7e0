package io.transferqueue.config;

import java.util.List;

/** Options every TransferQueue process reads, whatever its role. */
public final class CoreOptions {
    /** Name of the storage backend (a {@code StorageManagerFactory} found on the class path). */
    public static final ConfigOption<String> STORAGE_BACKEND = ConfigOption.key("tq.storage.backend")
            .stringType()
            .defaultValue("simple")
            .validate(s -> !s.isBlank(), "must not be blank")
            .description("Storage backend to use, by factory name: simple, rocksdb, redis, npu, or a third-party name.");

    /**
     * How this process sends messages: {@code true} sends payloads as their own frames without copying
     * ({@code frames}), {@code false} packs each message into one frame ({@code packed}). Receivers read
     * both, so processes may differ.
     */
    public static final ConfigOption<Boolean> WIRE_ZERO_COPY = ConfigOption.key("tq.wire.zero-copy")
            .booleanType()
            .defaultValue(true)
            .envAliases("TQ_ZERO_COPY_SERIALIZATION")
            .description("Send payload buffers as separate frames without copying (frames encoding); false packs "
                    + "every message into one frame. Only affects sending: every peer reads both.");

    private CoreOptions() {
    }

    /** All options declared here. */
    public static List<ConfigOption<?>> all() {
        return List.of(STORAGE_BACKEND, WIRE_ZERO_COPY, TqConfig.CONFIG_FILE);
    }
}
