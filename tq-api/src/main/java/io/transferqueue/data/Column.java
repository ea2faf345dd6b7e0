package io.transferqueue.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One field of a {@link Batch}: {@link #size()} rows of one {@link ColumnKind}.
 *
 * <p>Columns are immutable in structure. Tensor columns expose their bytes as views; whether those can
 * be written depends on the buffer the column was built over ({@link #isReadOnly()}). A column returned
 * by a default (copying) GET is independent and writable; a zero-copy GET returns read-only columns.
 */
public sealed interface Column permits DenseColumn, JaggedColumn, ObjectColumn {

    /** Number of rows. */
    int size();

    /** The layout. */
    ColumnKind kind();

    /** Element type, or {@code null} for object columns. */
    DType dtype();

    /** Payload bytes: tensor bytes, or an estimate of the object values ({@link ObjectValues#estimateSize}). */
    long byteSize();

    /** A new column of the rows at {@code positions} (duplicates and order kept). */
    Column rows(int... positions);

    /** Rows {@code [from, to)}; tensor columns share bytes with this one. */
    Column slice(int from, int to);

    /** True if the bytes cannot be written through this column (always true for object columns). */
    boolean isReadOnly();

    /** A view of this column whose bytes cannot be written. */
    Column asReadOnly();

    /** An independent, writable copy (object columns are immutable and return themselves). */
    Column copy();

    /**
     * Appends columns row-wise. Dense columns with one dtype and row shape stay dense; dense and jagged
     * columns of one dtype and rank become jagged; object columns stay objects. Parts without rows must
     * match in kind and dtype only: their row shape does not decide the result.
     *
     * @throws IllegalArgumentException on mixed tensor/object kinds, dtypes or ranks
     */
    static Column concat(List<? extends Column> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Column first = parts.get(0);
        if (first.kind() == ColumnKind.OBJECT) {
            List<Object> values = new ArrayList<>();
            for (Column c : parts) {
                if (!(c instanceof ObjectColumn o)) {
                    throw new IllegalArgumentException("cannot concatenate an object column with a " + c.kind()
                            + " column");
                }
                values.addAll(o.values());
            }
            return ObjectColumn.ofNormalized(values);
        }
        // Kinds and dtypes must agree for every part; shapes and ranks only matter for parts that have rows
        // (an empty part says nothing about the shape of rows it does not have).
        List<Column> nonEmpty = new ArrayList<>(parts.size());
        for (Column c : parts) {
            if (c.kind() == ColumnKind.OBJECT) {
                throw new IllegalArgumentException("cannot concatenate a " + first.kind() + " column with an "
                        + "object column");
            }
            if (c.dtype() != first.dtype()) {
                throw new IllegalArgumentException("dtype mismatch in concat: " + first.dtype() + " vs "
                        + c.dtype());
            }
            if (c.size() > 0) {
                nonEmpty.add(c);
            }
        }
        if (nonEmpty.isEmpty()) {
            return first;
        }
        if (nonEmpty.size() == 1) {
            return nonEmpty.get(0);
        }
        Column firstRows = nonEmpty.get(0);
        boolean allDense = true;
        for (Column c : nonEmpty) {
            if (!(c instanceof DenseColumn d) || !(firstRows instanceof DenseColumn f)
                    || !Arrays.equals(d.rowShape(), f.rowShape())) {
                allDense = false;
                break;
            }
        }
        if (allDense) {
            return DenseColumn.concatDense(nonEmpty);
        }
        return JaggedColumn.concatTensors(nonEmpty);
    }
}
