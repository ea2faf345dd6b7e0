package io.transferqueue.cli.bench;

import io.transferqueue.controller.ControllerBenchmark;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The terminal table (Markdown, so it pastes into docs as it is) and the performance targets, read from the
 * results of one run.
 */
final class Report {
    private final List<Result> results;
    private final List<ControllerBenchmark.Result> controller;

    Report(List<Result> results, List<ControllerBenchmark.Result> controller) {
        this.results = sorted(results);
        this.controller = List.copyOf(controller);
    }

    /** Results in run order: scale, workload, backend, then side and operation as measured. */
    private static List<Result> sorted(List<Result> rs) {
        List<Result> out = new ArrayList<>(rs);
        out.sort(Comparator.comparingInt((Result r) -> scaleIndex(r.scale()))
                .thenComparing(r -> Workload.COMPLEX.equals(r.workload()))
                .thenComparingInt(r -> Groups.BACKENDS.indexOf(r.backend())));
        return out;
    }

    private static int scaleIndex(String name) {
        for (int i = 0; i < Scale.KNOWN.size(); i++) {
            if (Scale.KNOWN.get(i).name().equals(name)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The data-plane table: one line per backend and scale (plus one for a zero-copy GET). */
    List<String> table() {
        List<String> out = new ArrayList<>();
        out.add("| scale | B×seq×F | MB | backend | PUT Gbps (min–max) | GET Gbps (min–max) | baseline | PUT Gbps | GET Gbps "
                + "| PUT ratio | GET ratio |");
        out.add("|---|---|---:|---|---:|---:|---|---:|---:|---:|---:|");
        for (Map.Entry<String, List<Result>> e : byStep().entrySet()) {
            List<Result> step = e.getValue();
            Result first = step.get(0);
            Optional<Result> put = find(step, false, "PUT");
            Optional<Result> get = find(step, false, "GET");
            Optional<Result> zc = find(step, false, "GET-zc");
            String baseline = put.or(() -> get).map(Result::baseline).orElse("");
            Optional<Result> bPut = step.stream().filter(r -> r.side().equals(baseline) && r.op().equals("PUT"))
                    .findFirst();
            Optional<Result> bGet = step.stream().filter(r -> r.side().equals(baseline) && r.op().equals("GET"))
                    .findFirst();
            out.add(row(first.label(), first.shape(), mb(first.bytes()), first.backend(), spread(put), spread(get),
                    baseline, median(bPut), median(bGet), ratio(put), ratio(get)));
            if (zc.isPresent()) {
                out.add(row(first.label(), first.shape(), mb(first.bytes()), first.backend() + ", zero-copy GET", "—",
                        spread(zc), baseline, "—", median(bGet), "—", ratio(zc)));
            }
        }
        return out;
    }

    /** The controller table. */
    List<String> controllerTable() {
        List<String> out = new ArrayList<>();
        if (controller.isEmpty()) {
            return out;
        }
        out.add("| live rows | notify rows/s | fetch rows/s | fetch p50 µs | fetch p99 µs | heap B/row (accounted) "
                + "| heap B/row (measured after GC) |");
        out.add("|---:|---:|---:|---:|---:|---:|---:|");
        for (ControllerBenchmark.Result r : controller) {
            out.add(String.format(Locale.ROOT, "| %,d | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f |", r.rows(),
                    r.notifyRowsPerSecond(), r.fetchRowsPerSecond(), r.fetchP50Micros(), r.fetchP99Micros(),
                    r.heapBytesPerRow(), r.measuredHeapBytesPerRow()));
        }
        return out;
    }

    /** Every target with its value per scale and whether it is met at the largest scale measured. */
    List<String> targets() {
        List<String> out = new ArrayList<>();
        ratioTarget(out, "simple", "PUT", 0.8, "simple PUT ≥ 0.8× memcpy heap→heap");
        ratioTarget(out, "simple", "GET", 0.8, "simple GET ≥ 0.8× memcpy heap→heap");
        ratioTarget(out, "simple", "GET-zc", 20, "simple zero-copy GET ≥ 20× memcpy heap→heap");
        ratioTarget(out, "simple-remote", "PUT", 0.8, "simple-remote PUT ≥ 0.8× raw jeromq");
        ratioTarget(out, "simple-remote", "GET", 0.8, "simple-remote GET ≥ 0.8× raw jeromq");
        getOverPut(out, "simple-remote", "simple-remote GET ≥ PUT");
        ratioTarget(out, "rocksdb", "PUT", 0.8, "rocksdb PUT ≥ 0.8× raw rocksdbjni");
        ratioTarget(out, "rocksdb", "GET", 0.8, "rocksdb GET ≥ 0.8× raw rocksdbjni");
        ratioTarget(out, "redis", "PUT", 0.8, "redis PUT ≥ 0.8× raw Lettuce");
        ratioTarget(out, "redis", "GET", 0.8, "redis GET ≥ 0.8× raw Lettuce");
        ratioTarget(out, "npu", "PUT", 0.7, "npu PUT ≥ 0.7× memcpy heap→direct");
        ratioTarget(out, "npu", "GET", 0.7, "npu GET ≥ 0.7× memcpy direct→heap");
        if (!controller.isEmpty()) {
            controllerTarget(out, "controller notify ≥ 500,000 rows/s", ControllerBenchmark.Result::notifyRowsPerSecond,
                    500_000, true, "%,.0f rows/s");
            controllerTarget(out, "controller fetch ≥ 200,000 rows/s", ControllerBenchmark.Result::fetchRowsPerSecond,
                    200_000, true, "%,.0f rows/s");
            controllerTarget(out, "controller heap ≤ 128 B per live row (measured after GC)",
                    ControllerBenchmark.Result::measuredHeapBytesPerRow, 128, false, "%.1f B");
        }
        return out;
    }

    private void ratioTarget(List<String> out, String backend, String op, double min, String title) {
        List<Result> rs = results.stream().filter(r -> r.backend().equals(backend) && !r.isBaseline()
                && r.op().equals(op) && Workload.PUT_BENCHMARK.equals(r.workload())).toList();
        if (rs.isEmpty()) {
            return;
        }
        verdict(out, title, rs, Result::ratio, min, "%.2f×");
    }

    private void getOverPut(List<String> out, String backend, String title) {
        List<Result> gets = results.stream().filter(r -> r.backend().equals(backend) && !r.isBaseline()
                && r.op().equals("GET") && Workload.PUT_BENCHMARK.equals(r.workload())).toList();
        if (gets.isEmpty()) {
            return;
        }
        Map<String, Double> put = new LinkedHashMap<>();
        results.stream().filter(r -> r.backend().equals(backend) && !r.isBaseline() && r.op().equals("PUT"))
                .forEach(r -> put.put(r.label(), r.stats().median()));
        verdict(out, title, gets, r -> r.stats().median() / put.getOrDefault(r.label(), Double.NaN), 1.0,
                "GET/PUT %.2f");
    }

    private static void verdict(List<String> out, String title, List<Result> rs, ToDoubleFunction<Result> value,
            double min, String format) {
        StringBuilder per = new StringBuilder();
        for (Result r : rs) {
            per.append(per.length() == 0 ? "" : ", ").append(r.scale()).append(' ')
                    .append(String.format(Locale.ROOT, format, value.applyAsDouble(r)));
        }
        Result last = rs.get(rs.size() - 1);
        double v = value.applyAsDouble(last);
        out.add(String.format(Locale.ROOT, "- %s: **%s** at %s (%s); by scale: %s", title, v >= min ? "met" : "missed",
                last.scale(), String.format(Locale.ROOT, format, v), per));
    }

    private void controllerTarget(List<String> out, String title, ToDoubleFunction<ControllerBenchmark.Result> value,
            double bound, boolean atLeast, String format) {
        StringBuilder per = new StringBuilder();
        for (ControllerBenchmark.Result r : controller) {
            per.append(per.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d rows ", r.rows()))
                    .append(String.format(Locale.ROOT, format, value.applyAsDouble(r)));
        }
        ControllerBenchmark.Result last = controller.get(controller.size() - 1);
        double v = value.applyAsDouble(last);
        boolean met = atLeast ? v >= bound : v <= bound;
        out.add(String.format(Locale.ROOT, "- %s: **%s** at %,d rows (%s); by size: %s", title, met ? "met" : "missed",
                last.rows(), String.format(Locale.ROOT, format, v), per));
    }

    /** Results per (scale, workload, backend), in run order. */
    Map<String, List<Result>> byStep() {
        Map<String, List<Result>> steps = new LinkedHashMap<>();
        for (Result r : results) {
            steps.computeIfAbsent(r.label() + "/" + r.backend(), k -> new ArrayList<>()).add(r);
        }
        return steps;
    }

    List<Result> results() {
        return results;
    }

    private static Optional<Result> find(List<Result> step, boolean baseline, String op) {
        return step.stream().filter(r -> r.isBaseline() == baseline && r.op().equals(op)).findFirst();
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    static String mb(long bytes) {
        double mb = bytes / 1e6;
        return String.format(Locale.ROOT, mb < 1 ? "%.3f" : mb < 100 ? "%.2f" : "%.0f", mb);
    }

    static String gbps(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return String.format(Locale.ROOT, v < 1 ? "%.3f" : v < 100 ? "%.2f" : "%.0f", v);
    }

    private static String spread(Optional<Result> r) {
        return r.map(x -> gbps(x.stats().median()) + " (" + gbps(x.stats().min()) + "–" + gbps(x.stats().max()) + ")")
                .orElse("—");
    }

    private static String median(Optional<Result> r) {
        return r.map(x -> gbps(x.stats().median())).orElse("—");
    }

    private static String ratio(Optional<Result> r) {
        return r.map(x -> String.format(Locale.ROOT, "%.2f×", x.ratio())).orElse("—");
    }
}
