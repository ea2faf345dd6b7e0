package io.transferqueue.cli.bench;

import io.transferqueue.backend.npu.NpuRuntimeKind;
import io.transferqueue.client.ClientOptions;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.controller.ControllerBenchmark;
import io.transferqueue.transport.RpcOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tq bench}: every backend on upstream's put_benchmark workloads, through the real client path, next to the
 * baseline a user would pick instead (same bytes, same processes), plus the controller at scale. Its output is how
 * the project's performance targets are read; see {@code docs/PERFORMANCE.md}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Benchmark every storage backend against the baseline a user would pick instead, and the controller.",
            "",
            "Each iteration, through the TransferQueue client: PUT of the whole batch into a new partition (timed), "
                    + "getMeta (not timed), GET of the whole batch (timed), clear. Baselines move the same bytes in "
                    + "the same processes: memcpy heap->heap (simple), memcpy heap<->direct (npu), raw jeromq frames "
                    + "to the storage-unit processes (simple-remote), raw rocksdbjni WriteBatch/multiGetAsList "
                    + "(rocksdb), raw Lettuce pipelined SET/GET (redis). Gbps = payload bytes x 8 / seconds; median, "
                    + "min and max over the measured iterations; ratio = backend median / baseline median. Every "
                    + "field is checksummed on the first and last iteration: a mismatch fails the run (exit 1).",
            "",
            "Scales (B x seq x F, put_benchmark): debug 32x128x2, tiny 64x1024x4, small 512x12800x4, medium "
                    + "1024x65536x4 (1.5 GiB); on request only: large 2048x128000x5, xlarge 4096x128000x5, huge "
                    + "4096x128000x10. A scale that does not fit in this JVM's heap or the machine is refused up front "
                    + "(exit 2).",
            "",
            "Writes results.csv, controller.csv, results.svg and results.md to --out.",
            ""})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backends", paramLabel = "LIST", defaultValue = "simple,simple-remote,rocksdb,redis,npu",
            description = "Backends to run, comma-separated (default: ${DEFAULT-VALUE}). Unavailable ones are skipped "
                    + "with the reason.")
    String backends;

    @Option(names = "--scales", paramLabel = "LIST", defaultValue = Scale.DEFAULT,
            description = "Scales to run, comma-separated (default: ${DEFAULT-VALUE}).")
    String scales;

    @Option(names = "--iterations", paramLabel = "N", description = "Measured iterations per scale (default: debug 50, "
            + "tiny 30, small 10, medium 5, larger 3).")
    Integer iterations;

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up iterations per scale, not measured (default: "
            + "debug 100, tiny 50, small 3, medium and larger 1).")
    Integer warmup;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-out",
            description = "Directory for results.csv, controller.csv, results.svg, results.md (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--redis-uri", paramLabel = "URI", description = "Redis server for the redis backend and its "
            + "baseline, e.g. redis://127.0.0.1:6379 (default: start redis-server from the PATH on a free loopback "
            + "port; without one, redis is skipped).")
    String redisUri;

    @Option(names = "--complex", description = "Also run perftest's complex case at every scale: dense, jagged and "
            + "string fields, ceil(F/3) of each.")
    boolean complex;

    @Option(names = "--controller-rows", paramLabel = "LIST", defaultValue = "10000,100000,1000000",
            description = "Live-row counts of the controller benchmark (notify and fetch rows/s, heap per row), or "
                    + "'none' (default: ${DEFAULT-VALUE}).")
    String controllerRows;

    @Option(names = "--units", paramLabel = "N", defaultValue = "2",
            description = "Storage units of simple and simple-remote (default: ${DEFAULT-VALUE}, one per core here).")
    int units;

    @Option(names = "--child-java-opts", paramLabel = "OPTS", description = "JVM options of the simple-remote "
            + "storage-unit processes (default: a heap of three times their share of the largest batch, at least "
            + "768 MiB, pre-touched unless --no-pretouch, and this JVM's garbage collector).")
    String childJavaOpts;

    @Option(names = "--npu-runtime", paramLabel = "KIND", defaultValue = "auto",
            description = "Runtime of the npu backend: auto, host, acl, cuda (default: ${DEFAULT-VALUE}; auto falls "
                    + "back to the host runtime without a device).")
    String npuRuntime;

    @Option(names = "--no-pretouch", description = "Do not touch the heap before measuring (by default this JVM "
            + "allocates the heap each backend's largest step needs before it, and the unit processes start with a "
            + "pre-touched heap, "
            + "so no timed operation pays for the first touch of fresh pages: about 1.4 GB/s on these VMs against "
            + "10 GB/s for a rewrite).")
    boolean noPretouch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the generated data "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    /** For tests: overwrite one stored cell (one byte flipped) through the client before each checked read. */
    @Option(names = "--corrupt", hidden = true)
    boolean corrupt;

    @Override
    public Integer call() throws IOException {
        // the report is the output: backends' INFO lines would bury it (an explicit setting wins)
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> backendList;
        List<Scale> scaleList;
        List<Integer> rowCounts;
        NpuRuntimeKind runtime;
        try {
            backendList = parseBackends(backends);
            scaleList = Scale.parse(scales);
            rowCounts = parseRows(controllerRows);
            runtime = NpuRuntimeKind.valueOf(npuRuntime.trim().toUpperCase(Locale.ROOT));
            if (units < 1) {
                throw new IllegalArgumentException("--units must be at least 1, got " + units);
            }
            if ((iterations != null && iterations < 1) || (warmup != null && warmup < 0)) {
                throw new IllegalArgumentException("--iterations must be at least 1 and --warmup at least 0");
            }
        } catch (IllegalArgumentException e) {
            err.println("tq bench: " + e.getMessage());
            err.flush();
            return 2;
        }
        Optional<String> tooBig = MemoryPlan.problem(scaleList, complex, backendList, Runtime.getRuntime().maxMemory(),
                MemoryPlan.physicalMemory());
        if (tooBig.isPresent()) {
            err.println("tq bench: refusing to start: " + tooBig.get());
            err.flush();
            return 2;
        }
        Files.createDirectories(out);
        List<String> kinds = complex ? List.of(Workload.PUT_BENCHMARK, Workload.COMPLEX) : List.of(Workload.PUT_BENCHMARK);
        long largest = 0;
        long largestCells = 0;
        for (Scale s : scaleList) {
            for (String k : kinds) {
                largest = Math.max(largest, Workload.bytesOf(s, k));
                int fields = Workload.COMPLEX.equals(k) ? (s.fields() + 2) / 3 * 3 : s.fields();
                largestCells = Math.max(largestCells, (long) s.batch() * fields);
            }
        }
        List<String> childOptions = childJavaOpts != null ? Arrays.asList(childJavaOpts.trim().split("\\s+"))
                : defaultChildOptions(MemoryPlan.childHeap(largest, units), !noPretouch);
        Groups.Settings settings = new Groups.Settings(TqConfig.load().with(ClientOptions.TIMEOUT, Duration.ofMinutes(10))
                .with(RpcOptions.TIMEOUT, Duration.ofMinutes(5)), units, corrupt, childOptions, redisUri, runtime,
                DataSize.ofBytes((long) (largest * 1.1) + largestCells * 512 + (64L << 20)));

        String environment = environment();
        o.println("tq bench: " + environment);
        o.println("backends " + String.join(",", backendList) + "; scales " + scales + (complex ? " (+complex)" : "")
                + "; output " + out.toAbsolutePath());
        o.flush();

        List<ControllerBenchmark.Result> controller = new ArrayList<>();
        if (!rowCounts.isEmpty()) {
            o.println("[controller] notify and fetch rows/s, heap per live row at " + rowCounts + " rows ...");
            o.flush();
            controller = ControllerScale.run(rowCounts);
            for (ControllerBenchmark.Result r : controller) {
                o.printf(Locale.ROOT, "    %,d rows: notify %,.0f rows/s, fetch %,.0f rows/s, %.1f B/row measured%n",
                        r.rows(), r.notifyRowsPerSecond(), r.fetchRowsPerSecond(), r.measuredHeapBytesPerRow());
            }
        }

        List<Result> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int steps = backendList.size() * scaleList.size() * kinds.size();
        int step = 0;
        Workload cached = null;
        for (String b : backendList) {
            if (!noPretouch) {
                long touch = HeapToucher.touch(MemoryPlan.heapNeeded(List.of(b), largest, complex));
                o.printf(Locale.ROOT, "[heap] touched %.1f GiB of heap for %s%n", touch / (double) (1L << 30), b);
            }
            o.println("[" + b + "] opening ...");
            o.flush();
            Group g;
            try {
                g = Groups.open(b, settings);
            } catch (BackendUnavailableForBench e) {
                skipped.add(b + ": " + e.getMessage());
                o.println("[" + b + "] skipped: " + e.getMessage());
                step += scaleList.size() * kinds.size();
                continue;
            } catch (Exception e) {
                failures.add("opening " + b + ": " + e);
                err.println("tq bench: cannot open " + b + ": " + e);
                err.flush();
                step += scaleList.size() * kinds.size();
                continue;
            }
            try (g) {
                o.println("[" + b + "] " + g.note());
                for (Scale s : scaleList) {
                    for (String k : kinds) {
                        step++;
                        if (cached == null || cached.scale() != s || !cached.kind().equals(k)) {
                            cached = null;
                            cached = Workload.of(s, k, seed);
                        }
                        Workload w = cached;
                        int wu = warmup != null ? warmup : s.defaultWarmup();
                        int it = iterations != null ? iterations : s.defaultIterations();
                        o.printf(Locale.ROOT, "[%d/%d] %s, %s (%s, %s MB): %d warm-up + %d measured iterations ...%n",
                                step, steps, b, w.label(), w.shape(), Report.mb(w.bytes()), wu, it);
                        o.flush();
                        long t0 = System.nanoTime();
                        try {
                            List<Result> rs = Runner.run(g, w, wu, it, o);
                            results.addAll(rs);
                            o.println("    " + summary(rs) + String.format(Locale.ROOT, " (%.1f s)",
                                    (System.nanoTime() - t0) / 1e9));
                        } catch (ChecksumMismatchException e) {
                            failures.add(e.getMessage());
                            err.println("tq bench: " + e.getMessage());
                        } catch (Exception e) {
                            failures.add(b + ", " + w.label() + ": " + e);
                            err.println("tq bench: " + b + ", " + w.label() + " failed: " + e);
                        }
                        err.flush();
                        o.flush();
                    }
                }
            } catch (RuntimeException e) {
                failures.add("closing " + b + ": " + e.getMessage());
            }
        }
        cached = null;

        Report report = new Report(results, controller);
        List<String> md = new ArrayList<>();
        md.add("# tq bench results");
        md.add("");
        md.add(environment);
        md.add("");
        md.add("Command: `tq " + String.join(" ", spec.commandLine().getParseResult().originalArgs()) + "`");
        md.add("");
        md.addAll(report.table());
        if (!controller.isEmpty()) {
            md.add("");
            md.addAll(report.controllerTable());
        }
        md.add("");
        md.add("Targets (verdict at the largest scale run):");
        md.add("");
        md.addAll(report.targets());
        if (!skipped.isEmpty()) {
            md.add("");
            skipped.forEach(s -> md.add("- skipped " + s));
        }
        if (!failures.isEmpty()) {
            md.add("");
            failures.forEach(f -> md.add("- FAILED " + f));
        }
        o.println();
        md.subList(4, md.size()).forEach(o::println);
        ResultsCsv.write(out.resolve("results.csv"), ResultsCsv.lines(report.results()));
        ResultsCsv.write(out.resolve("controller.csv"), ResultsCsv.controllerLines(controller));
        Files.writeString(out.resolve("results.svg"), ResultsSvg.render(report.results(), environment),
                StandardCharsets.UTF_8);
        Files.write(out.resolve("results.md"), md, StandardCharsets.UTF_8);
        o.println();
        o.println("wrote " + out.resolve("results.csv") + ", controller.csv, results.svg, results.md");
        o.flush();
        if (!failures.isEmpty()) {
            err.println("tq bench: " + failures.size() + " step" + (failures.size() == 1 ? "" : "s") + " failed:");
            failures.forEach(f -> err.println("  " + f));
            err.flush();
            return 1;
        }
        return 0;
    }

    private static String summary(List<Result> rs) {
        StringBuilder s = new StringBuilder();
        String side = null;
        for (Result r : rs) {
            if (!r.side().equals(side)) {
                s.append(side == null ? "" : " | ").append(r.side());
                side = r.side();
            }
            s.append(' ').append(r.op()).append(' ').append(Report.gbps(r.stats().median()));
            if (!r.isBaseline()) {
                s.append(String.format(Locale.ROOT, " (%.2f×)", r.ratio()));
            }
        }
        return s.append(" Gbps").toString();
    }

    private static List<String> parseBackends(String list) {
        List<String> out = new ArrayList<>();
        for (String b : list.split(",")) {
            String name = b.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!Groups.BACKENDS.contains(name)) {
                throw new IllegalArgumentException("unknown backend '" + b.trim() + "'; known: "
                        + String.join(", ", Groups.BACKENDS));
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no backend given; known: " + String.join(", ", Groups.BACKENDS));
        }
        out.sort(Comparator.comparingInt(Groups.RUN_ORDER::indexOf));
        return out;
    }

    private static List<Integer> parseRows(String list) {
        List<Integer> out = new ArrayList<>();
        if (list.trim().equalsIgnoreCase("none")) {
            return out;
        }
        for (String r : list.split(",")) {
            if (r.isBlank()) {
                continue;
            }
            try {
                int n = Integer.parseInt(r.trim().replace("_", ""));
                if (n < 1) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--controller-rows takes positive row counts or 'none', got '"
                        + r.trim() + "'");
            }
        }
        return out;
    }

    /**
     * The child heap, this JVM's collector, and with {@code pretouch} a heap committed and touched at start (the
     * unit processes keep what they receive: fresh pages would cost them what they cost this JVM).
     */
    private static List<String> defaultChildOptions(long heapBytes, boolean pretouch) {
        List<String> opts = new ArrayList<>();
        if (pretouch) {
            opts.add("-Xms" + (heapBytes >> 20) + "m");
            opts.add("-XX:+AlwaysPreTouch");
        }
        opts.add("-Xmx" + (heapBytes >> 20) + "m");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:+Use") && a.endsWith("GC")) {
                opts.add(a);
            }
        }
        opts.add("--enable-native-access=ALL-UNNAMED");
        return opts;
    }

    /** The garbage collector's name (the JVM reports several beans for one collector). */
    static String collector() {
        List<String> names = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList();
        String all = String.join(" ", names);
        for (String gc : List.of("ZGC", "G1", "Shenandoah", "Parallel", "Serial")) {
            if (all.contains(gc) || (gc.equals("Serial") && all.contains("Copy"))
                    || (gc.equals("Parallel") && all.contains("PS "))) {
                return gc.equals("ZGC") ? gc : gc + " GC";
            }
        }
        return String.join("+", names);
    }

    /** JDK, collector, heap, cores, memory, load and time of this run. */
    static String environment() {
        Runtime rt = Runtime.getRuntime();
        String gc = collector();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long physical = MemoryPlan.physicalMemory();
        return String.format(Locale.ROOT, "JDK %s (%s), %s, max heap %.1f GiB, %d cores, %s RAM, load average %s, %s",
                Runtime.version(), System.getProperty("java.vm.name"), gc,
                rt.maxMemory() / (double) (1L << 30), rt.availableProcessors(),
                physical > 0 ? String.format(Locale.ROOT, "%.1f GiB", physical / (double) (1L << 30)) : "unknown",
                load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME).replaceAll("\\.\\d+", ""));
    }
}
