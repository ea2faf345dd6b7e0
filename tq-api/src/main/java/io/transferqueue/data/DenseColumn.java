package io.transferqueue.data;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A column whose rows all have one shape: {@code size} rows of {@code rowShape}, stored back to back in
 * one little-endian buffer. A 1-d tensor {@code [B]} is a dense column of 0-d rows (it stays 1-d on
 * the way back).
 */
public final class DenseColumn implements Column {
    private final DType dtype;
    private final int[] rowShape;
    private final int size;
    private final int rowBytes;
    /** Contiguous bytes of all rows; for a column built from row buffers, assembled on first use. */
    private volatile ByteBuffer data;
    /** One buffer per row, or null for a contiguous column. */
    private final ByteBuffer[] rowBuffers;

    private DenseColumn(DType dtype, int size, int[] rowShape, int rowBytes, ByteBuffer data) {
        this.dtype = dtype;
        this.size = size;
        this.rowShape = rowShape;
        this.rowBytes = rowBytes;
        this.data = data;
        this.rowBuffers = null;
    }

    private DenseColumn(DType dtype, int[] rowShape, int rowBytes, ByteBuffer[] rowBuffers) {
        this.dtype = dtype;
        this.size = rowBuffers.length;
        this.rowShape = rowShape;
        this.rowBytes = rowBytes;
        this.rowBuffers = rowBuffers;
    }

    /**
     * A column over one buffer per row, without copying (the caller hands the buffers over). Row access is
     * O(1) and shares the buffers; {@link #data()} assembles a contiguous copy on first use. Storage backends
     * return such columns: read-only views of stored cells for zero-copy reads, fresh per-row copies
     * otherwise. The column is read-only if any row buffer is.
     *
     * @throws IllegalArgumentException if a buffer does not hold exactly one row
     */
    public static DenseColumn ofRows(DType dtype, int[] rowShape, List<ByteBuffer> rows) {
        requireNonNull(dtype, "dtype is null");
        int[] shape = Shapes.checked(rowShape);
        int rowBytes = Shapes.byteSize(dtype, shape);
        ByteBuffer[] views = new ByteBuffer[rows.size()];
        for (int i = 0; i < views.length; i++) {
            ByteBuffer r = rows.get(i);
            if (r.remaining() != rowBytes) {
                throw new IllegalArgumentException("row " + i + " has " + r.remaining() + " bytes, a row of shape "
                        + Shapes.toString(shape) + " and dtype " + dtype + " has " + rowBytes);
            }
            views[i] = Buffers.view(r);
        }
        return new DenseColumn(dtype, shape, rowBytes, views);
    }

    /** True if this column keeps one buffer per row (see {@link #ofRows}). */
    public boolean isRowChunked() {
        return rowBuffers != null;
    }

    private ByteBuffer contiguous() {
        ByteBuffer d = data;
        if (d == null) {
            synchronized (this) {
                d = data;
                if (d == null) {
                    ByteBuffer out = Buffers.allocate(Math.multiplyExact(rowBytes, size));
                    for (int i = 0; i < size; i++) {
                        out.put(i * rowBytes, rowBuffers[i], rowBuffers[i].position(), rowBytes);
                    }
                    d = isReadOnly() ? out.asReadOnlyBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN) : out;
                    data = d;
                }
            }
        }
        return d;
    }

    /**
     * Wraps {@code data} (its remaining bytes) without copying: the caller hands the buffer over and must
     * not change it while the column is in use.
     *
     * @throws IllegalArgumentException if the byte count is not {@code size × rowBytes}
     */
    public static DenseColumn wrap(DType dtype, int size, int[] rowShape, ByteBuffer data) {
        requireNonNull(dtype, "dtype is null");
        requireNonNull(data, "data is null");
        if (size < 0) {
            throw new IllegalArgumentException("negative column size " + size);
        }
        int[] shape = Shapes.checked(rowShape);
        int rowBytes = Shapes.byteSize(dtype, shape);
        long expected = (long) rowBytes * size;
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("dense column of " + size + " rows of shape " + Shapes.toString(shape)
                    + " and dtype " + dtype + " needs " + expected + " bytes, buffer has " + data.remaining());
        }
        return new DenseColumn(dtype, size, shape, rowBytes, Buffers.view(data));
    }

    /**
     * A column over a batched tensor {@code [B, ...]} (rows are {@code tensor[i]}); shares its bytes.
     *
     * @throws IllegalArgumentException for a 0-d tensor
     */
    public static DenseColumn of(Tensor batched) {
        if (batched.rank() == 0) {
            throw new IllegalArgumentException("a 0-d tensor has no batch dimension");
        }
        int[] shape = batched.shape();
        return wrap(batched.dtype(), shape[0], Shapes.tail(shape), batched.data());
    }

    /** Stacks equal-shaped tensors into a new column (copies). */
    public static DenseColumn stack(List<Tensor> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("cannot stack zero tensors: the dtype and shape are unknown");
        }
        Tensor first = rows.get(0);
        int rowBytes = first.byteSize();
        ByteBuffer out = Buffers.allocate(Math.multiplyExact(rowBytes, rows.size()));
        for (int i = 0; i < rows.size(); i++) {
            Tensor t = rows.get(i);
            if (t.dtype() != first.dtype() || !Arrays.equals(t.shape(), first.shape())) {
                throw new IllegalArgumentException("row " + i + " is " + t + ", row 0 is " + first
                        + "; use JaggedColumn for rows of different shapes");
            }
            Buffers.copyInto(t.data(), out, i * rowBytes);
        }
        return new DenseColumn(first.dtype(), rows.size(), first.shape(), rowBytes, out);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public ColumnKind kind() {
        return ColumnKind.DENSE;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    /** Shape of every row (a copy). */
    public int[] rowShape() {
        return rowShape.clone();
    }

    /** Bytes per row. */
    public int rowBytes() {
        return rowBytes;
    }

    @Override
    public long byteSize() {
        return (long) rowBytes * size;
    }

    /**
     * A view of all bytes (position 0, little-endian); writable only if this column is. For a row-chunked
     * column this is a contiguous copy assembled once (writes to it do not reach the row buffers).
     */
    public ByteBuffer data() {
        return Buffers.view(contiguous());
    }

    /** The whole column as one tensor {@code [size, ...rowShape]}, sharing bytes. */
    public Tensor tensor() {
        return Tensor.wrap(dtype, Shapes.prepend(size, rowShape), data());
    }

    /** Row {@code i} as a tensor view (shares bytes). */
    public Tensor row(int i) {
        return Tensor.wrap(dtype, rowShape, rowData(i));
    }

    /** A view of row {@code i}'s bytes. */
    public ByteBuffer rowData(int i) {
        checkRow(i);
        if (rowBuffers != null) {
            return Buffers.view(rowBuffers[i]);
        }
        return Buffers.view(data, i * rowBytes, rowBytes);
    }

    private void checkRow(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("row " + i + " out of range [0, " + size + ")");
        }
    }

    @Override
    public DenseColumn rows(int... positions) {
        ByteBuffer out = Buffers.allocate(Math.multiplyExact(rowBytes, positions.length));
        for (int j = 0; j < positions.length; j++) {
            int i = positions[j];
            checkRow(i);
            if (rowBuffers != null) {
                out.put(j * rowBytes, rowBuffers[i], rowBuffers[i].position(), rowBytes);
            } else {
                out.put(j * rowBytes, data, i * rowBytes, rowBytes);
            }
        }
        return new DenseColumn(dtype, positions.length, rowShape, rowBytes, out);
    }

    @Override
    public DenseColumn slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range [0, " + size + ")");
        }
        if (rowBuffers != null) {
            return new DenseColumn(dtype, rowShape, rowBytes, Arrays.copyOfRange(rowBuffers, from, to));
        }
        return new DenseColumn(dtype, to - from, rowShape, rowBytes,
                Buffers.view(data, from * rowBytes, (to - from) * rowBytes));
    }

    @Override
    public boolean isReadOnly() {
        if (rowBuffers != null) {
            return Buffers.anyReadOnly(rowBuffers);
        }
        return data.isReadOnly();
    }

    @Override
    public DenseColumn asReadOnly() {
        if (isReadOnly()) {
            return this;
        }
        if (rowBuffers != null) {
            ByteBuffer[] ro = Buffers.readOnlyViews(rowBuffers);
            return new DenseColumn(dtype, rowShape, rowBytes, ro);
        }
        return new DenseColumn(dtype, size, rowShape, rowBytes, Buffers.readOnlyView(data));
    }

    @Override
    public DenseColumn copy() {
        ByteBuffer out = Buffers.allocate(Math.multiplyExact(rowBytes, size));
        for (int i = 0; i < size; i++) {
            out.put(i * rowBytes, rowData(i), 0, rowBytes);
        }
        return new DenseColumn(dtype, size, rowShape, rowBytes, out);
    }

    /**
     * The same rows as a jagged column (copies the shapes, shares the bytes). Keeps the row rank even when
     * the column has no rows.
     *
     * @throws IllegalArgumentException for 0-d rows, which a jagged column cannot hold
     */
    public JaggedColumn toJagged() {
        int rank = rowShape.length;
        int[] dims = new int[Math.multiplyExact(size, rank)];
        for (int i = 0; i < size; i++) {
            System.arraycopy(rowShape, 0, dims, i * rank, rank);
        }
        return JaggedColumn.wrapFlat(dtype, size, rank, dims, data());
    }

    static DenseColumn concatDense(List<? extends Column> parts) {
        DenseColumn first = (DenseColumn) parts.get(0);
        long total = 0;
        int rows = 0;
        for (Column c : parts) {
            total += c.byteSize();
            rows += c.size();
        }
        ByteBuffer out = Buffers.allocate(Math.toIntExact(total));
        int off = 0;
        for (Column c : parts) {
            DenseColumn d = (DenseColumn) c;
            for (int i = 0; i < d.size; i++) {
                out.put(off, d.rowData(i), 0, d.rowBytes);
                off += d.rowBytes;
            }
        }
        return new DenseColumn(first.dtype, rows, first.rowShape, first.rowBytes, out);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DenseColumn c)) {
            return false;
        }
        if (dtype != c.dtype || size != c.size || !Arrays.equals(rowShape, c.rowShape)) {
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
        return 31 * (31 * dtype.hashCode() + size) + Arrays.hashCode(rowShape);
    }

    @Override
    public String toString() {
        return "DenseColumn(" + dtype + ", " + size + " × " + Shapes.toString(rowShape) + ")";
    }
}
