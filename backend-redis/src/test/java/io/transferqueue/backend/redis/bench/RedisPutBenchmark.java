package io.transferqueue.backend.redis.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.backend.redis.RedisStorageFactory;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.PutBenchmarkWorkload;
import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The upstream {@code put_benchmark} workload through the redis backend ({@code KvStorageManager} put and get of
 * a {@link Batch}), next to raw Lettuce pipelined SET/GET of the same bytes against the same server in the same
 * run, alternating round by round: once with the whole batch pipelined at once (one flush; the ratio is against
 * this), once with at most {@value #RAW_WINDOW} commands in flight.
 *
 * <p>Data per scale: {@link PutBenchmarkWorkload}. Every round's bytes are verified (untimed) for both sides. Figures: Gbps = payload bytes × 8 /
 * seconds, median over the rounds after warm-up. A round of a batch under 8 MB times several operations back to
 * back (one at a time, each awaited), so that it measures more than one loopback round trip.
 *
 * <pre>
 * mvn -B -q -Pbench -pl backend-redis -am process-test-classes \
 *     -Dbench.args="--scales debug,tiny,small,medium --rounds 5"
 * </pre>
 *
 * Options: {@code --uri redis://host:port} (default: start {@code redis-server} from the PATH on a free loopback
 * port, persistence off, stopped at the end), {@code --scales}, {@code --rounds} (timed rounds per scale),
 * {@code --warmup}, {@code --max-batch-size} (the backend option), {@code --seed}.
 */
public final class RedisPutBenchmark {
    record Scale(String name, int b, int seq, int fields) {
    }

    private static final List<Scale> SCALES = List.of(new Scale("debug", 32, 128, 2), new Scale("tiny", 64, 1024, 4),
            new Scale("small", 512, 12800, 4), new Scale("medium", 1024, 65536, 4));
    /** Commands in flight of the second raw baseline. */
    private static final int RAW_WINDOW = 64;

    private RedisPutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String uri = null;
        List<String> scales = List.of("debug", "tiny", "small", "medium");
        int rounds = -1;
        int warmup = -1;
        String maxBatch = null;
        long seed = 42;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--uri" -> uri = args[++i];
                case "--scales" -> scales = Arrays.asList(args[++i].split(","));
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--max-batch-size" -> maxBatch = args[++i];
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --uri, --scales, --rounds, --warmup, --max-batch-size, --seed");
            }
        }
        LocalServer local = uri == null ? LocalServer.start() : null;
        try {
            String target = uri != null ? uri : local.uri();
            System.out.printf(Locale.ROOT, "redis %s, java %s, max heap %d MiB%n", target,
                    System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
            run(target, scales, rounds, warmup, maxBatch, seed);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private static void run(String uri, List<String> scaleNames, int rounds, int warmup, String maxBatch, long seed)
            throws Exception {
        TqConfig cfg = TqConfig.defaults().with(RedisOptions.URI, uri).with(RedisOptions.KEY_PREFIX, "bench:")
                .with(RedisOptions.COMMAND_TIMEOUT, Duration.ofSeconds(120));
        if (maxBatch != null) {
            cfg = cfg.with(RedisOptions.MAX_BATCH_SIZE, DataSize.parse(maxBatch));
        }
        System.out.println("backend config: " + cfg.describe(RedisOptions.all()).replace('\n', ';'));
        List<String[]> table = new ArrayList<>();
        RedisURI rawUri = RedisURI.create(uri);
        rawUri.setTimeout(Duration.ofSeconds(120));
        RedisClient rawClient = RedisClient.create(rawUri);
        try (StorageManager manager = new RedisStorageFactory().create(cfg, StorageContext.of("bench",
                RedisPutBenchmark.class.getClassLoader()));
                StatefulRedisConnection<byte[], byte[]> raw = rawClient.connect(ByteArrayCodec.INSTANCE)) {
            for (String name : scaleNames) {
                Scale s = SCALES.stream().filter(x -> x.name.equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown scale " + name + "; one of " + SCALES));
                int r = rounds > 0 ? rounds : s.b * (long) s.seq * s.fields > 50_000_000 ? 5 : 20;
                int w = warmup >= 0 ? warmup : s.b * (long) s.seq * s.fields > 50_000_000 ? 1 : 5;
                table.add(runScale(s, r, w, seed, manager, raw));
            }
        } finally {
            rawClient.shutdown(0, 10, TimeUnit.SECONDS);
        }
        System.out.println();
        System.out.println("| scale | B×seq×F | MB | rounds | backend PUT | raw PUT | PUT ratio | raw PUT, " + RAW_WINDOW
                + " in flight | backend GET | raw GET | GET ratio | raw GET, " + RAW_WINDOW + " in flight |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (String[] row : table) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }
    }

    private static String[] runScale(Scale s, int rounds, int warmup, long seed, StorageManager manager,
            StatefulRedisConnection<byte[], byte[]> raw) throws Exception {
        Batch batch = PutBenchmarkWorkload.batch(s.b, s.seq, s.fields, "f", seed);
        long bytes = batch.byteSize();
        List<byte[]> cells = PutBenchmarkWorkload.cellArrays(batch);
        System.out.printf(Locale.ROOT, "%s: B=%d seq=%d F=%d, %.3f MB in %d cells; %d warm-up + %d rounds%n", s.name,
                s.b, s.seq, s.fields, bytes / 1e6, cells.size(), warmup, rounds);
        double[] bPut = new double[rounds];
        double[] bGet = new double[rounds];
        double[] rPut = new double[rounds];
        double[] rGet = new double[rounds];
        double[] wPut = new double[rounds];
        double[] wGet = new double[rounds];
        // small batches are timed over several back-to-back operations, so a round is not one loopback round trip
        int reps = (int) Math.max(1, Math.min(200, (8_000_000 + bytes - 1) / bytes));
        for (int round = 0; round < warmup + rounds; round++) {
            // backend: reps puts one after the other, then reps gets
            List<BatchMeta> metas = new ArrayList<>(reps);
            long t0 = System.nanoTime();
            for (int k = 0; k < reps; k++) {
                BatchMeta rows = PutBenchmarkWorkload.rows("bench_" + s.name + "_" + round + "_" + k, s.b);
                var put = manager.put(batch, rows, PutOptions.defaults()).get(10, TimeUnit.MINUTES);
                metas.add(rows.withSchema(put.schema(), true));
            }
            long t1 = System.nanoTime();
            List<Batch> gots = new ArrayList<>(reps);
            long t2 = System.nanoTime();
            for (int k = 0; k < reps; k++) {
                gots.add(manager.get(metas.get(k), ReadOptions.copy()).get(10, TimeUnit.MINUTES));
            }
            long t3 = System.nanoTime();
            for (Batch got : gots) {
                if (!got.equals(batch)) {
                    throw new AssertionError(s.name + " round " + round + ": the backend returned other bytes");
                }
            }
            gots = null;
            for (BatchMeta meta : metas) {
                manager.clear(meta).get(10, TimeUnit.MINUTES);
            }
            // raw Lettuce, same bytes, same number of operations: the whole batch pipelined at once (one flush), and
            // with at most RAW_WINDOW commands in flight
            long[] rawNanos = new long[4];
            for (int mode = 0; mode < 2; mode++) {
                int window = mode == 0 ? Integer.MAX_VALUE : RAW_WINDOW;
                byte[][][] keys = new byte[reps][cells.size()][];
                for (int k = 0; k < reps; k++) {
                    for (int i = 0; i < cells.size(); i++) {
                        keys[k][i] = ("rawbench:" + s.name + ":" + round + ":" + mode + ":" + k + ":" + i)
                                .getBytes(StandardCharsets.UTF_8);
                    }
                }
                long t4 = System.nanoTime();
                for (int k = 0; k < reps; k++) {
                    rawSet(raw, keys[k], cells, window);
                }
                long t5 = System.nanoTime();
                List<List<byte[]>> rawGots = new ArrayList<>(reps);
                for (int k = 0; k < reps; k++) {
                    rawGots.add(rawGet(raw, keys[k], window));
                }
                long t6 = System.nanoTime();
                for (List<byte[]> values : rawGots) {
                    for (int i = 0; i < values.size(); i++) {
                        if (!Arrays.equals(values.get(i), cells.get(i))) {
                            throw new AssertionError(s.name + " round " + round + ": raw GET returned other bytes for "
                                    + "cell " + i);
                        }
                    }
                }
                rawGots = null;
                for (byte[][] k : keys) {
                    rawDel(raw, k);
                }
                rawNanos[mode * 2] = t5 - t4;
                rawNanos[mode * 2 + 1] = t6 - t5;
            }
            long moved = bytes * reps;
            if (round >= warmup) {
                int k = round - warmup;
                bPut[k] = gbps(moved, t1 - t0);
                bGet[k] = gbps(moved, t3 - t2);
                rPut[k] = gbps(moved, rawNanos[0]);
                rGet[k] = gbps(moved, rawNanos[1]);
                wPut[k] = gbps(moved, rawNanos[2]);
                wGet[k] = gbps(moved, rawNanos[3]);
            }
            System.out.printf(Locale.ROOT, "  round %d%s: backend put %.2f get %.2f | raw put %.2f get %.2f | raw "
                    + "windowed put %.2f get %.2f Gbps (%d ops each)%n", round, round < warmup ? " (warm-up)" : "",
                    gbps(moved, t1 - t0), gbps(moved, t3 - t2), gbps(moved, rawNanos[0]), gbps(moved, rawNanos[1]),
                    gbps(moved, rawNanos[2]), gbps(moved, rawNanos[3]), reps);
        }
        double bp = PutBenchmarkWorkload.median(bPut);
        double rp = PutBenchmarkWorkload.median(rPut);
        double bg = PutBenchmarkWorkload.median(bGet);
        double rg = PutBenchmarkWorkload.median(rGet);
        double wp = PutBenchmarkWorkload.median(wPut);
        double wg = PutBenchmarkWorkload.median(wGet);
        return new String[] {s.name, s.b + "×" + s.seq + "×" + s.fields, String.format(Locale.ROOT, "%.3f", bytes / 1e6),
            rounds + (reps > 1 ? " × " + reps + " ops" : ""), f(bp), f(rp), f(bp / rp), f(wp), f(bg), f(rg), f(bg / rg),
            f(wg)};
    }

    // ------------------------------------------------------------------ raw Lettuce

    /**
     * Pipelined SETs. With a window of at least the key count: every command queued without flushing, one flush,
     * then every reply awaited (the whole batch in flight). Otherwise at most {@code window} commands in flight.
     */
    private static void rawSet(StatefulRedisConnection<byte[], byte[]> c, byte[][] keys, List<byte[]> values,
            int window) throws Exception {
        RedisAsyncCommands<byte[], byte[]> a = c.async();
        if (window < keys.length) {
            ArrayDeque<RedisFuture<String>> inFlight = new ArrayDeque<>();
            for (int i = 0; i < keys.length; i++) {
                inFlight.add(a.set(keys[i], values.get(i)));
                if (inFlight.size() >= window) {
                    inFlight.poll().get(10, TimeUnit.MINUTES);
                }
            }
            while (!inFlight.isEmpty()) {
                inFlight.poll().get(10, TimeUnit.MINUTES);
            }
            return;
        }
        List<RedisFuture<String>> fs = new ArrayList<>(keys.length);
        c.setAutoFlushCommands(false);
        try {
            for (int i = 0; i < keys.length; i++) {
                fs.add(a.set(keys[i], values.get(i)));
            }
            c.flushCommands();
        } finally {
            c.setAutoFlushCommands(true);
        }
        for (RedisFuture<String> f : fs) {
            f.get(10, TimeUnit.MINUTES);
        }
    }

    /** Pipelined GETs, with the whole batch or at most {@code window} commands in flight (see {@link #rawSet}). */
    private static List<byte[]> rawGet(StatefulRedisConnection<byte[], byte[]> c, byte[][] keys, int window)
            throws Exception {
        RedisAsyncCommands<byte[], byte[]> a = c.async();
        List<byte[]> out = new ArrayList<>(keys.length);
        if (window < keys.length) {
            ArrayDeque<RedisFuture<byte[]>> inFlight = new ArrayDeque<>();
            for (byte[] k : keys) {
                inFlight.add(a.get(k));
                if (inFlight.size() >= window) {
                    out.add(inFlight.poll().get(10, TimeUnit.MINUTES));
                }
            }
            while (!inFlight.isEmpty()) {
                out.add(inFlight.poll().get(10, TimeUnit.MINUTES));
            }
            return out;
        }
        List<RedisFuture<byte[]>> fs = new ArrayList<>(keys.length);
        c.setAutoFlushCommands(false);
        try {
            for (byte[] k : keys) {
                fs.add(a.get(k));
            }
            c.flushCommands();
        } finally {
            c.setAutoFlushCommands(true);
        }
        for (RedisFuture<byte[]> f : fs) {
            out.add(f.get(10, TimeUnit.MINUTES));
        }
        return out;
    }

    private static void rawDel(StatefulRedisConnection<byte[], byte[]> c, byte[][] keys) throws Exception {
        for (int i = 0; i < keys.length; i += 1000) {
            c.async().unlink(Arrays.copyOfRange(keys, i, Math.min(keys.length, i + 1000))).get(10, TimeUnit.MINUTES);
        }
    }

    // ------------------------------------------------------------------ data

    private static double gbps(long bytes, long nanos) {
        return bytes * 8.0 / nanos;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    // ------------------------------------------------------------------ a local server

    /** redis-server from the PATH on a free loopback port, persistence off, in a scratch directory. */
    private static final class LocalServer implements AutoCloseable {
        private final Process process;
        private final Path dir;
        private final int port;

        private LocalServer(Process process, Path dir, int port) {
            this.process = process;
            this.dir = dir;
            this.port = port;
        }

        static LocalServer start() throws IOException, InterruptedException {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path dir = Files.createTempDirectory("tq-redis-bench-");
            Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            LocalServer server = new LocalServer(p, dir, port);
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!server.pings()) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new IOException("redis-server did not start on port " + port + "; is it on the PATH?");
                }
                Thread.sleep(20);
            }
            return server;
        }

        String uri() {
            return "redis://127.0.0.1:" + port;
        }

        private boolean pings() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] reply = new byte[7];
                return in.readNBytes(reply, 0, 7) == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
