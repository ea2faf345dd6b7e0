package io.transferqueue.backend.simple;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Column;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.ObjectValues;
import io.transferqueue.data.Shapes;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.SchemaConflictException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.RoutingGroup;
import io.transferqueue.meta.RowHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One get: the fields the meta names with their schema, the stored rows it reads, and one output slot per
 * (field, row). Units fill disjoint slots (their own rows), possibly on different threads; {@link #build()} runs
 * after all of them.
 *
 * <p>Every row and field is found before a slot is allocated, so a request for rows or fields that are not
 * stored fails at once and costs no more memory than its own metadata; {@link #MAX_CELLS} bounds the slots of
 * a request whose rows repeat.
 */
final class ReadPlan {
    /**
     * Most cells (rows × fields) one get may ask for: 2^26, the most rows one wire message may carry, so a get of
     * one field of any batch a message can hold is allowed.
     */
    static final long MAX_CELLS = 1L << 26;

    private final BatchMeta meta;
    private final boolean zeroCopy;
    private final String[] names;
    private final FieldSchema[] schemas;
    private final DType[] dtypes;
    private final int[][] denseShapes;
    private final int[][] flatShapes;
    private final int[] ranks;
    private final ByteBuffer[][] tensors;
    private final Object[][] objects;
    /** The stored row of each batch position, found before any slot was allocated; null if no fields. */
    private final StoredRow[] found;

    /**
     * Finds every row of {@code meta} in {@code units} (routed by global index) with every field it names, then
     * allocates the output slots.
     *
     * @throws InvalidRequestException if the meta asks for more than {@link #MAX_CELLS} cells
     * @throws StaleHandleException if a unit holds a newer generation of a row
     * @throws DataNotFoundException naming global index, generation and field of a missing row or cell
     */
    ReadPlan(BatchMeta meta, boolean zeroCopy, StorageUnit[] units) {
        this.meta = meta;
        this.zeroCopy = zeroCopy;
        Map<String, FieldSchema> schema = meta.schema();
        int nf = schema.size();
        int n = meta.size();
        names = new String[nf];
        schemas = new FieldSchema[nf];
        dtypes = new DType[nf];
        denseShapes = new int[nf][];
        flatShapes = new int[nf][];
        ranks = new int[nf];
        tensors = new ByteBuffer[nf][];
        objects = new Object[nf][];
        int f = 0;
        for (Map.Entry<String, FieldSchema> e : schema.entrySet()) {
            FieldSchema s = e.getValue();
            names[f] = e.getKey();
            schemas[f] = s;
            dtypes[f] = s.dtype();
            ranks[f] = s.rank();
            f++;
        }
        if ((long) nf * n > MAX_CELLS) {
            throw new InvalidRequestException("a get of " + n + " rows and " + nf + " fields asks for " + (long) nf * n
                    + " cells, more than the " + MAX_CELLS + " one get of the simple backend may read; get fewer rows "
                    + "or fields at a time");
        }
        found = nf == 0 ? null : find(units);
        for (f = 0; f < nf; f++) {
            switch (schemas[f].kind()) {
                case DENSE:
                    denseShapes[f] = schemas[f].rowShape();
                    tensors[f] = new ByteBuffer[n];
                    break;
                case JAGGED:
                    flatShapes[f] = schemas[f].flatShapes();
                    tensors[f] = new ByteBuffer[n];
                    break;
                default:
                    objects[f] = new Object[n];
                    break;
            }
        }
    }

    /** The stored row of every batch position, checked to hold the generation and every field of the meta. */
    private StoredRow[] find(StorageUnit[] units) {
        StoredRow[] rows = new StoredRow[meta.size()];
        RowLayout checked = null;
        for (int pos = 0; pos < rows.length; pos++) {
            long gi = meta.globalIndex(pos);
            int gen = meta.generation(pos);
            StorageUnit unit = units[RoutingGroup.unitOf(gi, units.length)];
            StoredRow row = unit.row(meta.partition(pos), gi);
            if (row == null || row.generation() < gen) {
                throw notFound(meta.handle(pos), names[0], unit.index());
            }
            if (row.generation() > gen) {
                throw stale(meta.handle(pos), row.generation(), unit.index(), "nothing was read");
            }
            // rows of one put share a layout: check the fields once per run of rows with the same one
            if (row.layout() != checked) {
                for (String name : names) {
                    if (row.layout().indexOf(name) < 0) {
                        throw notFound(meta.handle(pos), name, unit.index());
                    }
                }
                checked = row.layout();
            }
            rows[pos] = row;
        }
        return rows;
    }

    boolean hasFields() {
        return names.length > 0;
    }

    /** Payload bytes this read moves, from the schema (object values counted at 64 bytes each). */
    long estimatedBytes() {
        long n = 0;
        int rows = meta.size();
        for (int f = 0; f < names.length; f++) {
            if (objects[f] != null) {
                n += 64L * rows;
            } else if (denseShapes[f] != null) {
                n += (long) rows * schemas[f].rowByteSize(0);
            } else {
                for (int i = 0; i < rows; i++) {
                    n += schemas[f].rowByteSize(i);
                }
            }
        }
        return n;
    }

    /**
     * Fills the slots of the rows at {@code positions} from the rows found when this plan was made (they hold
     * every field of the meta). Safe on any thread: rows are immutable; callers fill disjoint positions.
     *
     * @throws SchemaConflictException if a stored cell contradicts the schema of the meta
     */
    void readRows(int[] positions) {
        Cursor c = new Cursor();
        for (int pos : positions) {
            read(pos, c);
        }
    }

    /** {@link #readRows} of every position, in batch order (the read on the caller's thread). */
    void readAll() {
        Cursor c = new Cursor();
        for (int pos = 0; pos < found.length; pos++) {
            read(pos, c);
        }
    }

    /** Where each field of the meta sits in the last layout read: rows of one put share a layout. */
    private final class Cursor {
        RowLayout layout;
        final int[] index = new int[names.length];
    }

    private void read(int pos, Cursor c) {
        StoredRow row = found[pos];
        RowLayout layout = row.layout();
        if (layout != c.layout) {
            for (int f = 0; f < names.length; f++) {
                c.index[f] = layout.indexOf(names[f]);
            }
            c.layout = layout;
        }
        for (int f = 0; f < names.length; f++) {
            int i = c.index[f];
            fill(f, pos, layout, i, row.cell(i));
        }
    }

    private void fill(int f, int pos, RowLayout layout, int i, Object cell) {
        if (objects[f] != null) {
            if (!layout.isObject(i)) {
                throw conflict(f, pos, layout.describe(i, cell));
            }
            objects[f][pos] = detach(((Cells.Value) cell).value());
            return;
        }
        if (layout.isObject(i) || layout.dtype(i) != dtypes[f] || !shapeMatches(f, pos, layout, i, cell)) {
            throw conflict(f, pos, layout.describe(i, cell));
        }
        ByteBuffer stored = Cells.data(cell);
        // zero-copy: a view from the buffer's fields (the array itself is not touched); copy: a fresh exact-size
        // array by clone. (Arrays.copyOf skips the zero-fill in a micro-benchmark, but in tq bench it slowed the
        // zero-copy GET that follows 2-3x and did not speed up this one, so clone it is.)
        ByteBuffer b = zeroCopy ? stored.asReadOnlyBuffer() : ByteBuffer.wrap(stored.array().clone());
        tensors[f][pos] = b.order(ByteOrder.LITTLE_ENDIAN);
    }

    private boolean shapeMatches(int f, int pos, RowLayout layout, int i, Object cell) {
        if (denseShapes[f] != null) {
            return layout.shapeEquals(i, cell, denseShapes[f], 0, denseShapes[f].length);
        }
        int r = ranks[f];
        return layout.shapeEquals(i, cell, flatShapes[f], pos * r, r);
    }

    /**
     * An object value readers may own: strings, numbers and immutable containers are shared, but byte arrays
     * (which cannot be made read-only) are copied for every reader.
     */
    private static Object detach(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        return ObjectValues.normalize(v, "stored value");
    }

    /** The batch of the filled slots, fields in the meta's (sorted) order. */
    Batch build() {
        if (names.length == 0) {
            return Batch.ofSize(meta.size());
        }
        Map<String, Column> cols = new LinkedHashMap<>();
        for (int f = 0; f < names.length; f++) {
            switch (schemas[f].kind()) {
                case DENSE:
                    cols.put(names[f], DenseColumn.ofRows(dtypes[f], denseShapes[f], Arrays.asList(tensors[f])));
                    break;
                case JAGGED:
                    cols.put(names[f], JaggedColumn.ofRows(dtypes[f], ranks[f], flatShapes[f].clone(),
                            Arrays.asList(tensors[f])));
                    break;
                default:
                    cols.put(names[f], ObjectColumn.ofTrusted(Arrays.asList(objects[f])));
                    break;
            }
        }
        return Batch.of(cols);
    }

    private SchemaConflictException conflict(int f, int pos, String stored) {
        return new SchemaConflictException("row " + meta.handle(pos) + " field '" + names[f] + "': the metadata says "
                + schemas[f] + describeRow(f, pos) + " but the stored cell is " + stored
                + "; the metadata does not describe what was put");
    }

    private String describeRow(int f, int pos) {
        return schemas[f].kind() == ColumnKind.JAGGED ? " (row shape " + Shapes.toString(schemas[f].rowShape(pos)) + ")"
                : "";
    }

    static DataNotFoundException notFound(RowHandle h, String field, int unit) {
        return new DataNotFoundException("no data for global index " + h.globalIndex() + " generation "
                + h.generation() + " (row " + h + ") field '" + field + "' in storage unit " + unit
                + ": never written for this generation, or cleared");
    }

    static StaleHandleException stale(RowHandle h, int stored, int unit, String consequence) {
        return new StaleHandleException("stale handle " + h + ": storage unit " + unit + " holds generation " + stored
                + " of global index " + h.globalIndex() + ", so this row was cleared and its index reused after the "
                + "metadata was taken; " + consequence + ". Fetch fresh metadata.");
    }
}
