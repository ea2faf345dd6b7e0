package io.transferqueue.backend.rocksdb.bench;

import io.transferqueue.backend.rocksdb.RocksDbConfig;
import io.transferqueue.backend.rocksdb.RocksDbOptions;
import io.transferqueue.backend.rocksdb.RocksDbStorageClient;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.PutBenchmarkWorkload;
import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The upstream {@code put_benchmark} workload through the {@code rocksdb} backend ({@link KvStorageManager} put and
 * get of a {@link Batch}), next to raw rocksdbjni writing the same keys and bytes with one {@link WriteBatch} and
 * reading them with {@code multiGetAsList}, on a second database opened with the very same options, in the same run.
 *
 * <p>Data as upstream ({@link PutBenchmarkWorkload}). Each round writes a new partition, reads it back and clears it; the backend and raw alternate which goes first.
 * Figures are Gbps (payload bytes × 8 / seconds), the median of the rounds after warm-up.
 *
 * <pre>
 * # from the repository root
 * mvn -B -q -pl backend-rocksdb -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java --enable-native-access=ALL-UNNAMED -Xmx5g \
 *     -cp backend-rocksdb/target/test-classes:backend-rocksdb/target/classes:$(cat backend-rocksdb/target/bench.cp) \
 *     io.transferqueue.backend.rocksdb.bench.RocksDbPutBenchmark \
 *     [rounds=N] [warmup=N] [path=DIR] [wal=true|false] [debug] [tiny] [small] [medium-quarter] [medium-half] [medium]
 * </pre>
 * Every timed operation starts once both databases have no flush or compaction running or pending. A third side,
 * "client", drives {@link RocksDbStorageClient} directly (on the backend's database) to tell the client's time from
 * the manager's.
 * Without {@code path=} both databases are temporary (the default configuration: WAL off); with it they live in
 * {@code DIR/backend} and {@code DIR/raw} (WAL on unless {@code wal=false}).
 */
public final class RocksDbPutBenchmark {
    /** A workload size, with the rounds it runs by default (small ones are fast and noisy: many rounds). */
    record Scale(String name, int batch, int seq, int fields, int rounds, int warmup) {
    }

    private static final Map<String, Scale> SCALES = new LinkedHashMap<>();

    static {
        for (Scale s : List.of(new Scale("debug", 32, 128, 2, 301, 50), new Scale("tiny", 64, 1024, 4, 101, 20),
                new Scale("small", 512, 12800, 4, 31, 3), new Scale("medium-quarter", 256, 65536, 4, 9, 1),
                new Scale("medium-half", 512, 65536, 4, 7, 1),
                new Scale("medium", 1024, 65536, 4, 5, 1))) {
            SCALES.put(s.name(), s);
        }
    }

    private RocksDbPutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = -1;
        int warmup = -1;
        String path = null;
        Boolean wal = null;
        List<Scale> scales = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("rounds=")) {
                rounds = Integer.parseInt(a.substring(7));
            } else if (a.startsWith("warmup=")) {
                warmup = Integer.parseInt(a.substring(7));
            } else if (a.startsWith("path=")) {
                path = a.substring(5);
            } else if (a.startsWith("wal=")) {
                wal = Boolean.parseBoolean(a.substring(4));
            } else if (SCALES.containsKey(a)) {
                scales.add(SCALES.get(a));
            } else {
                throw new IllegalArgumentException("unknown argument '" + a + "'; scales: " + SCALES.keySet());
            }
        }
        if (scales.isEmpty()) {
            scales = List.of(SCALES.get("debug"), SCALES.get("tiny"), SCALES.get("small"));
        }
        TqConfig backendConfig = TqConfig.defaults();
        TqConfig rawConfig = TqConfig.defaults();
        if (path != null) {
            backendConfig = backendConfig.with(RocksDbOptions.PATH, path + "/backend");
            rawConfig = rawConfig.with(RocksDbOptions.PATH, path + "/raw");
        }
        if (wal != null) {
            backendConfig = backendConfig.with(RocksDbOptions.WAL, wal);
            rawConfig = rawConfig.with(RocksDbOptions.WAL, wal);
        }
        System.out.printf(Locale.ROOT, "rocksdb put_benchmark: %s, java %s, %d cpus%n", path == null ? "temporary databases" : "databases under " + path,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        List<String> table = new ArrayList<>();
        table.add("| scale | B×seq×F | MB | PUT backend | PUT raw | PUT ratio | GET backend | GET raw | GET ratio "
                + "| PUT client | GET client |");
        table.add("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Scale s : scales) {
            table.add(run(s, rounds > 0 ? rounds : s.rounds(), warmup >= 0 ? warmup : s.warmup(), backendConfig,
                    rawConfig));
        }
        System.out.println();
        table.forEach(System.out::println);
    }

    private static String run(Scale s, int rounds, int warmup, TqConfig backendConfig, TqConfig rawConfig)
            throws Exception {
        Batch batch = PutBenchmarkWorkload.batch(s.batch(), s.seq(), s.fields(), "field_", 42);
        long bytes = PutBenchmarkWorkload.payloadBytes(batch);
        System.out.printf(Locale.ROOT, "%n%s: B=%d seq=%d F=%d, %.3f MB per put, %d rounds after %d warm-up%n",
                s.name(), s.batch(), s.seq(), s.fields(), bytes / 1e6, rounds, warmup);
        RocksDbStorageClient rawClient = RocksDbStorageClient.open(RocksDbConfig.from(rawConfig));
        KvStorageManager manager = new KvStorageManager("rocksdb",
                RocksDbStorageClient.open(RocksDbConfig.from(backendConfig)), "");
        RocksDbConfig rc = rawClient.config();
        try (WriteOptions wo = new WriteOptions().setDisableWAL(!rc.wal()).setSync(rc.syncWrites());
                org.rocksdb.ReadOptions ro = new org.rocksdb.ReadOptions()) {
            Raw raw = new Raw(rawClient.unwrap(RocksDB.class), wo, ro, PutBenchmarkWorkload.cellArrays(batch));
            RocksDB backendDb = manager.unwrap(RocksDB.class);
            RocksDbStorageClient client = manager.unwrap(RocksDbStorageClient.class);
            double[][] b = new double[2][rounds];
            double[][] r = new double[2][rounds];
            double[][] c = new double[2][rounds];
            for (int i = 0; i < warmup + rounds; i++) {
                String partition = "bench_" + s.name() + "_" + i;
                boolean check = i == warmup || i == warmup + rounds - 1;
                double[] bt = null;
                double[] rt = null;
                double[] ct = null;
                Runnable settle = () -> settle(backendDb, raw.db());
                for (int side = 0; side < 3; side++) {
                    switch ((i + side) % 3) {
                        case 0 -> bt = backendRound(manager, batch, partition, check, settle);
                        case 1 -> rt = raw.round(batch, partition, check, settle);
                        default -> ct = clientRound(client, batch, "client_" + partition, settle);
                    }
                }
                String tag = i < warmup ? "warm-up" : "round";
                boolean print = rounds + warmup <= 20 || i % 10 == 0;
                if (print) {
                    System.out.printf(Locale.ROOT, "  %-7s %2d  backend put %6.2f get %6.2f | raw put %6.2f get %6.2f"
                            + " | client put %6.2f get %6.2f Gbps%n", tag, i, gbps(bytes, bt[0]), gbps(bytes, bt[1]),
                            gbps(bytes, rt[0]), gbps(bytes, rt[1]), gbps(bytes, ct[0]), gbps(bytes, ct[1]));
                }
                if (i >= warmup) {
                    b[0][i - warmup] = bt[0];
                    b[1][i - warmup] = bt[1];
                    r[0][i - warmup] = rt[0];
                    r[1][i - warmup] = rt[1];
                    c[0][i - warmup] = ct[0];
                    c[1][i - warmup] = ct[1];
                }
            }
            double bp = gbps(bytes, PutBenchmarkWorkload.median(b[0]));
            double bg = gbps(bytes, PutBenchmarkWorkload.median(b[1]));
            double rp = gbps(bytes, PutBenchmarkWorkload.median(r[0]));
            double rg = gbps(bytes, PutBenchmarkWorkload.median(r[1]));
            double cp = gbps(bytes, PutBenchmarkWorkload.median(c[0]));
            double cg = gbps(bytes, PutBenchmarkWorkload.median(c[1]));
            System.out.printf(Locale.ROOT, "  median: PUT backend %.2f raw %.2f (%.2fx) client %.2f  GET backend %.2f raw %.2f"
                    + " (%.2fx) client %.2f%n", bp, rp, bp / rp, cp, bg, rg, bg / rg, cg);
            System.out.printf(Locale.ROOT, "  p90/p10 of the rounds' Gbps: PUT backend %.2f/%.2f raw %.2f/%.2f  "
                    + "GET backend %.2f/%.2f raw %.2f/%.2f%n",
                    gbps(bytes, quantile(b[0], 0.1)), gbps(bytes, quantile(b[0], 0.9)),
                    gbps(bytes, quantile(r[0], 0.1)), gbps(bytes, quantile(r[0], 0.9)),
                    gbps(bytes, quantile(b[1], 0.1)), gbps(bytes, quantile(b[1], 0.9)),
                    gbps(bytes, quantile(r[1], 0.1)), gbps(bytes, quantile(r[1], 0.9)));
            return String.format(Locale.ROOT, "| %s | %d×%d×%d | %.3f | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2fx | %.2f | %.2f |",
                    s.name(), s.batch(), s.seq(), s.fields(), bytes / 1e6, bp, rp, bp / rp, bg, rg, bg / rg, cp, cg);
        } finally {
            manager.close();
            rawClient.close();
        }
    }

    /** Seconds of the put and of the get of one round through the backend. */
    private static double[] backendRound(KvStorageManager m, Batch batch, String partition, boolean check,
            Runnable settle) {
        BatchMeta rows = PutBenchmarkWorkload.rows(partition, batch.size());
        settle.run();
        long t0 = System.nanoTime();
        PutResult put = m.put(batch, rows, PutOptions.defaults()).join();
        long t1 = System.nanoTime();
        BatchMeta meta = rows.withSchema(put.schema(), true);
        settle.run();
        long t2 = System.nanoTime();
        Batch got = m.get(meta, ReadOptions.copy()).join();
        long t3 = System.nanoTime();
        if (check && !got.columns().equals(batch.columns())) {
            throw new AssertionError("the backend returned other data than it was given in " + partition);
        }
        m.clear(meta).join();
        return new double[] {(t1 - t0) / 1e9, (t3 - t2) / 1e9};
    }

    /**
     * The backend's client alone, without the manager: the keys the manager would make, the rows' buffers as values,
     * reads into fresh heap buffers (as the manager allocates them). Attributes time to the client or the manager.
     */
    private static double[] clientRound(RocksDbStorageClient client, Batch batch, String partition, Runnable settle) {
        BatchMeta rows = PutBenchmarkWorkload.rows(partition, batch.size());
        List<String> keys = new ArrayList<>();
        for (String f : batch.fieldNames()) {
            for (int i = 0; i < batch.size(); i++) {
                keys.add(KvStorageManager.key("", rows.handle(i), f));
            }
        }
        List<ByteBuffer> values = PutBenchmarkWorkload.cells(batch);
        List<Object> noMeta = java.util.Collections.nCopies(keys.size(), null);
        settle.run();
        long t0 = System.nanoTime();
        client.mput(keys, values).join();
        long t1 = System.nanoTime();
        settle.run();
        long t2 = System.nanoTime();
        List<ByteBuffer> into = new ArrayList<>(keys.size());
        for (ByteBuffer v : values) {
            into.add(ByteBuffer.allocate(v.remaining()).order(ByteOrder.LITTLE_ENDIAN));
        }
        client.mgetInto(keys, noMeta, into).join();
        long t3 = System.nanoTime();
        client.mdelete(keys, noMeta).join();
        return new double[] {(t1 - t0) / 1e9, (t3 - t2) / 1e9};
    }

    /** Raw rocksdbjni: the same keys (as the manager spells them) and the same value bytes, as byte arrays. */
    private record Raw(RocksDB db, WriteOptions wo, org.rocksdb.ReadOptions ro, List<byte[]> values) {
        double[] round(Batch batch, String partition, boolean check, Runnable settle) throws RocksDBException {
            BatchMeta rows = PutBenchmarkWorkload.rows(partition, batch.size());
            List<byte[]> keys = new ArrayList<>();
            for (String f : batch.fieldNames()) {
                for (int i = 0; i < batch.size(); i++) {
                    keys.add(KvStorageManager.key("", rows.handle(i), f).getBytes(StandardCharsets.UTF_8));
                }
            }
            settle.run();
            long t0 = System.nanoTime();
            try (WriteBatch wb = new WriteBatch()) {
                for (int k = 0; k < keys.size(); k++) {
                    wb.put(keys.get(k), values.get(k));
                }
                db.write(wo, wb);
            }
            long t1 = System.nanoTime();
            settle.run();
            long t2 = System.nanoTime();
            List<byte[]> got = db.multiGetAsList(ro, keys);
            long t3 = System.nanoTime();
            if (check) {
                for (int k = 0; k < keys.size(); k++) {
                    if (!Arrays.equals(got.get(k), values.get(k))) {
                        throw new AssertionError("raw read other data than written for key "
                                + new String(keys.get(k), StandardCharsets.UTF_8));
                    }
                }
            }
            try (WriteBatch wb = new WriteBatch()) {
                for (byte[] k : keys) {
                    wb.delete(k);
                }
                db.write(wo, wb);
            }
            return new double[] {(t1 - t0) / 1e9, (t3 - t2) / 1e9};
        }
    }

    /**
     * Waits until neither database flushes or compacts (nor has such work pending), so no timed operation competes
     * with background work the previous one left (upstream sleeps 2 s between put and get for the same reason).
     */
    private static void settle(RocksDB... dbs) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (RocksDB db : dbs) {
            try {
                while (busy(db) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            } catch (RocksDBException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean busy(RocksDB db) throws RocksDBException {
        return db.getLongProperty("rocksdb.num-running-flushes") > 0
                || db.getLongProperty("rocksdb.num-running-compactions") > 0
                || db.getLongProperty("rocksdb.mem-table-flush-pending") > 0
                || db.getLongProperty("rocksdb.compaction-pending") > 0;
    }

    /** The {@code q} quantile of {@code xs} (nearest rank). */
    private static double quantile(double[] xs, double q) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
    }

    private static double gbps(long bytes, double seconds) {
        return bytes * 8 / seconds / 1e9;
    }
}
