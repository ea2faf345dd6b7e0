package io.transferqueue.transport;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.CoreOptions;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.wire.Encoding;
import java.time.Duration;
import java.util.List;

/** Options of the ZeroMQ transport between clients, the controller and storage units. */
public final class RpcOptions {
    public static final ConfigOption<Duration> TIMEOUT = ConfigOption.key("tq.rpc.timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .validate(d -> !d.isNegative() && !d.isZero(), "must be positive")
            .description("Deadline of every remote call (a waiting fetch gets its own wait on top). A peer that does "
                    + "not answer in time is reported as BackendUnavailableException.");

    public static final ConfigOption<DataSize> MAX_FRAME_SIZE = ConfigOption.key("tq.rpc.max-frame-size")
            .dataSizeType()
            .defaultValue(DataSize.ofGibibytes(2))
            .validate(d -> d.bytes() >= 1024 && d.bytes() <= Integer.MAX_VALUE + 1L, "must be between 1KiB and 2GiB")
            .description("Largest frame a peer accepts; bigger frames are dropped by ZeroMQ before they are buffered.");

    public static final ConfigOption<Integer> HIGH_WATER_MARK = ConfigOption.key("tq.rpc.high-water-mark")
            .intType()
            .defaultValue(1000)
            .validate(n -> n > 0, "must be positive")
            .description("Messages ZeroMQ queues per peer and direction before it pushes back.");

    private RpcOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(TIMEOUT, MAX_FRAME_SIZE, HIGH_WATER_MARK);
    }

    /** The transport settings of {@code config}. */
    public static RpcSettings settings(TqConfig config) {
        return new RpcSettings(config.get(TIMEOUT), config.get(MAX_FRAME_SIZE).bytes(), config.get(HIGH_WATER_MARK),
                Encoding.forZeroCopy(config.get(CoreOptions.WIRE_ZERO_COPY)));
    }
}
