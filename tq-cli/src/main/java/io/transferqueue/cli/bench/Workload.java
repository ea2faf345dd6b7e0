package io.transferqueue.cli.bench;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Column;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * The data of one benchmark step, made once and reused by every iteration and every side (backend and baseline):
 * the producer's {@link Batch}, the same bytes as cells (row × field, field-major) for the raw baselines, and the
 * expected digest of every field.
 *
 * <p>Two shapes, as upstream:
 * <ul>
 *   <li>{@code put_benchmark} ({@code scripts/put_benchmark.py}): {@code F} fields of {@code B} rows; even fields
 *       dense {@code [B, seq]}, odd fields jagged with the same total element count and random row lengths ≥ 1
 *       (a flat Dirichlet draw); dtypes rotate float32, int64, float64, int32, float16.
 *   <li>{@code complex} (perftest {@code --use_complex_case}): ⌈F/3⌉ each of dense float32 {@code [B, seq]}, jagged
 *       float32 with row lengths in arithmetic progression from 1 to {@code seq}, and string fields of
 *       {@code seq × 4} hex characters per row.
 * </ul>
 * Bytes are counted as upstream counts them: tensor payload bytes, strings by their UTF-8 size.
 */
final class Workload {
    private static final DType[] DTYPES = {DType.FLOAT32, DType.INT64, DType.FLOAT64, DType.INT32, DType.FLOAT16};
    /** Largest buffer a column is built over; bigger fields are built from one buffer per row. */
    static final long MAX_BUFFER = Integer.MAX_VALUE - 64;

    static final String PUT_BENCHMARK = "put_benchmark";
    static final String COMPLEX = "complex";

    private final Scale scale;
    private final String kind;
    private final Batch batch;
    private final long bytes;
    private final Map<String, Long> digests;
    private final List<ByteBuffer> cells;
    private byte[][] cellArrays;

    private Workload(Scale scale, String kind, Batch batch) {
        this.scale = scale;
        this.kind = kind;
        this.batch = batch;
        this.bytes = batch.byteSize();
        this.digests = new LinkedHashMap<>();
        for (Map.Entry<String, Column> e : batch.columns().entrySet()) {
            digests.put(e.getKey(), digest(e.getValue()));
        }
        List<ByteBuffer> c = new ArrayList<>();
        for (Column col : batch.columns().values()) {
            for (int i = 0; i < col.size(); i++) {
                c.add(rowBytes(col, i));
            }
        }
        this.cells = Collections.unmodifiableList(c);
    }

    /** The put_benchmark data of {@code scale}. */
    static Workload putBenchmark(Scale scale, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Batch.Builder b = Batch.builder();
        int rows = scale.batch();
        for (int f = 0; f < scale.fields(); f++) {
            DType dtype = DTYPES[f % DTYPES.length];
            long elements = scale.elementsPerField();
            if (f % 2 == 0) {
                b.add("f" + f, dense(dtype, rows, scale.seq(), rnd));
            } else {
                b.add("f" + f, jagged(dtype, randomLengths(rows, elements, rnd), rnd));
            }
        }
        return new Workload(scale, PUT_BENCHMARK, b.build());
    }

    /** The perftest complex case at {@code scale}: dense, jagged and string fields, ⌈F/3⌉ of each. */
    static Workload complex(Scale scale, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Batch.Builder b = Batch.builder();
        int rows = scale.batch();
        int each = (scale.fields() + 2) / 3;
        int f = 0;
        for (int k = 0; k < each; k++) {
            b.add("f" + f++, dense(DType.FLOAT32, rows, scale.seq(), rnd));
            b.add("f" + f++, jagged(DType.FLOAT32, progression(rows, scale.seq()), rnd));
            b.add("f" + f++, strings(rows, scale.seq() * 4, rnd));
        }
        return new Workload(scale, COMPLEX, b.build());
    }

    static Workload of(Scale scale, String kind, long seed) {
        return COMPLEX.equals(kind) ? complex(scale, seed) : putBenchmark(scale, seed);
    }

    /**
     * Payload bytes a workload of this shape has, without building it (for the memory check up front).
     */
    static long bytesOf(Scale scale, String kind) {
        long e = scale.elementsPerField();
        if (COMPLEX.equals(kind)) {
            int each = (scale.fields() + 2) / 3;
            long jagged = 0;
            int[] lengths = progression(scale.batch(), scale.seq());
            for (int l : lengths) {
                jagged += l;
            }
            return each * (e * 4 + jagged * 4 + (long) scale.batch() * scale.seq() * 4);
        }
        long n = 0;
        for (int f = 0; f < scale.fields(); f++) {
            n += e * DTYPES[f % DTYPES.length].elementSize();
        }
        return n;
    }

    Scale scale() {
        return scale;
    }

    /** {@value #PUT_BENCHMARK} or {@value #COMPLEX}. */
    String kind() {
        return kind;
    }

    Batch batch() {
        return batch;
    }

    int rows() {
        return batch.size();
    }

    /** Payload bytes one PUT (and one GET) moves. */
    long bytes() {
        return bytes;
    }

    List<String> fields() {
        return new ArrayList<>(batch.fieldNames());
    }

    /** Every cell's bytes, field by field and row by row: views of the batch (strings as UTF-8). Read-only use. */
    List<ByteBuffer> cells() {
        return cells;
    }

    /**
     * Every cell as its own exact-size array (a copy made on first use, for baselines whose client takes arrays:
     * rocksdbjni, Lettuce); {@link #releaseArrays()} drops them.
     */
    synchronized byte[][] cellArrays() {
        if (cellArrays == null) {
            byte[][] a = new byte[cells.size()][];
            for (int i = 0; i < a.length; i++) {
                ByteBuffer c = cells.get(i);
                a[i] = new byte[c.remaining()];
                c.duplicate().get(a[i]);
            }
            cellArrays = a;
        }
        return cellArrays;
    }

    synchronized void releaseArrays() {
        cellArrays = null;
    }

    /**
     * Checks every field of {@code got} against the data that was put.
     *
     * @throws ChecksumMismatchException naming {@code target}, the scale and the first field that differs
     */
    void verify(Batch got, String target) {
        if (got.size() != batch.size()) {
            throw new ChecksumMismatchException(target, label(), "(all)", "returned " + got.size() + " rows, "
                    + batch.size() + " were put");
        }
        for (Map.Entry<String, Long> e : digests.entrySet()) {
            String field = e.getKey();
            if (!got.has(field)) {
                throw new ChecksumMismatchException(target, label(), field, "field missing from the GET result");
            }
            Column expected = batch.column(field);
            Column actual = got.column(field);
            if (actual.kind() != expected.kind() || actual.dtype() != expected.dtype()) {
                throw new ChecksumMismatchException(target, label(), field, "returned a " + actual.kind() + " "
                        + actual.dtype() + " column for a " + expected.kind() + " " + expected.dtype() + " one");
            }
            long d = digest(actual);
            if (d != e.getValue()) {
                throw new ChecksumMismatchException(target, label(), field, String.format(
                        "CRC32C %08x of the bytes read, %08x of the bytes put", d, e.getValue()));
            }
        }
    }

    /**
     * Checks cells a raw baseline read back ({@link #cells()} order).
     *
     * @throws ChecksumMismatchException naming {@code target}, the scale and the first field that differs
     */
    void verifyCells(List<ByteBuffer> got, String target) {
        if (got.size() != cells.size()) {
            throw new ChecksumMismatchException(target, label(), "(all)", "read " + got.size() + " cells, "
                    + cells.size() + " were written");
        }
        int rows = batch.size();
        int f = 0;
        for (String field : digests.keySet()) {
            verifyField(field, got.subList(f * rows, (f + 1) * rows), target);
            f++;
        }
    }

    /** {@link #verifyCells} of cells a raw client read back as arrays (null: a missing cell, checked as empty). */
    void verifyArrays(List<byte[]> got, String target) {
        List<ByteBuffer> cells = new ArrayList<>(got.size());
        for (byte[] v : got) {
            cells.add(v == null ? null : ByteBuffer.wrap(v));
        }
        verifyCells(cells, target);
    }

    /**
     * Checks the rows of one field a baseline read back.
     *
     * @throws ChecksumMismatchException naming {@code target}, the scale and the field if they differ
     */
    void verifyField(String field, List<ByteBuffer> rows, String target) {
        boolean lengths = batch.column(field).kind() != ColumnKind.DENSE;
        CRC32C crc = new CRC32C();
        for (ByteBuffer row : rows) {
            update(crc, row == null ? ByteBuffer.allocate(0) : row, lengths);
        }
        long expected = digests.get(field);
        if (rows.size() != batch.size() || crc.getValue() != expected) {
            throw new ChecksumMismatchException(target, label(), field, String.format(
                    "CRC32C %08x of the %d rows read, %08x of the %d rows written", crc.getValue(), rows.size(),
                    expected, batch.size()));
        }
    }

    /** {@code B×seq×F} of this workload (the complex case has its own field count). */
    String shape() {
        return scale.batch() + "×" + scale.seq() + "×" + batch.fieldNames().size();
    }

    /** The scale's name, with {@code +complex} for the complex case. */
    String label() {
        return COMPLEX.equals(kind) ? scale.name() + "+complex" : scale.name();
    }

    /**
     * Row 0 of the first field with its first byte flipped: written over the stored cell through the public API
     * ({@code --corrupt}), it must make the next checksum fail.
     */
    Batch corruptedFirstCell() {
        String field = batch.fieldNames().iterator().next();
        Column c = batch.column(field);
        if (!(c instanceof DenseColumn d)) {
            throw new IllegalStateException("the first field of a workload is dense");
        }
        ByteBuffer row = ByteBuffer.allocate(d.rowBytes()).order(ByteOrder.LITTLE_ENDIAN);
        row.put(d.rowData(0).duplicate()).flip();
        row.put(0, (byte) ~row.get(0));
        return Batch.builder().add(field, DenseColumn.wrap(d.dtype(), 1, d.rowShape(), row)).build();
    }

    // ------------------------------------------------------------------ digests

    /**
     * CRC32C of a column's rows in order; jagged and object rows are preceded by their byte length, so rows that
     * moved between neighbours do not add up to the same digest.
     */
    static long digest(Column c) {
        CRC32C crc = new CRC32C();
        boolean lengths = c.kind() != ColumnKind.DENSE;
        for (int i = 0; i < c.size(); i++) {
            update(crc, rowBytes(c, i), lengths);
        }
        return crc.getValue();
    }

    private static void update(CRC32C crc, ByteBuffer row, boolean withLength) {
        if (withLength) {
            int n = row.remaining();
            crc.update(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
        }
        crc.update(row.duplicate());
    }

    /** The bytes of row {@code i}: a view for tensors, the UTF-8 bytes of a string. */
    static ByteBuffer rowBytes(Column c, int i) {
        if (c instanceof DenseColumn d) {
            return d.rowData(i);
        }
        if (c instanceof JaggedColumn j) {
            return j.rowData(i);
        }
        Object v = ((ObjectColumn) c).value(i);
        if (v instanceof String s) {
            return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        }
        if (v instanceof byte[] a) {
            return ByteBuffer.wrap(a);
        }
        // not a value a workload puts: digest its description so it cannot match
        return ByteBuffer.wrap(("unexpected " + (v == null ? "null" : v.getClass().getName()))
                .getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ generation

    private static Column dense(DType dtype, int rows, int seq, SplittableRandom rnd) {
        long total = (long) rows * seq * dtype.elementSize();
        if (total <= MAX_BUFFER) {
            return DenseColumn.wrap(dtype, rows, new int[] {seq}, random(Math.toIntExact(total), rnd));
        }
        List<ByteBuffer> parts = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            parts.add(random(seq * dtype.elementSize(), rnd));
        }
        return DenseColumn.ofRows(dtype, new int[] {seq}, parts);
    }

    private static Column jagged(DType dtype, int[] lengths, SplittableRandom rnd) {
        long total = 0;
        for (int l : lengths) {
            total += (long) l * dtype.elementSize();
        }
        int[] dims = lengths.clone();
        if (total <= MAX_BUFFER) {
            return JaggedColumn.wrapFlat(dtype, lengths.length, 1, dims, random(Math.toIntExact(total), rnd));
        }
        List<ByteBuffer> parts = new ArrayList<>(lengths.length);
        for (int l : lengths) {
            parts.add(random(Math.multiplyExact(l, dtype.elementSize()), rnd));
        }
        return JaggedColumn.ofRows(dtype, 1, dims, parts);
    }

    private static Column strings(int rows, int chars, SplittableRandom rnd) {
        byte[] hex = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        List<String> values = new ArrayList<>(rows);
        byte[] buf = new byte[chars];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < chars; k++) {
                buf[k] = hex[rnd.nextInt(16)];
            }
            values.add(new String(buf, StandardCharsets.ISO_8859_1));
        }
        return ObjectColumn.of(values);
    }

    /** A heap buffer of {@code n} random bytes, little-endian. */
    private static ByteBuffer random(int n, SplittableRandom rnd) {
        byte[] a = new byte[n];
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        int longs = n / 8;
        for (int i = 0; i < longs; i++) {
            b.putLong(i * 8, rnd.nextLong());
        }
        for (int i = longs * 8; i < n; i++) {
            a[i] = (byte) rnd.nextInt();
        }
        return b;
    }

    /**
     * {@code rows} lengths of at least 1 summing to {@code total}, proportional to exponential draws (a flat
     * Dirichlet), as upstream's put_benchmark draws its nested tensors.
     */
    static int[] randomLengths(int rows, long total, SplittableRandom rnd) {
        if (total < rows) {
            throw new IllegalArgumentException(total + " elements cannot fill " + rows + " rows of at least 1");
        }
        double[] w = new double[rows];
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            w[i] = -Math.log(1 - rnd.nextDouble());
            sum += w[i];
        }
        int[] out = new int[rows];
        long spare = total - rows;
        long used = 0;
        for (int i = 0; i < rows; i++) {
            out[i] = Math.toIntExact(1 + (long) Math.floor(spare * (w[i] / sum)));
            used += out[i];
        }
        for (int i = 0; used < total; i = (i + 1) % rows) {
            out[i]++;
            used++;
        }
        return out;
    }

    /** Row lengths in arithmetic progression from 1 to {@code max} (perftest's complex jagged fields). */
    static int[] progression(int rows, int max) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = rows == 1 ? max : 1 + (int) ((long) i * (max - 1) / (rows - 1));
        }
        return out;
    }
}
