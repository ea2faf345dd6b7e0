package io.transferqueue.cli.demo;

import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.cli.Plugins;
import io.transferqueue.config.CoreOptions;
import io.transferqueue.config.TqConfig;
import io.transferqueue.error.ConfigException;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.SamplerFactory;
import io.transferqueue.spi.StorageManagerFactory;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tq demo}: one GRPO-style step on an embedded TransferQueue, with progress, a summary and a data check
 * (see {@link DemoRun}). Exit code 0 when every check passed, 1 when a check failed or the step could not run,
 * 2 for invalid options.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run one GRPO-style step on an embedded TransferQueue: rollout producers write n responses per prompt, "
                    + "a reward and a reference producer add fields to the same rows, and two data-parallel trainer "
                    + "ranks stream them through the StreamingDataLoader, all at once on their own threads.",
            "Shows progress, then rows and bytes per stage, the token balance across ranks, and a data check: "
                    + "every row received exactly once per task, and every cell's checksum equal to what its "
                    + "producer wrote."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the step ran and every check passed", "1:a check failed, or the step could not run",
            "2:invalid options"})
public final class DemoCommand implements Callable<Integer> {
    static final String SEQLEN_BALANCED = "seqlen-balanced";
    static final String RANK_AWARE = "rank-aware";
    static final String DEFAULT_REDIS_URI = "redis://127.0.0.1:6379";
    static final int MAX_ROWS = 1_000_000;
    static final int MAX_N = 64;
    static final int MAX_FIELDS = 64;
    /** Bytes a step may hold (the launcher's heap is 8 GiB; rows are stored once and copied while in flight). */
    static final long MAX_STEP_BYTES = 2L << 30;
    private static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", description = "Storage backend: simple, rocksdb, redis, npu, or "
            + "any backend found on the class path (default: tq.storage.backend, which defaults to simple).")
    String backend;

    @Option(names = "--redis-uri", paramLabel = "URI", description = "Redis server for --backend redis (default: "
            + "tq.storage.redis.uri, else " + DEFAULT_REDIS_URI + ").")
    String redisUri;

    @Option(names = "--rows", paramLabel = "ROWS", defaultValue = "512", description = "Total responses, i.e. rows "
            + "of the step; a multiple of 2 x --n so both trainer ranks get whole groups (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--n", paramLabel = "N", defaultValue = "4", description = "Responses per prompt, the GRPO group "
            + "size (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--fields", paramLabel = "COUNT", defaultValue = "0", description = "Extra dense float32 fields "
            + "of 4 KiB per row, to scale the bytes moved (default: ${DEFAULT-VALUE}).")
    int fields;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Seed of the synthetic prompts "
            + "and responses (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sampler", paramLabel = "NAME", defaultValue = SEQLEN_BALANCED, description = "Sampler of the "
            + "trainer ranks: " + SEQLEN_BALANCED + " (balance tokens across ranks) or " + RANK_AWARE + " (default: "
            + "${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--plain", description = "Plain progress lines instead of progress bars (the default when the "
            + "output is not a terminal).")
    boolean plain;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any tq.* option, e.g. --set "
            + "tq.storage.simple.units=2 (repeatable; see tq config --list).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Give up when the step "
            + "has not finished after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** Test hook: overwrite a cell of this row after the reward producer read it, so the data check must fail. */
    @Option(names = "--corrupt-row", hidden = true, defaultValue = "-1")
    long corruptRow;

    @Override
    public Integer call() {
        // the demo prints what it uses; INFO lines of the library would only break up the progress display
        if (System.getProperty(SIMPLE_LOGGER_LEVEL) == null) {
            System.setProperty(SIMPLE_LOGGER_LEVEL, "warn");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DemoSettings settings;
        try {
            settings = settings();
        } catch (InvalidOption e) {
            err.println("tq demo: " + e.getMessage());
            err.println("Try 'tq demo --help' for the options.");
            err.flush();
            return 2;
        }
        if (settings.backend().equals("redis") && settings.config().rawValue(RedisOptions.CLUSTER_NODES.key()) == null) {
            String configured = settings.config().rawValue(RedisOptions.URI.key());
            String uri = configured != null ? configured : DEFAULT_REDIS_URI;
            String problem = RedisProbe.problem(uri, Duration.ofSeconds(2));
            if (problem != null) {
                err.println("tq demo: cannot reach Redis at " + uri + ": " + problem + ". Start a server (e.g. "
                        + "redis-server --port 6379), point --redis-uri at one, or run --backend simple.");
                err.flush();
                return 1;
            }
        }
        Report report = new Report(out);
        report.header(settings);
        DemoResult result;
        try {
            result = new DemoRun(settings, out).run();
        } catch (DemoRun.StartFailure e) {
            err.println("tq demo: cannot start an embedded TransferQueue on backend '" + settings.backend() + "': "
                    + e.getCause().getMessage());
            err.flush();
            return 1;
        }
        boolean ok = report.summary(result);
        if (!ok) {
            err.println(result.failure() != null ? "tq demo: the step did not finish: " + result.failure().getMessage()
                    : "tq demo: the data check failed (see above)");
            err.flush();
        }
        return ok ? 0 : 1;
    }

    /** Checks the options and builds the configuration. */
    DemoSettings settings() {
        if (n < 1 || n > MAX_N) {
            throw new InvalidOption("--n must be between 1 and " + MAX_N + ", got " + n);
        }
        int unit = DemoSettings.RANKS * n;
        if (rows < unit || rows % unit != 0 || rows > MAX_ROWS) {
            throw new InvalidOption("--rows must be a multiple of 2 x --n = " + unit + " (" + DemoSettings.RANKS
                    + " trainer ranks, whole groups of " + n + " responses) between " + unit + " and " + MAX_ROWS
                    + ", got " + rows);
        }
        if (fields < 0 || fields > MAX_FIELDS) {
            throw new InvalidOption("--fields must be between 0 and " + MAX_FIELDS + ", got " + fields);
        }
        long rowBytes = SyntheticData.AVERAGE_ROW_BYTES + (long) fields * SyntheticData.EXTRA_WIDTH * 4;
        long estimate = rows * rowBytes;
        if (estimate > MAX_STEP_BYTES) {
            throw new InvalidOption("--rows " + rows + " with --fields " + fields + " would hold about "
                    + Report.bytes(estimate) + " in one step; the demo keeps a step under "
                    + Report.bytes(MAX_STEP_BYTES) + ": lower --rows or --fields");
        }
        if (!sampler.equals(SEQLEN_BALANCED) && !sampler.equals(RANK_AWARE)) {
            throw new InvalidOption("--sampler must be " + SEQLEN_BALANCED + " or " + RANK_AWARE + ", got '" + sampler
                    + "'");
        }
        if (timeoutSeconds <= 0) {
            throw new InvalidOption("--timeout must be a positive number of seconds, got " + timeoutSeconds);
        }
        if (corruptRow >= rows) {
            throw new InvalidOption("--corrupt-row must name a row of the step, 0 to " + (rows - 1) + ", got "
                    + corruptRow);
        }
        for (String key : set.keySet()) {
            if (!key.startsWith("tq.")) {
                throw new InvalidOption("--set takes tq.* options (KEY=VALUE, see tq config --list), got '" + key
                        + "'");
            }
        }
        Plugins plugins = new Plugins();
        NamedPlugins<StorageManagerFactory> backends = plugins.backends;
        NamedPlugins<SamplerFactory> samplers = plugins.samplers;
        TqConfig cfg;
        String name;
        try {
            cfg = TqConfig.load().withAll(set);
            if (backend != null) {
                if (backend.isBlank()) {
                    throw new InvalidOption("--backend needs a name: one of " + backends.names());
                }
                cfg = cfg.with(CoreOptions.STORAGE_BACKEND, backend);
            }
            name = cfg.get(CoreOptions.STORAGE_BACKEND);
            if (!backends.names().contains(name)) {
                String from = backend != null ? "--backend" : cfg.sourceOf(CoreOptions.STORAGE_BACKEND);
                throw new InvalidOption("unknown storage backend '" + name + "' (from " + from.replace("code", "--set")
                        + "); backends found on the class path: " + backends.names());
            }
            if (redisUri != null) {
                if (!name.equals("redis")) {
                    throw new InvalidOption("--redis-uri applies to --backend redis only (the backend is '" + name
                            + "')");
                }
                if (!redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
                    throw new InvalidOption("--redis-uri must look like redis://host:port, got '" + redisUri + "'");
                }
                cfg = cfg.with(RedisOptions.URI, redisUri);
            }
            cfg.validate(plugins.knownOptions());
        } catch (ConfigException e) {
            // values set in code here come from --set (--backend and --redis-uri were checked above)
            throw new InvalidOption(e.getMessage().replace("(from code)", "(from --set)"));
        }
        if (!samplers.names().contains(sampler)) {
            throw new InvalidOption("sampler '" + sampler + "' is not on the class path; found " + samplers.names());
        }
        return new DemoSettings(cfg, name, rows, n, fields, seed, sampler, !plain && isTerminal(),
                corruptRow, Duration.ofSeconds(timeoutSeconds));
    }

    /** True if the output is an interactive terminal that understands cursor movement. */
    static boolean isTerminal() {
        Console c = System.console();
        if (c == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            // JDK 22+ returns a console even when the output is redirected; it says so here
            Method m = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(m.invoke(c));
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** An option the user got wrong: exit code 2 with the message. */
    static final class InvalidOption extends RuntimeException {
        InvalidOption(String message) {
            super(message);
        }
    }
}
