package io.transferqueue.conformance;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RowHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Upstream's {@code put_benchmark} workload, for benchmarking a backend on the same kind of bytes as the
 * project's own figures: {@code fields} fields of {@code rows} rows; even fields dense {@code [rows, seq]}, odd
 * fields jagged with the same element count in random row lengths ≥ 1 (a flat Dirichlet draw); dtypes rotate
 * float32, int64, float64, int32, float16. The data lives in heap buffers, as a Java producer's would, and depends
 * only on the seed.
 *
 * <p>The module benchmarks ({@code *PutBenchmark} under each backend's tests) build their batches here; {@code tq
 * bench} has its own copy in {@code tq-cli} (with the complex case and checksums), because the command's runtime
 * must not carry this kit's test libraries.
 */
public final class PutBenchmarkWorkload {
    /** The dtypes of fields 0, 1, 2, ... in turn. */
    public static final List<DType> DTYPES =
            List.of(DType.FLOAT32, DType.INT64, DType.FLOAT64, DType.INT32, DType.FLOAT16);

    private PutBenchmarkWorkload() {
    }

    /**
     * The batch of one scale.
     *
     * @param namePrefix fields are named {@code namePrefix + index}
     * @throws IllegalArgumentException if a field would not fit one Java array
     */
    public static Batch batch(int rows, int seq, int fields, String namePrefix, long seed) {
        if (rows < 1 || seq < 1 || fields < 1) {
            throw new IllegalArgumentException("rows, seq and fields must be ≥ 1, got " + rows + ", " + seq + ", "
                    + fields);
        }
        SplittableRandom random = new SplittableRandom(seed);
        Batch.Builder b = Batch.builder();
        for (int f = 0; f < fields; f++) {
            DType dtype = DTYPES.get(f % DTYPES.size());
            int elements = Math.multiplyExact(rows, seq);
            ByteBuffer values = randomBytes(Math.multiplyExact(elements, dtype.elementSize()), random);
            if (f % 2 == 0) {
                b.add(namePrefix + f, DenseColumn.wrap(dtype, rows, new int[] {seq}, values));
            } else {
                int[] lengths = randomLengths(rows, elements, random);
                int[][] shapes = new int[rows][];
                for (int i = 0; i < rows; i++) {
                    shapes[i] = new int[] {lengths[i]};
                }
                b.add(namePrefix + f, JaggedColumn.wrap(dtype, shapes, values));
            }
        }
        return b.build();
    }

    /** {@code n} lengths ≥ 1 summing to {@code total}, proportional to exponential draws (a flat Dirichlet). */
    public static int[] randomLengths(int n, int total, SplittableRandom random) {
        if (n < 1 || total < n) {
            throw new IllegalArgumentException("cannot split " + total + " elements into " + n + " rows of ≥ 1");
        }
        double[] w = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] = -Math.log(1 - random.nextDouble());
            sum += w[i];
        }
        int[] out = new int[n];
        int spare = total - n;
        int used = 0;
        for (int i = 0; i < n; i++) {
            out[i] = 1 + (int) Math.floor(spare * w[i] / sum);
            used += out[i];
        }
        for (int i = 0; used < total; i = (i + 1) % n) {
            out[i]++;
            used++;
        }
        return out;
    }

    /** Every cell's bytes (views, nothing copied), field by field and row by row, as a KV backend keys them. */
    public static List<ByteBuffer> cells(Batch batch) {
        List<ByteBuffer> out = new ArrayList<>(batch.columns().size() * batch.size());
        for (Column c : batch.columns().values()) {
            for (int i = 0; i < batch.size(); i++) {
                out.add(c instanceof DenseColumn d ? d.rowData(i) : ((JaggedColumn) c).rowData(i));
            }
        }
        return out;
    }

    /** The cells of {@link #cells} copied into arrays, as a raw client of a store is handed them. */
    public static List<byte[]> cellArrays(Batch batch) {
        List<ByteBuffer> cells = cells(batch);
        List<byte[]> out = new ArrayList<>(cells.size());
        for (ByteBuffer c : cells) {
            byte[] a = new byte[c.remaining()];
            c.duplicate().get(a);
            out.add(a);
        }
        return out;
    }

    /** The payload bytes of a batch of tensor fields: the sum of its cells' sizes. */
    public static long payloadBytes(Batch batch) {
        long n = 0;
        for (ByteBuffer c : cells(batch)) {
            n += c.remaining();
        }
        return n;
    }

    /** Handles of rows {@code 0..n-1} of {@code partition}, generation 0. */
    public static BatchMeta rows(String partition, int n) {
        List<RowHandle> h = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            h.add(new RowHandle(partition, i, 0));
        }
        return BatchMeta.of(h);
    }

    /** The median of {@code xs} (the mean of the middle two for an even count). */
    public static double median(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static ByteBuffer randomBytes(int n, SplittableRandom random) {
        ByteBuffer out = Buffers.allocate(n);
        byte[] chunk = new byte[Math.min(n, 1 << 16)];
        for (int off = 0; off < n; off += chunk.length) {
            random.nextBytes(chunk);
            out.put(off, chunk, 0, Math.min(chunk.length, n - off));
        }
        return out;
    }
}
