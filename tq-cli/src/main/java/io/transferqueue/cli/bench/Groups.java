package io.transferqueue.cli.bench;

import io.transferqueue.TransferQueue;
import io.transferqueue.backend.npu.NpuKvStorageClient;
import io.transferqueue.backend.npu.NpuOptions;
import io.transferqueue.backend.npu.NpuRuntimeKind;
import io.transferqueue.backend.redis.RedisConfig;
import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.backend.rocksdb.RocksDbConfig;
import io.transferqueue.backend.rocksdb.RocksDbOptions;
import io.transferqueue.backend.simple.SimpleStorageOptions;
import io.transferqueue.cli.TqCommand;
import io.transferqueue.config.CoreOptions;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.RocksDB;

/**
 * Opens the group of each backend: the backend through the real client, and the baselines a user would pick
 * instead, in the same process layout.
 */
final class Groups {
    /** Every backend the benchmark knows, in the order tables list them. */
    static final List<String> BACKENDS = List.of("simple", "simple-remote", "rocksdb", "redis", "npu");

    /**
     * The order they run in: simple-remote first, while this JVM's heap is still small, so that its unit processes
     * and a heap grown by the in-process backends never need the machine's memory at the same time.
     */
    static final List<String> RUN_ORDER = List.of("simple-remote", "simple", "rocksdb", "redis", "npu");

    private static final Duration START = Duration.ofSeconds(90);

    /**
     * What every group is opened with.
     *
     * @param base configuration of the client (timeouts raised for GB-scale batches); backend keys are set per group
     * @param units storage units of {@code simple} and {@code simple-remote}
     * @param corrupt overwrite one cell before each checked read ({@code --corrupt}, for tests)
     * @param childJvmOptions JVM options of the storage-unit processes
     * @param redisUri the Redis server, or null to start {@code redis-server} from the PATH
     * @param npuRuntime the npu backend's runtime
     * @param npuCapacity device memory the npu backend may hold
     */
    record Settings(TqConfig base, int units, boolean corrupt, List<String> childJvmOptions, String redisUri,
            NpuRuntimeKind npuRuntime, DataSize npuCapacity) {
    }

    private Groups() {
    }

    /**
     * Opens the group of {@code backend}.
     *
     * @throws BackendUnavailableForBench if it cannot run here (the reason is printed and the backend skipped)
     */
    static Group open(String backend, Settings s) throws Exception {
        return switch (backend) {
            case "simple" -> simple(s);
            case "simple-remote" -> simpleRemote(s);
            case "rocksdb" -> rocksdb(s);
            case "redis" -> redis(s);
            case "npu" -> npu(s);
            default -> throw new IllegalArgumentException("unknown backend '" + backend + "'; known: " + BACKENDS);
        };
    }

    private static Group simple(Settings s) {
        TqConfig cfg = s.base().with(CoreOptions.STORAGE_BACKEND, "simple").with(SimpleStorageOptions.UNITS, s.units());
        TransferQueue tq = TransferQueue.embedded(cfg);
        return new Group("simple", List.of(new QueueSide("simple", tq, true, s.corrupt(), null), new MemcpySide(false)),
                "memcpy-heap", "embedded, " + s.units() + " in-process units", List.of());
    }

    private static Group simpleRemote(Settings s) throws Exception {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            List<String> controllerOptions = new ArrayList<>(List.of("-Xms64m", "-Xmx512m"));
            controllerOptions.addAll(gcOptions(s.childJvmOptions()));
            controllerOptions.add("-D" + CoreOptions.STORAGE_BACKEND.key() + "=simple");
            ChildJvm controller = ChildJvm.start("controller", controllerOptions, TqCommand.class, "controller",
                    "--bind", "tcp://127.0.0.1:0", "--units", String.valueOf(s.units()));
            opened.add(controller);
            String address = controller.await("tq controller listening on (tcp://\\S+)", START);
            List<ChildJvm> units = new ArrayList<>();
            for (int u = 0; u < s.units(); u++) {
                ChildJvm unit = ChildJvm.start("storage-unit-" + u, s.childJvmOptions(), BenchUnitMain.class,
                        "--controller", address);
                opened.add(unit);
                units.add(unit);
            }
            List<String> raw = new ArrayList<>();
            for (ChildJvm unit : units) {
                raw.add(unit.await(BenchUnitMain.RAW_LINE + " (tcp://\\S+)", START));
                unit.await("tq storage-unit \\d+ listening on (tcp://\\S+)", START);
            }
            TransferQueue tq = TransferQueue.builder().config(s.base().with(CoreOptions.STORAGE_BACKEND, "simple"))
                    .connect(address);
            QueueSide side = new QueueSide("simple-remote", tq, false, s.corrupt(), null);
            JeromqSide baseline;
            try {
                baseline = new JeromqSide(raw);
            } catch (RuntimeException e) {
                side.close();
                throw e;
            }
            return new Group("simple-remote", List.of(side, baseline), "raw-jeromq", "controller " + controller
                    + " and " + s.units() + " storage units " + units + " as child JVMs (" + String.join(" ",
                    s.childJvmOptions()) + ") on loopback", opened);
        } catch (Exception | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static Group rocksdb(Settings s) throws BackendUnavailableForBench {
        TqConfig cfg = s.base().with(CoreOptions.STORAGE_BACKEND, "rocksdb");
        TransferQueue tq;
        try {
            tq = TransferQueue.embedded(cfg);
        } catch (RuntimeException e) {
            throw new BackendUnavailableForBench("the rocksdb backend does not start here: " + e.getMessage(), e);
        }
        RocksDbSide raw;
        try {
            TqConfig rawCfg = cfg;
            String path = cfg.get(RocksDbOptions.PATH);
            if (path != null) {
                // the backend holds the lock of the configured directory: the raw database sits next to it
                rawCfg = cfg.with(RocksDbOptions.PATH, Path.of(path).toAbsolutePath().resolveSibling(
                        Path.of(path).getFileName() + "-bench-raw").toString());
            }
            raw = new RocksDbSide(RocksDbConfig.from(rawCfg));
        } catch (RuntimeException e) {
            tq.close();
            throw e;
        }
        Runnable settle = RocksDbSide.settle(tq.storage().unwrap(RocksDB.class), raw.db());
        raw.settleWith(settle);
        RocksDbConfig rc = RocksDbConfig.from(cfg);
        return new Group("rocksdb", List.of(new QueueSide("rocksdb", tq, false, s.corrupt(), settle), raw),
                "raw-rocksdbjni", "embedded, " + (rc.persistent() ? "database " + rc.path() : "temporary databases")
                + ", WAL " + (rc.wal() ? "on" : "off") + ", compression " + rc.compression()
                + "; each timed operation starts once neither database flushes or compacts", List.of());
    }

    private static Group redis(Settings s) throws Exception {
        List<AutoCloseable> opened = new ArrayList<>();
        String uri = s.redisUri();
        String where;
        if (uri == null) {
            Optional<Path> exe = LocalRedisServer.executable();
            if (exe.isEmpty()) {
                throw new BackendUnavailableForBench("no --redis-uri given and redis-server is not on the PATH "
                        + "(Debian/Ubuntu: apt-get install -y redis-server)");
            }
            LocalRedisServer server = LocalRedisServer.start(exe.get());
            opened.add(server);
            uri = server.uri();
            where = "local redis-server " + uri + " started for the run (persistence off)";
        } else {
            where = "Redis " + uri;
        }
        try {
            Duration timeout = Duration.ofMinutes(2);
            TqConfig cfg = s.base().with(CoreOptions.STORAGE_BACKEND, "redis").with(RedisOptions.URI, uri)
                    .with(RedisOptions.KEY_PREFIX, "tq-bench:").with(RedisOptions.COMMAND_TIMEOUT, timeout);
            // a server that was given or started but cannot be used is a failure, not a skip
            TransferQueue tq = TransferQueue.embedded(cfg);
            LettuceSide raw;
            try {
                // the backend's own address: same TLS, database, credentials and timeout
                RedisConfig rc = RedisConfig.from(cfg);
                raw = new LettuceSide(rc.redisUri(rc.nodes().get(0)));
            } catch (RuntimeException e) {
                tq.close();
                throw new IllegalStateException("cannot connect to Redis at " + uri + ": " + e.getMessage(), e);
            }
            return new Group("redis", List.of(new QueueSide("redis", tq, false, s.corrupt(), null), raw), "raw-lettuce",
                    where, opened);
        } catch (Exception | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static Group npu(Settings s) throws BackendUnavailableForBench {
        TqConfig cfg = s.base().with(CoreOptions.STORAGE_BACKEND, "npu").with(NpuOptions.RUNTIME, s.npuRuntime())
                .with(NpuOptions.CAPACITY, s.npuCapacity());
        TransferQueue tq;
        try {
            tq = TransferQueue.embedded(cfg);
        } catch (RuntimeException e) {
            throw new BackendUnavailableForBench("the npu backend does not start here: " + e.getMessage(), e);
        }
        String device;
        try {
            device = tq.storage().unwrap(NpuKvStorageClient.class).device().toString();
        } catch (RuntimeException e) {
            device = "device unknown";
        }
        return new Group("npu", List.of(new QueueSide("npu", tq, false, s.corrupt(), null), new MemcpySide(true)),
                "memcpy-direct", "embedded, " + device + ", capacity " + s.npuCapacity(), List.of());
    }

    /** The garbage-collector options among {@code options} (the controller process gets the same collector). */
    private static List<String> gcOptions(List<String> options) {
        return options.stream().filter(o -> o.startsWith("-XX:+Use") && o.endsWith("GC")).toList();
    }

    private static void closeAll(List<AutoCloseable> opened, Throwable failure) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
