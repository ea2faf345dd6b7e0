package io.transferqueue.backend.simple;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.DataSize;
import java.util.List;

/** Options of the {@code simple} backend, all under {@code tq.storage.simple.}. */
public final class SimpleStorageOptions {
    /** Prefix of every key of this backend. */
    public static final String PREFIX = "tq.storage.simple.";

    /** Number of in-process storage units, each with its own thread. */
    public static final ConfigOption<Integer> UNITS = ConfigOption.key(PREFIX + "units")
            .intType()
            .defaultValue(2)
            .validate(n -> n >= 1 && n <= 1024, "must be between 1 and 1024")
            .description("Number of in-process storage units; rows go to unit (global index mod units). Each unit "
                    + "has one thread, so more units than cores only compete.");

    /** Row limit of each unit; unset means unlimited. */
    public static final ConfigOption<Long> CAPACITY_ROWS = ConfigOption.key(PREFIX + "capacity-rows")
            .longType()
            .noDefaultValue()
            .validate(n -> n >= 1, "must be at least 1 (leave unset for unlimited)")
            .description("Maximum rows each storage unit holds; unset means unlimited.");

    /** Byte limit of each unit; unset means unlimited. */
    public static final ConfigOption<DataSize> CAPACITY_BYTES = ConfigOption.key(PREFIX + "capacity-bytes")
            .dataSizeType()
            .noDefaultValue()
            .validate(s -> s.bytes() >= 1, "must be at least 1 byte (leave unset for unlimited)")
            .description("Maximum payload bytes each storage unit holds, e.g. 8GiB; unset means unlimited.");

    /** What a put does when a unit is full. */
    public static final ConfigOption<FullPolicy> FULL_POLICY = ConfigOption.key(PREFIX + "full-policy")
            .enumType(FullPolicy.class)
            .defaultValue(FullPolicy.BLOCK)
            .description("When a unit is full: block waits up to the put's timeout for clears to free room, "
                    + "reject fails at once. Both fail with CapacityExceededException.");

    /** Size from which a request is split across the unit threads. */
    public static final ConfigOption<DataSize> PARALLEL_THRESHOLD = ConfigOption.key(PREFIX + "parallel-threshold")
            .dataSizeType()
            .defaultValue(DataSize.ofBytes(SimpleStorageConfig.DEFAULT_PARALLEL_THRESHOLD))
            .description("Puts and copying gets that move at least this many bytes are split across the unit "
                    + "threads and copied in parallel; smaller ones run on the caller's thread, where a hand-off "
                    + "would cost more than the copy. 0 sends every request to the unit threads.");

    /**
     * Addresses of storage-unit servers ({@code tq storage-unit}); when set, rows go to these units over the
     * network instead of in-process units. A controller serves this list to its clients.
     */
    public static final ConfigOption<List<String>> REMOTE_UNITS = ConfigOption.key(PREFIX + "remote-units")
            .listType()
            .noDefaultValue()
            .description("Comma-separated tcp:// addresses of remote storage units, in routing order (served by the "
                    + "controller to clients that connect to it); unset: in-process units.");

    private SimpleStorageOptions() {
    }

    /** Every option of this backend. */
    public static List<ConfigOption<?>> all() {
        return List.of(UNITS, CAPACITY_ROWS, CAPACITY_BYTES, FULL_POLICY, PARALLEL_THRESHOLD, REMOTE_UNITS);
    }
}
