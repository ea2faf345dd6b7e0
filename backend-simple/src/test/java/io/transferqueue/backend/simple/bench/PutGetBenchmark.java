package io.transferqueue.backend.simple.bench;

import io.transferqueue.backend.simple.SimpleStorageConfig;
import io.transferqueue.backend.simple.SimpleStorageManager;
import io.transferqueue.conformance.PutBenchmarkWorkload;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Validates the design of the simple backend against plain memory bandwidth; not a test. Runs the upstream
 * {@code put_benchmark} workload directly through {@link SimpleStorageManager} and, in the same run, a plain
 * single-threaded heap-to-heap copy of the same bytes into a preallocated (already touched) array.
 *
 * <p>Workload per scale: {@link PutBenchmarkWorkload}.
 *
 * <p>Usage: {@code PutGetBenchmark [--units N] [--iterations N] [--warmup N] [--parallel-threshold BYTES]
 * scale...} with scales debug,
 * tiny, small, medium. Warm-up is at least {@code --warmup} rounds and at least 2 GB moved per operation, so
 * small scales run long enough for the JIT. Reports medians in Gbps (bytes × 8 / s) and ratios to memcpy. Every run checks the
 * bytes read back once (CRC32C per field).
 */
public final class PutGetBenchmark {
    private record Scale(String name, int rows, int seq, int fields) {
    }

    private static final List<Scale> SCALES = List.of(new Scale("debug", 32, 128, 2), new Scale("tiny", 64, 1024, 4),
            new Scale("small", 512, 12800, 4), new Scale("medium", 1024, 65536, 4));

    private PutGetBenchmark() {
    }

    public static void main(String[] args) {
        int units = 2;
        int iterations = 15;
        int warmup = 5;
        long threshold = SimpleStorageConfig.DEFAULT_PARALLEL_THRESHOLD;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--units" -> units = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--parallel-threshold" -> threshold = Long.parseLong(args[++i]);
                default -> names.add(args[i]);
            }
        }
        if (names.isEmpty()) {
            names = List.of("debug", "tiny", "small");
        }
        System.out.printf(Locale.ROOT, "simple backend, %d units, parallel threshold %d B, >= %d warm-up + %d measured "
                + "iterations, JDK %s, max heap %d MiB, %d cpus, GC %s%n", units, threshold, warmup, iterations,
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
        System.out.printf(Locale.ROOT, "%-7s %10s | %8s | %8s %6s | %8s %6s | %9s %8s%n", "scale", "MB",
                "memcpy", "PUT", "×mc", "GET", "×mc", "GET-zc", "mc/zc");
        for (String n : names) {
            Scale s = SCALES.stream().filter(x -> x.name.equals(n)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown scale " + n + "; known: debug, tiny, "
                            + "small, medium"));
            run(s, SimpleStorageConfig.unlimited(units).withParallelThreshold(threshold), warmup, iterations);
        }
    }

    private static void run(Scale s, SimpleStorageConfig config, int warmup, int iterations) {
        Batch batch = PutBenchmarkWorkload.batch(s.rows, s.seq, s.fields, "f", 42);
        long bytes = batch.byteSize();
        BatchMeta meta = BatchMeta.builder().rows("bench", range(s.rows), new int[s.rows]).build();
        byte[] memcpyTarget = new byte[Math.toIntExact(bytes)];
        List<ByteBuffer> sources = new ArrayList<>();
        for (Column c : batch.columns().values()) {
            sources.add(c instanceof DenseColumn d ? d.data() : ((JaggedColumn) c).values());
        }
        long[] memcpy = new long[iterations];
        long[] put = new long[iterations];
        long[] get = new long[iterations];
        long[] zero = new long[iterations];
        long gcCount = 0;
        long gcMillis = 0;
        try (SimpleStorageManager m = new SimpleStorageManager(config)) {
            BatchMeta readMeta = meta.withSchema(m.put(batch, meta, PutOptions.defaults()).join().schema(), true);
            verify(batch, m.get(readMeta, ReadOptions.copy()).join(), "copying get");
            verify(batch, m.get(readMeta, ReadOptions.zeroCopy()).join(), "zero-copy get");
            m.clear(readMeta).join();
            // small scales need many rounds before the JIT has compiled the hot paths
            int rounds = (int) Math.max(warmup, Math.min(20_000, 2_000_000_000L / Math.max(1, bytes)));
            for (int i = -rounds; i < iterations; i++) {
                if (i == 0) {
                    gcCount = -gcCount();
                    gcMillis = -gcMillis();
                }
                long t0 = System.nanoTime();
                int off = 0;
                for (ByteBuffer src : sources) {
                    System.arraycopy(src.array(), src.arrayOffset(), memcpyTarget, off, src.remaining());
                    off += src.remaining();
                }
                long t1 = System.nanoTime();
                m.put(batch, meta, PutOptions.defaults()).join();
                long t2 = System.nanoTime();
                Batch copy = m.get(readMeta, ReadOptions.copy()).join();
                long t3 = System.nanoTime();
                Batch view = m.get(readMeta, ReadOptions.zeroCopy()).join();
                long t4 = System.nanoTime();
                if (copy.size() != s.rows || view.size() != s.rows) {
                    throw new AssertionError("short read");
                }
                copy = null;
                view = null;
                m.clear(readMeta).join();
                if (i >= 0) {
                    memcpy[i] = t1 - t0;
                    put[i] = t2 - t1;
                    get[i] = t3 - t2;
                    zero[i] = t4 - t3;
                }
            }
            gcCount += gcCount();
            gcMillis += gcMillis();
        }
        double mc = gbps(bytes, median(memcpy));
        double p = gbps(bytes, median(put));
        double g = gbps(bytes, median(get));
        double z = gbps(bytes, median(zero));
        System.out.printf(Locale.ROOT, "%-7s %10.2f | %8.2f | %8.2f %6.2f | %8.2f %6.2f | %9.1f %7.1f×%n", s.name,
                bytes / 1e6, mc, p, p / mc, g, g / mc, z, (double) median(memcpy) / median(zero));
        System.out.printf(Locale.ROOT, "        µs min/median/max: memcpy %s, put %s, get %s, zero-copy get %s; "
                + "%d GCs, %d ms in measured rounds%n", spread(memcpy), spread(put), spread(get), spread(zero),
                gcCount, gcMillis);
    }

    private static String spread(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.1f/%.1f/%.1f", s[0] / 1e3, s[s.length / 2] / 1e3,
                s[s.length - 1] / 1e3);
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
        }
        return n;
    }

    private static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionTime());
        }
        return n;
    }

    private static double gbps(long bytes, long nanos) {
        return bytes * 8.0 / nanos;
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static long[] range(int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static void verify(Batch expected, Batch actual, String what) {
        for (String f : expected.fieldNames()) {
            Column e = expected.column(f);
            Column a = actual.column(f);
            long ce = Buffers.checksum(e instanceof DenseColumn d ? d.data() : ((JaggedColumn) e).values());
            long ca = Buffers.checksum(a instanceof DenseColumn d ? d.data() : ((JaggedColumn) a).values());
            if (ce != ca || e.kind() != a.kind()) {
                throw new AssertionError(what + ": field " + f + " differs (crc " + ce + " vs " + ca + ")");
            }
        }
    }
}
