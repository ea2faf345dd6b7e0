package io.transferqueue.cli;

import io.transferqueue.backend.simple.SimpleStorageOptions;
import io.transferqueue.backend.simple.SimpleUnitServer;
import io.transferqueue.client.Futures;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.rpc.RemoteControllerApi;
import io.transferqueue.transport.Endpoints;
import io.transferqueue.transport.RpcClient;
import io.transferqueue.transport.RpcOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tq storage-unit}: one storage unit of the simple backend as its own process. */
@Command(name = "storage-unit", mixinStandardHelpOptions = true,
        description = "Run a storage unit and register it with a controller.")
final class StorageUnitCommand implements Callable<Integer> {
    @Option(names = "--controller", required = true, description = "Controller address, e.g. tcp://127.0.0.1:5570.")
    String controller;

    @Option(names = "--bind", defaultValue = "tcp://127.0.0.1:0",
            description = "Address to listen on (default: loopback, a free port). Bind a host address for other "
                    + "machines, or a wildcard (tcp://0.0.0.0:PORT) together with --advertise-host.")
    String bind;

    @Option(names = "--advertise-host", paramLabel = "HOST",
            description = "Host name or address other machines reach this unit at; registered with the controller "
                    + "with the bound port. Required when --bind is a wildcard (default: the bound host).")
    String advertiseHost;

    @Spec
    CommandSpec spec;

    @Option(names = "--capacity", description = "Byte limit of this unit, e.g. 8GiB (default: unlimited).")
    String capacity;

    @Option(names = "--capacity-rows", description = "Row limit of this unit (default: unlimited).")
    Long capacityRows;

    @Option(names = "--full-policy", description = "When full: block (wait for clears) or reject (default: block).")
    String fullPolicy;

    @Option(names = "--register-timeout", defaultValue = "60s",
            description = "How long to keep trying to reach the controller (default: 60s).")
    String registerTimeout;

    @Override
    public Integer call() throws InterruptedException {
        TqConfig cfg = TqConfig.load();
        if (capacity != null) {
            cfg = cfg.with(SimpleStorageOptions.CAPACITY_BYTES, DataSize.parse(capacity));
        }
        if (capacityRows != null) {
            cfg = cfg.with(SimpleStorageOptions.CAPACITY_ROWS, capacityRows);
        }
        if (fullPolicy != null) {
            cfg = cfg.with(SimpleStorageOptions.FULL_POLICY.key(), fullPolicy);
            cfg.get(SimpleStorageOptions.FULL_POLICY);
        }
        cfg = new Plugins().checked(cfg);
        if (Endpoints.isWildcard(Endpoints.check(bind)) && advertiseHost == null) {
            throw new ParameterException(spec.commandLine(), "--bind " + bind + " listens on every interface, but the "
                    + "unit must register an address clients can connect to: add --advertise-host HOST (this "
                    + "machine's name or address as the other machines see it), or bind that address itself");
        }
        if (advertiseHost != null) {
            Endpoints.withHost(Endpoints.check(bind), advertiseHost); // refuse a bad host before anything starts
        }
        Duration registerFor = cfg.with(RpcOptions.TIMEOUT.key(), registerTimeout).get(RpcOptions.TIMEOUT);
        CountDownLatch stop = new CountDownLatch(1);
        try (SimpleUnitServer unit = SimpleUnitServer.start(Endpoints.check(bind), cfg);
                RemoteControllerApi api = new RemoteControllerApi(Endpoints.check(controller),
                        RpcClient.create("storage-unit", RpcOptions.settings(cfg)), true)) {
            String advertised = advertiseHost == null ? unit.endpoint()
                    : Endpoints.withHost(unit.endpoint(), advertiseHost);
            int index = register(api, advertised, registerFor);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "tq-storage-unit-shutdown"));
            // registering is idempotent: repeat it so a restarted controller learns the topology again
            java.util.concurrent.ScheduledExecutorService again = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "tq-storage-unit-register");
                        t.setDaemon(true);
                        return t;
                    });
            again.scheduleWithFixedDelay(() -> api.registerUnit(advertised), REREGISTER_SECONDS,
                    REREGISTER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            System.out.println("tq storage-unit " + index + " listening on " + unit.endpoint() + " ("
                    + (advertised.equals(unit.endpoint()) ? "" : "registered as " + advertised + ", ") + "controller "
                    + controller + (capacity != null ? ", capacity " + capacity : "") + ")");
            System.out.flush();
            stop.await();
            again.shutdownNow();
        }
        return 0;
    }

    /** Period of re-registration (a restarted controller knows the unit again within this time). */
    static final long REREGISTER_SECONDS = 2;

    private static int register(RemoteControllerApi api, String address, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return Futures.await(api.registerUnit(address), Duration.ofSeconds(10), "register");
            } catch (BackendUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            }
        }
    }

}
