package io.transferqueue.rpc;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.transport.Endpoints;
import java.util.List;

/** Options of the controller server process. */
public final class ServerOptions {
    public static final ConfigOption<String> BIND = ConfigOption.key("tq.controller.bind")
            .stringType()
            .defaultValue("tcp://127.0.0.1:5570")
            .validate(s -> {
                try {
                    Endpoints.check(s);
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            }, "must be tcp://host:port (port 0 picks a free one; tcp://[::1]:port for IPv6)")
            .description("Where the controller server listens. Loopback by default; bind 0.0.0.0 or a host address "
                    + "to serve other machines.");

    public static final ConfigOption<Integer> STORAGE_UNITS = ConfigOption.key("tq.controller.storage-units")
            .intType()
            .defaultValue(0)
            .validate(n -> n >= 0 && n <= 4096, "must be between 0 and 4096")
            .description("Remote storage units (tq storage-unit) the controller waits for before it serves the storage "
                    + "topology to clients; 0: clients use their own configured backend.");

    /** Key under which the controller serves the unit addresses to clients of the simple backend. */
    public static final String REMOTE_UNITS_KEY = "tq.storage.simple.remote-units";

    private ServerOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(BIND, STORAGE_UNITS);
    }
}
