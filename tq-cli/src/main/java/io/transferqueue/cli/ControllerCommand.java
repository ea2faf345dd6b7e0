package io.transferqueue.cli;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.controller.Controller;
import io.transferqueue.rpc.ControllerServer;
import io.transferqueue.rpc.ServerOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tq controller}: the controller as a server process. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = "Run a controller server. Clients connect with TransferQueue.connect(ADDRESS); storage units "
                + "with tq storage-unit --controller ADDRESS.")
final class ControllerCommand implements Callable<Integer> {
    @Option(names = "--bind", description = "Address to listen on (default: tq.controller.bind, "
            + "tcp://127.0.0.1:5570; use tcp://0.0.0.0:PORT or a host address to serve other machines; port 0 picks one).")
    String bind;

    @Option(names = "--units", description = "Remote storage units to wait for before serving the storage topology "
            + "(default: tq.controller.storage-units).")
    Integer units;

    @Override
    public Integer call() throws InterruptedException {
        Plugins plugins = new Plugins();
        List<ConfigOption<?>> known = plugins.knownOptions();
        TqConfig cfg = TqConfig.load();
        if (bind != null) {
            cfg = cfg.with(ServerOptions.BIND, bind);
        }
        if (units != null) {
            cfg = cfg.with(ServerOptions.STORAGE_UNITS, units);
        }
        plugins.checked(cfg);
        Map<String, String> served = new TreeMap<>();
        cfg.effectiveValues(known).forEach((k, v) -> {
            if (!k.startsWith("tq.controller.") && !k.equals("tq.config.file")) {
                served.put(k, v);
            }
        });
        CountDownLatch stop = new CountDownLatch(1);
        try (ControllerServer server = ControllerServer.start(Controller.create(cfg, plugins.samplers), true, cfg,
                served, cfg.get(ServerOptions.BIND))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "tq-controller-shutdown"));
            System.out.println("tq controller listening on " + server.endpoint()
                    + (cfg.get(ServerOptions.STORAGE_UNITS) > 0 ? " (waiting for " + cfg.get(ServerOptions.STORAGE_UNITS)
                    + " storage units)" : ""));
            System.out.flush();
            stop.await();
        }
        return 0;
    }
}
