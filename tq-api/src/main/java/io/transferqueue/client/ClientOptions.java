package io.transferqueue.client;

import io.transferqueue.config.ConfigOption;
import java.time.Duration;
import java.util.List;

/** Options of clients. */
public final class ClientOptions {
    /** How long a synchronous call waits (on top of a fetch's own {@code maxWait}). */
    public static final ConfigOption<Duration> TIMEOUT = ConfigOption.key("tq.client.timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(60))
            .validate(d -> !d.isNegative() && !d.isZero(), "must be positive")
            .description("How long a synchronous client call waits for its result (a waiting fetch gets its own wait "
                    + "on top) before failing with DeadlineExceededException.");

    private ClientOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(TIMEOUT);
    }
}
