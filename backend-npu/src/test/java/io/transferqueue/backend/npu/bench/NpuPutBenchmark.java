package io.transferqueue.backend.npu.bench;

import io.transferqueue.backend.npu.NpuKvStorageClient;
import io.transferqueue.backend.npu.NpuOptions;
import io.transferqueue.backend.npu.NpuRuntimeKind;
import io.transferqueue.backend.npu.NpuStorageFactory;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.PutBenchmarkWorkload;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The upstream {@code put_benchmark} workload ({@link PutBenchmarkWorkload}) through the npu backend, next to
 * plain memcpy of the same cells in the same run. Producer data lives in heap buffers, as a Java producer's would.
 *
 * <p>Measured per round (a fresh partition each round, cleared after it, so the backend's pooled device
 * memory is rewritten, never first-touched, after the warm-up):
 * <ul>
 *   <li>PUT: {@code StorageManager.put} — one copy per cell host (heap) → device;
 *   <li>PUTkv: {@code NpuKvStorageClient.mput} of the same cells (the backend without the generic manager);
 *   <li>GET: {@code StorageManager.get(copy)} — device → fresh heap buffers the manager allocates;
 *   <li>GET-into: {@code NpuKvStorageClient.mgetInto} into preallocated heap buffers (the copy alone);
 *   <li>memcpy heap→direct and direct→heap: {@code ByteBuffer.put} of the same cells into preallocated
 *       destinations (the PUT and GET baselines).
 * </ul>
 * Bytes are checked after the first and last round. Gbps = payload bits / s / 1e9.
 *
 * <p>Usage: {@code NpuPutBenchmark [debug] [tiny] [small] [medium] [--rounds N] [--runtime host|auto|acl|cuda]}
 * (default: debug tiny small). Medium needs ~1.6 GiB of device capacity and ~8 GiB of JVM heap plus direct memory.
 */
public final class NpuPutBenchmark {
    private record Config(String name, int batch, int seq, int fields, int rounds) {
    }

    private static final List<Config> CONFIGS = List.of(
            new Config("debug", 32, 128, 2, 200),
            new Config("tiny", 64, 1024, 4, 100),
            new Config("small", 512, 12800, 4, 10),
            new Config("medium", 1024, 65536, 4, 4));

    private NpuPutBenchmark() {
    }

    public static void main(String[] args) {
        List<Config> chosen = new ArrayList<>();
        int rounds = -1;
        NpuRuntimeKind runtime = NpuRuntimeKind.HOST;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else if (a.equals("--runtime")) {
                runtime = NpuRuntimeKind.valueOf(args[++i].toUpperCase(Locale.ROOT));
            } else {
                chosen.add(CONFIGS.stream().filter(c -> c.name().equals(a)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown config " + a)));
            }
        }
        if (chosen.isEmpty()) {
            chosen = CONFIGS.subList(0, 3);
        }
        System.out.printf(Locale.ROOT, "%-7s %7s %6s | %7s %7s %7s %7s | %7s %7s | %6s %6s %6s %6s%n", "config",
                "MiB", "rounds", "PUT", "PUTkv", "GET", "GETinto", "cp h->d", "cp d->h", "PUT", "PUTkv", "GET",
                "GETinto");
        for (Config c : chosen) {
            run(c, rounds > 0 ? rounds : c.rounds(), runtime);
        }
        System.out.println("(Gbps, mean over rounds after 2 warm-up rounds; last four columns: ratio to the memcpy of "
                + "the same direction. PUT/GET: StorageManager; PUTkv: NpuKvStorageClient.mput; GETinto: "
                + "NpuKvStorageClient.mgetInto into preallocated heap buffers; cp: ByteBuffer.put of the same cells "
                + "into preallocated buffers, heap->direct and direct->heap)");
    }

    private static void run(Config c, int rounds, NpuRuntimeKind runtime) {
        Batch batch = PutBenchmarkWorkload.batch(c.batch(), c.seq(), c.fields(), "field_", 42);
        long bytes = PutBenchmarkWorkload.payloadBytes(batch);
        List<ByteBuffer> cells = PutBenchmarkWorkload.cells(batch);
        long capacity = (long) (bytes * 1.1) + (cells.size() * 512L) + (64L << 20);
        TqConfig config = TqConfig.defaults()
                .with(NpuOptions.RUNTIME, runtime)
                .with(NpuOptions.CAPACITY, DataSize.ofBytes(capacity))
                .with(NpuOptions.STRICT_CLOSE, true);
        double[] put = new double[rounds];
        double[] get = new double[rounds];
        double[] getInto = new double[rounds];
        double[] cpIn = new double[rounds];
        double[] cpOut = new double[rounds];
        double[] putKv = new double[rounds];
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.toIntExact(bytes));
        List<ByteBuffer> heapDestinations = new ArrayList<>(cells.size());
        for (ByteBuffer cell : cells) {
            heapDestinations.add(ByteBuffer.allocate(cell.remaining()));
        }
        try (StorageManager m = new NpuStorageFactory().create(config, StorageContext.of("bench",
                NpuPutBenchmark.class.getClassLoader()))) {
            NpuKvStorageClient client = m.unwrap(NpuKvStorageClient.class);
            int warmup = 2;
            for (int r = -warmup; r < rounds; r++) {
                BatchMeta rows = PutBenchmarkWorkload.rows("bench_" + c.name() + "_" + r, c.batch());

                long t0 = System.nanoTime();
                PutResult result = m.put(batch, rows, PutOptions.defaults()).join();
                long t1 = System.nanoTime();
                BatchMeta meta = produced(rows, result);
                Batch got = m.get(meta, ReadOptions.copy()).join();
                long t2 = System.nanoTime();
                List<String> keys = new ArrayList<>(cells.size());
                List<Object> metas = new ArrayList<>(cells.size());
                for (String f : batch.fieldNames()) {
                    for (int i = 0; i < c.batch(); i++) {
                        keys.add(KvStorageManager.key("", meta.handle(i), f));
                        metas.add(meta.backendMeta(f, i));
                    }
                }
                long t3 = System.nanoTime();
                client.mgetInto(keys, metas, heapDestinations).join();
                long t4 = System.nanoTime();
                copyIn(cells, direct);
                long t5 = System.nanoTime();
                copyOut(direct, heapDestinations);
                long t6 = System.nanoTime();

                if (r == 0 || r == rounds - 1) {
                    verify(got, batch, cells, heapDestinations, client, keys, metas);
                }
                m.clear(meta).join();
                List<String> kvKeys = new ArrayList<>(keys.size());
                for (String k : keys) {
                    kvKeys.add("kv/" + k);
                }
                long t7 = System.nanoTime();
                List<Object> kvHandles = client.mput(kvKeys, cells).join();
                long t8 = System.nanoTime();
                client.mdelete(kvKeys, kvHandles).join();
                if (r >= 0) {
                    put[r] = gbps(bytes, t1 - t0);
                    get[r] = gbps(bytes, t2 - t1);
                    getInto[r] = gbps(bytes, t4 - t3);
                    cpIn[r] = gbps(bytes, t5 - t4);
                    cpOut[r] = gbps(bytes, t6 - t5);
                    putKv[r] = gbps(bytes, t8 - t7);
                }
            }
            if (client.chunkAllocations() > (capacity >> 26) + 2) {
                System.out.println("note: " + client.chunkAllocations() + " chunks taken: memory was not reused");
            }
        }
        double pk = mean(putKv);
        double p = mean(put);
        double g = mean(get);
        double gi = mean(getInto);
        double ci = mean(cpIn);
        double co = mean(cpOut);
        System.out.printf(Locale.ROOT, "%-7s %7.1f %6d | %7.2f %7.2f %7.2f %7.2f | %7.2f %7.2f | %6.2f %6.2f %6.2f %6.2f%n",
                c.name(), bytes / 1048576.0, rounds, p, pk, g, gi, ci, co, p / ci, pk / ci, g / co, gi / co);
    }

    private static void copyIn(List<ByteBuffer> cells, ByteBuffer direct) {
        direct.clear();
        for (ByteBuffer c : cells) {
            direct.put(c.duplicate());
        }
    }

    private static void copyOut(ByteBuffer direct, List<ByteBuffer> destinations) {
        int pos = 0;
        for (ByteBuffer d : destinations) {
            int n = d.remaining();
            d.duplicate().put(0, direct, pos, n);
            pos += n;
        }
    }

    private static void verify(Batch got, Batch expected, List<ByteBuffer> cells, List<ByteBuffer> into,
            NpuKvStorageClient client, List<String> keys, List<Object> metas) {
        for (String f : expected.fieldNames()) {
            if (!got.column(f).equals(expected.column(f))) {
                throw new AssertionError("GET returned other bytes for field " + f);
            }
        }
        for (int i = 0; i < cells.size(); i++) {
            if (!Buffers.contentEquals(into.get(i), cells.get(i))) {
                throw new AssertionError("GET-into or memcpy returned other bytes for cell " + i);
            }
        }
        client.mgetInto(keys, metas, into).join();
        for (int i = 0; i < cells.size(); i++) {
            if (!Buffers.contentEquals(into.get(i), cells.get(i))) {
                throw new AssertionError("GET-into returned other bytes for cell " + keys.get(i));
            }
        }
    }

    private static BatchMeta produced(BatchMeta rows, PutResult r) {
        BatchMeta m = rows.withSchema(r.schema(), true);
        for (Map.Entry<String, List<Object>> e : r.backendMeta().entrySet()) {
            m = m.withBackendMeta(e.getKey(), e.getValue());
        }
        return m;
    }

    private static double gbps(long bytes, long nanos) {
        return bytes * 8.0 / nanos;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
