package io.transferqueue.cli;

import io.transferqueue.client.Futures;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.config.TqConfig;
import io.transferqueue.rpc.RemoteControllerApi;
import io.transferqueue.transport.Endpoints;
import io.transferqueue.transport.RpcClient;
import io.transferqueue.transport.RpcOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tq status}: partitions of a running controller with production and consumption progress. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the partitions of a controller: rows, production progress per field, consumption "
                + "progress per task.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--controller", required = true, description = "Controller address, e.g. tcp://127.0.0.1:5570.")
    String controller;

    @Override
    public Integer call() {
        TqConfig cfg = new Plugins().checked(TqConfig.load());
        Duration timeout = cfg.get(RpcOptions.TIMEOUT);
        try (RemoteControllerApi api = new RemoteControllerApi(Endpoints.check(controller),
                RpcClient.create("status", RpcOptions.settings(cfg)), true)) {
            List<String> partitions = Futures.await(api.partitions(), timeout, "status");
            print(System.out, controller, partitions.stream()
                    .map(p -> Futures.await(api.stats(p), timeout, "stats of " + p)).toList());
        }
        return 0;
    }

    static void print(PrintStream out, String controller, List<PartitionStats> stats) {
        out.println("controller " + controller + ": " + stats.size() + " partition" + (stats.size() == 1 ? "" : "s"));
        if (stats.isEmpty()) {
            return;
        }
        out.printf("%-28s %10s %-9s  %s%n", "PARTITION", "ROWS", "COMPLETE", "PROGRESS");
        for (PartitionStats s : stats) {
            StringBuilder progress = new StringBuilder();
            for (Map.Entry<String, Long> e : s.producedPerField().entrySet()) {
                progress.append(String.format("field %s %d/%d (%.0f%%)  ", e.getKey(), e.getValue(), s.rows(),
                        100 * s.productionProgress(e.getKey())));
            }
            for (Map.Entry<String, Long> e : s.consumedPerTask().entrySet()) {
                progress.append(String.format("task %s %d/%d (%.0f%%)  ", e.getKey(), e.getValue(), s.rows(),
                        100 * s.consumptionProgress(e.getKey())));
            }
            out.printf("%-28s %10d %-9s  %s%n", s.partition(), s.rows(), s.complete() ? "yes" : "no",
                    progress.toString().trim());
        }
    }
}
