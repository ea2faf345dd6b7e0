package io.transferqueue.cli.bench;

import io.transferqueue.controller.ControllerBenchmark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The controller at scale, in this process ({@link ControllerBenchmark}): notify and fetch rows per second and heap
 * bytes per live row, for each row count, after one untimed warm-up run. Each count runs {@value #RUNS} times and
 * every figure is the median of those runs (one run of a million rows is a few seconds, long enough for a
 * neighbour's build on a shared machine to halve it).
 */
final class ControllerScale {
    static final int FIELDS = 16;
    static final int TASKS = 4;
    static final int BATCH = 256;
    static final int RUNS = 3;

    private ControllerScale() {
    }

    static List<ControllerBenchmark.Result> run(List<Integer> rowCounts) {
        ControllerBenchmark.run(Math.min(100_000, rowCounts.stream().mapToInt(Integer::intValue).max().orElse(0)),
                FIELDS, TASKS, BATCH);
        List<ControllerBenchmark.Result> out = new ArrayList<>();
        for (int rows : rowCounts) {
            List<ControllerBenchmark.Result> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                runs.add(ControllerBenchmark.run(rows, FIELDS, TASKS, BATCH));
            }
            out.add(new ControllerBenchmark.Result(rows,
                    median(runs, ControllerBenchmark.Result::notifyRowsPerSecond),
                    median(runs, ControllerBenchmark.Result::fetchRowsPerSecond),
                    median(runs, ControllerBenchmark.Result::fetchP50Micros),
                    median(runs, ControllerBenchmark.Result::fetchP99Micros),
                    median(runs, ControllerBenchmark.Result::heapBytesPerRow),
                    median(runs, ControllerBenchmark.Result::measuredHeapBytesPerRow)));
        }
        return out;
    }

    private static double median(List<ControllerBenchmark.Result> runs,
            ToDoubleFunction<ControllerBenchmark.Result> figure) {
        double[] v = runs.stream().mapToDouble(figure).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
