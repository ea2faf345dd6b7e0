package io.transferqueue.meta;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Column;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.Shapes;
import io.transferqueue.error.SchemaConflictException;
import java.util.Arrays;
import java.util.List;

/**
 * What one field holds for a set of rows: its {@link ColumnKind}, dtype, and the row shapes. Dense
 * fields have one row shape whatever the row count (O(1) per field); jagged fields carry one shape per
 * row, aligned with the rows of the {@link BatchMeta} they belong to; object fields have neither.
 * Immutable.
 */
public final class FieldSchema {
    private static final FieldSchema OBJECT = new FieldSchema(ColumnKind.OBJECT, null, null, 0, null);

    private final ColumnKind kind;
    private final DType dtype;
    private final int[] rowShape;
    private final int rank;
    private final int[] dims;

    private FieldSchema(ColumnKind kind, DType dtype, int[] rowShape, int rank, int[] dims) {
        this.kind = kind;
        this.dtype = dtype;
        this.rowShape = rowShape;
        this.rank = rank;
        this.dims = dims;
    }

    /** Every row has {@code rowShape}. */
    public static FieldSchema dense(DType dtype, int[] rowShape) {
        requireNonNull(dtype, "dtype is null");
        return new FieldSchema(ColumnKind.DENSE, dtype, Shapes.checked(rowShape), rowShape.length, null);
    }

    /** One shape per row, all of one rank. */
    public static FieldSchema jagged(DType dtype, int[][] rowShapes) {
        requireNonNull(dtype, "dtype is null");
        requireNonNull(rowShapes, "rowShapes is null");
        int rank = rowShapes.length == 0 ? 1 : Shapes.checked(rowShapes[0]).length;
        if (rank < 1) {
            throw new IllegalArgumentException("jagged rows need rank >= 1");
        }
        int[] dims = new int[Math.multiplyExact(rowShapes.length, rank)];
        for (int i = 0; i < rowShapes.length; i++) {
            int[] row = Shapes.checked(rowShapes[i]);
            if (row.length != rank) {
                throw new IllegalArgumentException("row " + i + " has rank " + row.length + ", row 0 has " + rank);
            }
            System.arraycopy(row, 0, dims, i * rank, rank);
        }
        return new FieldSchema(ColumnKind.JAGGED, dtype, null, rank, dims);
    }

    /**
     * One shape per row given flat (row i is {@code flatDims[i*rank .. (i+1)*rank)}). Takes ownership of
     * {@code flatDims}.
     */
    public static FieldSchema jaggedFlat(DType dtype, int rank, int[] flatDims) {
        requireNonNull(dtype, "dtype is null");
        requireNonNull(flatDims, "flatDims is null");
        if (rank < 1 || flatDims.length % rank != 0) {
            throw new IllegalArgumentException(flatDims.length + " dimensions do not split into rows of rank " + rank);
        }
        for (int i = 0; i < flatDims.length; i += rank) {
            long n = 1;
            for (int k = i; k < i + rank; k++) {
                int d = flatDims[k];
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension " + d + " in row " + i / rank);
                }
                n *= d;
                if (n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("row " + i / rank + " has more than " + Integer.MAX_VALUE
                            + " elements");
                }
            }
        }
        return new FieldSchema(ColumnKind.JAGGED, dtype, null, rank, flatDims);
    }

    /** Safe values, no dtype or shape. */
    public static FieldSchema object() {
        return OBJECT;
    }

    /** The schema of a column's rows. */
    public static FieldSchema of(Column column) {
        if (column instanceof DenseColumn d) {
            return new FieldSchema(ColumnKind.DENSE, d.dtype(), d.rowShape(), d.rowShape().length, null);
        }
        if (column instanceof JaggedColumn j) {
            return new FieldSchema(ColumnKind.JAGGED, j.dtype(), null, j.rank(), j.flatShapes());
        }
        return OBJECT;
    }

    public ColumnKind kind() {
        return kind;
    }

    /**
     * The rule every batch of a field follows: rows described by {@code incoming} may join rows of a field that
     * holds objects ({@code existingObject}) or tensors of {@code existingDtype} and {@code existingRank} only if
     * kind (object or tensor), dtype and rank agree. Shapes within the rank may differ.
     *
     * @param consequence appended to the message, e.g. {@code "; nothing was written"}, or empty
     * @throws SchemaConflictException naming the field, the partition, the existing and the incoming type
     */
    public static void checkCompatible(String partition, String field, boolean existingObject, DType existingDtype,
            int existingRank, FieldSchema incoming, String consequence) {
        boolean obj = incoming.kind() == ColumnKind.OBJECT;
        if (obj != existingObject) {
            throw new SchemaConflictException("field '" + field + "' of partition '" + partition + "' holds "
                    + (existingObject ? "objects" : existingDtype + " tensors") + ", the new data is " + incoming
                    + "; all batches of a field must agree" + consequence);
        }
        if (!obj && incoming.dtype() != existingDtype) {
            throw new SchemaConflictException("dtype mismatch for field '" + field + "' of partition '" + partition
                    + "': existing " + existingDtype + ", incoming " + incoming.dtype()
                    + "; all batches of a field must have the same dtype" + consequence);
        }
        if (!obj && incoming.rank() != existingRank) {
            throw new SchemaConflictException("rank mismatch for field '" + field + "' of partition '" + partition
                    + "': existing rows have rank " + existingRank + ", incoming " + incoming.rank() + consequence);
        }
    }

    /** Element type, or {@code null} for object fields. */
    public DType dtype() {
        return dtype;
    }

    /** Rank of every row (0 for object fields). */
    public int rank() {
        return rank;
    }

    /**
     * The shape every row has (dense fields only).
     *
     * @throws IllegalStateException for jagged and object fields
     */
    public int[] rowShape() {
        if (kind != ColumnKind.DENSE) {
            throw new IllegalStateException("a " + kind + " field has no single row shape");
        }
        return rowShape.clone();
    }

    /**
     * Shape of row {@code row} (dense: the shared shape).
     *
     * @throws IllegalStateException for object fields
     */
    public int[] rowShape(int row) {
        switch (kind) {
            case DENSE:
                return rowShape.clone();
            case JAGGED:
                checkRow(row);
                return Arrays.copyOfRange(dims, row * rank, (row + 1) * rank);
            default:
                throw new IllegalStateException("an object field has no shape");
        }
    }

    /** Per-row shapes of a jagged field, flat (a copy); {@code null} for other kinds. */
    public int[] flatShapes() {
        return dims == null ? null : dims.clone();
    }

    /** Rows covered by a jagged schema; -1 for dense and object schemas, which fit any row count. */
    public int rowCount() {
        if (kind != ColumnKind.JAGGED) {
            return -1;
        }
        return dims.length / rank;
    }

    /** Elements in row {@code row}. */
    public int rowNumel(int row) {
        if (kind == ColumnKind.DENSE) {
            return Shapes.numel(rowShape);
        }
        if (kind == ColumnKind.JAGGED) {
            checkRow(row);
            long n = 1;
            for (int k = 0; k < rank; k++) {
                n *= dims[row * rank + k];
            }
            return Math.toIntExact(n);
        }
        throw new IllegalStateException("an object field has no element count");
    }

    /** Bytes of row {@code row} (tensor fields). */
    public int rowByteSize(int row) {
        return Math.multiplyExact(rowNumel(row), dtype.elementSize());
    }

    private void checkRow(int row) {
        if (row < 0 || row >= rowCount()) {
            throw new IndexOutOfBoundsException("row " + row + " out of range [0, " + rowCount() + ")");
        }
    }

    /** The schema of the rows at {@code positions} (dense and object schemas are returned as they are). */
    public FieldSchema selectRows(int[] positions) {
        if (kind != ColumnKind.JAGGED) {
            return this;
        }
        int[] out = new int[positions.length * rank];
        for (int j = 0; j < positions.length; j++) {
            checkRow(positions[j]);
            System.arraycopy(dims, positions[j] * rank, out, j * rank, rank);
        }
        return new FieldSchema(ColumnKind.JAGGED, dtype, null, rank, out);
    }

    /**
     * Rows {@code [from, to)}.
     *
     * @throws IndexOutOfBoundsException if the range is not within the rows of a jagged schema
     */
    public FieldSchema slice(int from, int to) {
        if (from < 0 || from > to || (kind == ColumnKind.JAGGED && to > rowCount())) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range [0, "
                    + (kind == ColumnKind.JAGGED ? rowCount() : "size") + ")");
        }
        if (kind != ColumnKind.JAGGED) {
            return this;
        }
        return new FieldSchema(ColumnKind.JAGGED, dtype, null, rank, Arrays.copyOfRange(dims, from * rank, to * rank));
    }

    /** This schema spelled out per row for {@code rows} rows (dense becomes jagged with repeated shapes). */
    public FieldSchema toJagged(int rows) {
        if (kind == ColumnKind.JAGGED) {
            return this;
        }
        if (kind == ColumnKind.OBJECT) {
            throw new IllegalStateException("an object field cannot be jagged");
        }
        int[] out = new int[rows * rank];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(rowShape, 0, out, i * rank, rank);
        }
        return new FieldSchema(ColumnKind.JAGGED, dtype, null, rank, out);
    }

    /**
     * The schema of consecutive row groups: dense parts of one shape stay dense, a mix of shapes or any
     * jagged part gives jagged, object parts stay object.
     *
     * @param sizes the row count of each part (needed to spell dense parts out)
     * @throws IllegalArgumentException on a dtype or kind conflict
     */
    public static FieldSchema concat(List<FieldSchema> parts, int[] sizes) {
        FieldSchema first = parts.get(0);
        boolean sameDense = first.kind == ColumnKind.DENSE;
        for (FieldSchema p : parts) {
            if ((p.kind == ColumnKind.OBJECT) != (first.kind == ColumnKind.OBJECT)) {
                throw new IllegalArgumentException("cannot combine an object field with a tensor field");
            }
            if (p.dtype != first.dtype) {
                throw new IllegalArgumentException("dtype mismatch: " + first.dtype + " vs " + p.dtype);
            }
            if (p.kind != ColumnKind.OBJECT && p.rank != first.rank) {
                throw new IllegalArgumentException("rank mismatch: " + first.rank + " vs " + p.rank);
            }
            if (p.kind != ColumnKind.DENSE || !Arrays.equals(p.rowShape, first.rowShape)) {
                sameDense = false;
            }
        }
        if (first.kind == ColumnKind.OBJECT || sameDense) {
            return first;
        }
        int total = 0;
        for (int s : sizes) {
            total += s;
        }
        int[] out = new int[total * first.rank];
        int row = 0;
        for (int i = 0; i < parts.size(); i++) {
            int[] d = parts.get(i).toJagged(sizes[i]).dims;
            System.arraycopy(d, 0, out, row * first.rank, d.length);
            row += sizes[i];
        }
        return new FieldSchema(ColumnKind.JAGGED, first.dtype, null, first.rank, out);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FieldSchema f)) {
            return false;
        }
        return kind == f.kind && dtype == f.dtype && rank == f.rank && Arrays.equals(rowShape, f.rowShape)
                && Arrays.equals(dims, f.dims);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + (dtype == null ? 0 : dtype.hashCode())) + Arrays.hashCode(rowShape)
                + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        switch (kind) {
            case DENSE:
                return "dense " + dtype + " " + Shapes.toString(rowShape);
            case JAGGED:
                return "jagged " + dtype + " rank " + rank + " (" + rowCount() + " rows)";
            default:
                return "object";
        }
    }
}
