package io.transferqueue.cli.bench;

import io.transferqueue.controller.ControllerBenchmark;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code results.csv}: one row per backend × scale × operation, baselines included (Gbps; ratio = median over the
 * baseline's median of the same direction); {@code controller.csv}: one row per controller row count. Plain ASCII,
 * no quoting needed (no field holds a comma).
 */
final class ResultsCsv {
    static final String HEADER = "backend,side,kind,scale,workload,shape,bytes,op,iterations,median_gbps,min_gbps,"
            + "max_gbps,baseline,baseline_median_gbps,ratio";
    static final String CONTROLLER_HEADER = "rows,fields,tasks,batch,notify_rows_per_s,fetch_rows_per_s,fetch_p50_us,"
            + "fetch_p99_us,heap_bytes_per_row_accounted,heap_bytes_per_row_measured";

    private ResultsCsv() {
    }

    static List<String> lines(List<Result> results) {
        List<String> out = new ArrayList<>();
        out.add(HEADER);
        for (Result r : results) {
            out.add(String.join(",", r.backend(), r.side(), r.isBaseline() ? "baseline" : "backend", r.scale(),
                    r.workload(), r.shape().replace('×', 'x'), Long.toString(r.bytes()), r.op(),
                    Integer.toString(r.stats().iterations()), num(r.stats().median()), num(r.stats().min()),
                    num(r.stats().max()), r.baseline() == null ? "" : r.baseline(),
                    r.isBaseline() ? "" : num(r.baselineMedian()), r.isBaseline() ? "" : num(r.ratio())));
        }
        return out;
    }

    static List<String> controllerLines(List<ControllerBenchmark.Result> results) {
        List<String> out = new ArrayList<>();
        out.add(CONTROLLER_HEADER);
        for (ControllerBenchmark.Result r : results) {
            out.add(String.join(",", Long.toString(r.rows()), Integer.toString(ControllerScale.FIELDS),
                    Integer.toString(ControllerScale.TASKS), Integer.toString(ControllerScale.BATCH),
                    String.format(Locale.ROOT, "%.0f", r.notifyRowsPerSecond()),
                    String.format(Locale.ROOT, "%.0f", r.fetchRowsPerSecond()), num(r.fetchP50Micros()),
                    num(r.fetchP99Micros()), num(r.heapBytesPerRow()), num(r.measuredHeapBytesPerRow())));
        }
        return out;
    }

    static void write(Path file, List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "";
        }
        // six significant digits, never in exponent notation
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
