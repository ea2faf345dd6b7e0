package io.transferqueue.data;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A column whose rows have their own shapes (all of one rank): one little-endian values buffer holding the
 * rows back to back, plus per-row shapes. Row {@code i} is an O(1) slice of the values. Rows may be empty
 * (a zero dimension).
 */
public final class JaggedColumn implements Column {
    private final DType dtype;
    private final int size;
    private final int rank;
    /** Row shapes, row-major: row i has dims[i*rank .. (i+1)*rank). */
    private final int[] dims;
    /** Element offsets: row i holds elements [offsets[i], offsets[i+1]). */
    private final int[] offsets;
    /** Contiguous values; for a column built from row buffers, assembled on first use. */
    private volatile ByteBuffer values;
    /** One buffer per row, or null for a contiguous column. */
    private final ByteBuffer[] rowBuffers;

    private JaggedColumn(DType dtype, int size, int rank, int[] dims, int[] offsets, ByteBuffer values) {
        this(dtype, size, rank, dims, offsets, values, null);
    }

    private JaggedColumn(DType dtype, int size, int rank, int[] dims, int[] offsets, ByteBuffer values,
            ByteBuffer[] rowBuffers) {
        this.dtype = dtype;
        this.size = size;
        this.rank = rank;
        this.dims = dims;
        this.offsets = offsets;
        this.values = values;
        this.rowBuffers = rowBuffers;
    }

    /**
     * A column over one buffer per row, without copying (the caller hands the buffers over); see
     * {@link DenseColumn#ofRows}. {@link #values()} assembles a contiguous copy on first use.
     *
     * @param flatDims row shapes, row i is {@code flatDims[i*rank .. (i+1)*rank)}; ownership is taken
     * @throws IllegalArgumentException if a buffer's size does not match its row shape
     */
    public static JaggedColumn ofRows(DType dtype, int rank, int[] flatDims, List<ByteBuffer> rows) {
        int[] offsets = offsetsOf(dtype, rows.size(), rank, flatDims);
        int es = dtype.elementSize();
        ByteBuffer[] views = new ByteBuffer[rows.size()];
        for (int i = 0; i < views.length; i++) {
            ByteBuffer r = rows.get(i);
            int expected = (offsets[i + 1] - offsets[i]) * es;
            if (r.remaining() != expected) {
                throw new IllegalArgumentException("row " + i + " has " + r.remaining() + " bytes, its shape needs "
                        + expected);
            }
            views[i] = Buffers.view(r);
        }
        return new JaggedColumn(dtype, rows.size(), rank, flatDims, offsets, null, views);
    }

    /** True if this column keeps one buffer per row. */
    public boolean isRowChunked() {
        return rowBuffers != null;
    }

    private ByteBuffer contiguous() {
        ByteBuffer v = values;
        if (v == null) {
            synchronized (this) {
                v = values;
                if (v == null) {
                    int es = dtype.elementSize();
                    ByteBuffer out = Buffers.allocate(offsets[size] * es);
                    for (int i = 0; i < size; i++) {
                        out.put(offsets[i] * es, rowBuffers[i], rowBuffers[i].position(), rowBuffers[i].remaining());
                    }
                    v = isReadOnly() ? out.asReadOnlyBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN) : out;
                    values = v;
                }
            }
        }
        return v;
    }

    /** A new column holding copies of {@code rows} (all of one dtype and rank). */
    public static JaggedColumn of(List<Tensor> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("cannot build a jagged column from zero tensors: the dtype is unknown");
        }
        Tensor first = rows.get(0);
        int[][] shapes = new int[rows.size()][];
        long total = 0;
        for (int i = 0; i < rows.size(); i++) {
            Tensor t = rows.get(i);
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException("row " + i + " has dtype " + t.dtype() + ", row 0 has "
                        + first.dtype());
            }
            shapes[i] = t.shape();
            total += t.byteSize();
        }
        ByteBuffer out = Buffers.allocate(Math.toIntExact(total));
        int off = 0;
        for (Tensor t : rows) {
            Buffers.copyInto(t.data(), out, off);
            off += t.byteSize();
        }
        return wrap(first.dtype(), shapes, out);
    }

    /**
     * Wraps {@code values} (its remaining bytes) without copying, with one shape per row.
     *
     * @throws IllegalArgumentException if the ranks differ or the byte count does not match the shapes
     */
    public static JaggedColumn wrap(DType dtype, int[][] rowShapes, ByteBuffer values) {
        requireNonNull(rowShapes, "rowShapes is null");
        int rank = rowShapes.length == 0 ? 1 : rowShapes[0].length;
        int[] dims = new int[Math.multiplyExact(rowShapes.length, rank)];
        for (int i = 0; i < rowShapes.length; i++) {
            int[] s = rowShapes[i];
            if (s == null || s.length != rank) {
                throw new IllegalArgumentException("row " + i + " has shape " + (s == null ? "null" : Shapes.toString(s))
                        + " but row 0 has rank " + rank + "; all rows of a jagged column share a rank");
            }
            System.arraycopy(s, 0, dims, i * rank, rank);
        }
        return wrapFlat(dtype, rowShapes.length, rank, dims, values);
    }

    /**
     * Wraps with shapes given flat: row {@code i} has {@code dims[i*rank .. (i+1)*rank)}. Takes ownership of
     * {@code dims}.
     */
    public static JaggedColumn wrapFlat(DType dtype, int size, int rank, int[] dims, ByteBuffer values) {
        requireNonNull(dims, "dims is null");
        requireNonNull(values, "values is null");
        int[] offsets = offsetsOf(dtype, size, rank, dims);
        long expected = (long) offsets[size] * dtype.elementSize();
        if (values.remaining() != expected) {
            throw new IllegalArgumentException("jagged column rows need " + expected + " bytes of " + dtype
                    + ", buffer has " + values.remaining());
        }
        return new JaggedColumn(dtype, size, rank, dims, offsets, Buffers.view(values));
    }

    private static int[] offsetsOf(DType dtype, int size, int rank, int[] dims) {
        requireNonNull(dtype, "dtype is null");
        if (rank < 1) {
            throw new IllegalArgumentException("rows of a jagged column need rank >= 1; 0-d rows belong in a "
                    + "DenseColumn");
        }
        if (size < 0 || dims.length != (long) size * rank) {
            throw new IllegalArgumentException("jagged column of " + size + " rows of rank " + rank + " needs "
                    + ((long) size * rank) + " dimensions, got " + dims.length);
        }
        int[] offsets = new int[size + 1];
        long off = 0;
        for (int i = 0; i < size; i++) {
            long n = 1;
            for (int k = 0; k < rank; k++) {
                int d = dims[i * rank + k];
                if (d < 0) {
                    throw new IllegalArgumentException("row " + i + " has a negative dimension " + d);
                }
                n *= d;
                if (n > Integer.MAX_VALUE) {
                    // checked per dimension: the product of a few large ints would wrap around a long
                    throw new IllegalArgumentException("row " + i + " has shape " + Shapes.toString(
                            Arrays.copyOfRange(dims, i * rank, (i + 1) * rank)) + " of more than "
                            + Integer.MAX_VALUE + " elements");
                }
            }
            off += n;
            if (off * dtype.elementSize() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("jagged column exceeds one buffer (2 GiB) at row " + i);
            }
            offsets[i + 1] = (int) off;
        }
        return offsets;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public ColumnKind kind() {
        return ColumnKind.JAGGED;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    /** Rank shared by all rows. */
    public int rank() {
        return rank;
    }

    /** Shape of row {@code i} (a copy). */
    public int[] rowShape(int i) {
        checkRow(i);
        return Arrays.copyOfRange(dims, i * rank, (i + 1) * rank);
    }

    /** All row shapes, flat (a copy): row i is {@code [i*rank, (i+1)*rank)}. */
    public int[] flatShapes() {
        return dims.clone();
    }

    /** Elements in row {@code i}. */
    public int rowNumel(int i) {
        checkRow(i);
        return offsets[i + 1] - offsets[i];
    }

    /** Byte offset of row {@code i} in {@link #values()}. */
    public int rowByteOffset(int i) {
        checkRow(i);
        return offsets[i] * dtype.elementSize();
    }

    /** Bytes of row {@code i}. */
    public int rowByteSize(int i) {
        return rowNumel(i) * dtype.elementSize();
    }

    /** Row {@code i} as a tensor view (O(1), shares bytes). */
    public Tensor row(int i) {
        return Tensor.wrap(dtype, rowShape(i), rowData(i));
    }

    /** A view of row {@code i}'s bytes. */
    public ByteBuffer rowData(int i) {
        checkRow(i);
        if (rowBuffers != null) {
            return Buffers.view(rowBuffers[i]);
        }
        int es = dtype.elementSize();
        return Buffers.view(values, offsets[i] * es, (offsets[i + 1] - offsets[i]) * es);
    }

    /**
     * A view of all values (position 0, little-endian). For a row-chunked column this is a contiguous copy
     * assembled once.
     */
    public ByteBuffer values() {
        return Buffers.view(contiguous());
    }

    @Override
    public long byteSize() {
        return (long) offsets[size] * dtype.elementSize();
    }

    /** True if every row has the same shape (such a column could be dense). */
    public boolean isUniform() {
        for (int i = 1; i < size; i++) {
            if (!Arrays.equals(dims, 0, rank, dims, i * rank, (i + 1) * rank)) {
                return false;
            }
        }
        return true;
    }

    private void checkRow(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("row " + i + " out of range [0, " + size + ")");
        }
    }

    @Override
    public JaggedColumn rows(int... positions) {
        int es = dtype.elementSize();
        long total = 0;
        for (int p : positions) {
            checkRow(p);
            total += (long) (offsets[p + 1] - offsets[p]) * es;
        }
        ByteBuffer out = Buffers.allocate(Math.toIntExact(total));
        int[] newDims = new int[positions.length * rank];
        int off = 0;
        for (int j = 0; j < positions.length; j++) {
            int p = positions[j];
            int len = (offsets[p + 1] - offsets[p]) * es;
            out.put(off, rowData(p), 0, len);
            off += len;
            System.arraycopy(dims, p * rank, newDims, j * rank, rank);
        }
        return wrapFlat(dtype, positions.length, rank, newDims, out);
    }

    @Override
    public JaggedColumn slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range [0, " + size + ")");
        }
        int es = dtype.elementSize();
        int[] newDims = Arrays.copyOfRange(dims, from * rank, to * rank);
        if (rowBuffers != null) {
            return ofRows(dtype, rank, newDims, Arrays.asList(Arrays.copyOfRange(rowBuffers, from, to)));
        }
        ByteBuffer v = Buffers.view(values, offsets[from] * es, (offsets[to] - offsets[from]) * es);
        return wrapFlat(dtype, to - from, rank, newDims, v);
    }

    @Override
    public boolean isReadOnly() {
        if (rowBuffers != null) {
            return Buffers.anyReadOnly(rowBuffers);
        }
        return values.isReadOnly();
    }

    @Override
    public JaggedColumn asReadOnly() {
        if (isReadOnly()) {
            return this;
        }
        if (rowBuffers != null) {
            ByteBuffer[] ro = Buffers.readOnlyViews(rowBuffers);
            return new JaggedColumn(dtype, size, rank, dims, offsets, null, ro);
        }
        return new JaggedColumn(dtype, size, rank, dims, offsets, Buffers.readOnlyView(values));
    }

    @Override
    public JaggedColumn copy() {
        int es = dtype.elementSize();
        ByteBuffer out = Buffers.allocate(offsets[size] * es);
        for (int i = 0; i < size; i++) {
            out.put(offsets[i] * es, rowData(i), 0, (offsets[i + 1] - offsets[i]) * es);
        }
        return new JaggedColumn(dtype, size, rank, dims, offsets, out);
    }

    /**
     * The same rows as a dense column, if every row has one shape (shares bytes).
     *
     * @throws IllegalStateException if the rows differ in shape
     */
    public DenseColumn toDense() {
        if (!isUniform()) {
            throw new IllegalStateException("rows of this jagged column differ in shape");
        }
        int[] shape = size == 0 ? new int[rank] : Arrays.copyOf(dims, rank);
        return DenseColumn.wrap(dtype, size, shape, values());
    }

    /** Concatenates tensor columns that all have rows, one dtype and one row rank. */
    static JaggedColumn concatTensors(List<? extends Column> parts) {
        DType dtype = parts.get(0).dtype();
        int rank = rankOf(parts.get(0));
        int rows = 0;
        long bytes = 0;
        for (Column c : parts) {
            int r = rankOf(c);
            if (r != rank) {
                throw new IllegalArgumentException("rank mismatch in concat: rows of rank " + rank + " and " + r);
            }
            rows += c.size();
            bytes += c.byteSize();
        }
        int[] dims = new int[Math.multiplyExact(rows, rank)];
        ByteBuffer out = Buffers.allocate(Math.toIntExact(bytes));
        int row = 0;
        int off = 0;
        for (Column c : parts) {
            if (c instanceof DenseColumn d) {
                int[] s = d.rowShape();
                for (int i = 0; i < d.size(); i++) {
                    System.arraycopy(s, 0, dims, (row + i) * rank, rank);
                }
                Buffers.copyInto(d.data(), out, off);
            } else {
                JaggedColumn j = (JaggedColumn) c;
                System.arraycopy(j.dims, 0, dims, row * rank, j.dims.length);
                Buffers.copyInto(j.values(), out, off);
            }
            row += c.size();
            off += (int) c.byteSize();
        }
        return wrapFlat(dtype, rows, rank, dims, out);
    }

    private static int rankOf(Column c) {
        return c instanceof DenseColumn d ? d.rowShape().length : ((JaggedColumn) c).rank;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JaggedColumn c)) {
            return false;
        }
        if (dtype != c.dtype || size != c.size || rank != c.rank || !Arrays.equals(dims, c.dims)) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!Buffers.contentEquals(rowData(i), c.rowData(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + size) + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return "JaggedColumn(" + dtype + ", " + size + " rows of rank " + rank + ")";
    }
}
