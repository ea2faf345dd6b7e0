package io.transferqueue.controller;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.DType;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Measures the controller in-process: notify and fetch throughput, fetch latency with many live rows, and
 * heap bytes per live row. Used by {@code tq bench} (controller scale) and runnable on its own:
 * {@code java -cp ... io.transferqueue.controller.ControllerBenchmark [rows] [fields] [tasks] [batch]}.
 */
public final class ControllerBenchmark {

    /**
     * Figures of one run.
     *
     * @param rows live rows at the end of the notify phase
     * @param notifyRowsPerSecond rows made ready per second (insert + notify of every field)
     * @param fetchRowsPerSecond rows fetched per second (all tasks)
     * @param fetchP50Micros median fetch latency with all rows live
     * @param fetchP99Micros 99th percentile fetch latency
     * @param heapBytesPerRow controller heap bytes per live row (its own accounting)
     * @param measuredHeapBytesPerRow JVM heap growth per live row, measured after garbage collection
     */
    public record Result(long rows, double notifyRowsPerSecond, double fetchRowsPerSecond, double fetchP50Micros,
            double fetchP99Micros, double heapBytesPerRow, double measuredHeapBytesPerRow) {
    }

    private static long usedHeapAfterGc() {
        java.lang.management.MemoryMXBean mx = java.lang.management.ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private ControllerBenchmark() {
    }

    /** Runs the benchmark with {@code fields} dense fields and {@code tasks} consuming tasks. */
    public static Result run(int rows, int fields, int tasks, int batch) {
        long before = usedHeapAfterGc();
        try (Controller c = Controller.create(TqConfig.defaults())) {
            Map<String, FieldSchema> schema = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (int f = 0; f < fields; f++) {
                names.add("f" + f);
                schema.put("f" + f, FieldSchema.dense(f % 2 == 0 ? DType.FLOAT32 : DType.INT64, new int[] {128}));
            }
            String p = "bench";
            long t0 = System.nanoTime();
            for (int done = 0; done < rows; done += batch) {
                int n = Math.min(batch, rows - done);
                BatchMeta m = c.getMeta(GetMetaRequest.insert(p, n)).join();
                c.notifyProduced(ProduceNotice.of(m, schema, Map.of()));
            }
            double notifySeconds = (System.nanoTime() - t0) / 1e9;
            long heap = c.heapBytes();
            for (int t = 0; t < tasks; t++) {
                c.getMeta(GetMetaRequest.fetch(p, "task" + t, names, 1)).join();
            }
            long measured = usedHeapAfterGc() - before;
            for (int t = 0; t < tasks; t++) {
                c.resetConsumption(p, "task" + t);
            }
            long[] lat = new long[(rows / batch + 1) * tasks];
            int k = 0;
            long fetched = 0;
            long t1 = System.nanoTime();
            for (int t = 0; t < tasks; t++) {
                GetMetaRequest req = GetMetaRequest.fetch(p, "task" + t, names, batch);
                while (true) {
                    long s = System.nanoTime();
                    CompletableFuture<BatchMeta> f = c.getMeta(req);
                    BatchMeta m = f.join();
                    lat[k++] = System.nanoTime() - s;
                    if (m.isEmpty()) {
                        break;
                    }
                    fetched += m.size();
                }
            }
            double fetchSeconds = (System.nanoTime() - t1) / 1e9;
            long[] sorted = Arrays.copyOf(lat, k);
            Arrays.sort(sorted);
            return new Result(rows, rows / notifySeconds, fetched / fetchSeconds, sorted[sorted.length / 2] / 1e3,
                    sorted[(int) (sorted.length * 0.99)] / 1e3, heap / (double) rows,
                    measured / (double) rows);
        }
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int fields = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        run(Math.min(rows, 100_000), fields, tasks, batch);
        Result r = run(rows, fields, tasks, batch);
        System.out.printf("rows=%d fields=%d tasks=%d batch=%d%n", rows, fields, tasks, batch);
        System.out.printf("notify: %.0f rows/s%nfetch:  %.0f rows/s (p50 %.1f us, p99 %.1f us per fetch of %d)%n"
                + "heap:   %.1f bytes per live row (accounted), %.1f measured after GC%n", r.notifyRowsPerSecond(),
                r.fetchRowsPerSecond(), r.fetchP50Micros(), r.fetchP99Micros(), batch, r.heapBytesPerRow(),
                r.measuredHeapBytesPerRow());
    }
}
