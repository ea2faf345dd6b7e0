package io.transferqueue.backend.simple;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.PutOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One put, checked on the caller's thread before any unit sees it: batch and meta agree in size, no global
 * index repeats, object values are safe (and deep-copied here, once). The tensor bytes are copied later, by
 * each unit on its own thread, for its rows only.
 */
final class PutRequest {
    private final BatchMeta meta;
    private final long[] globalIndexes;
    private final int[] generations;
    private final Field[] fields;
    private final boolean transferOwnership;
    private final Duration timeout;
    private final TreeMap<String, FieldSchema> schema;
    private final RowLayout layout;

    private PutRequest(BatchMeta meta, Field[] fields, PutOptions options, TreeMap<String, FieldSchema> schema) {
        this.meta = meta;
        this.globalIndexes = meta.globalIndexes();
        this.generations = meta.generations();
        this.fields = fields;
        this.transferOwnership = options.transferOwnership();
        this.timeout = options.timeout();
        this.schema = schema;
        int n = fields.length;
        String[] names = new String[n];
        DType[] dtypes = new DType[n];
        int[][] denseShapes = new int[n][];
        for (int f = 0; f < n; f++) {
            names[f] = fields[f].name;
            if (fields[f] instanceof DenseField d) {
                dtypes[f] = d.dtype;
                denseShapes[f] = d.rowShape;
            } else if (fields[f] instanceof JaggedField j) {
                dtypes[f] = j.dtype;
            }
        }
        this.layout = new RowLayout(names, dtypes, denseShapes);
    }

    /** The fields of this put, shared by every row it stores. */
    RowLayout layout() {
        return layout;
    }

    /**
     * Checks a put.
     *
     * @throws InvalidRequestException naming what is wrong; nothing has been stored
     */
    static PutRequest prepare(Batch batch, BatchMeta meta, PutOptions options) {
        TreeMap<String, FieldSchema> schema = new TreeMap<>();
        if (batch.fieldNames().isEmpty()) {
            return new PutRequest(meta, new Field[0], options, schema);
        }
        if (batch.size() != meta.size()) {
            throw new InvalidRequestException("put of a batch of " + batch.size() + " rows with metadata of "
                    + meta.size() + " rows; row i of the batch is stored for row i of the metadata, so both must "
                    + "have the same size");
        }
        checkDistinct(meta);
        Field[] fields = new Field[batch.fieldNames().size()];
        int f = 0;
        for (Map.Entry<String, Column> e : batch.columns().entrySet()) {
            fields[f++] = Field.of(e.getKey(), e.getValue());
            schema.put(e.getKey(), FieldSchema.of(e.getValue()));
        }
        return new PutRequest(meta, fields, options, schema);
    }

    /** Rejects a put that names one row (partition, global index) twice. */
    private static void checkDistinct(BatchMeta meta) {
        long[] sorted = meta.globalIndexes();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                // some index repeats: look closer (rare, so the slow way)
                Map<RowHandleKey, Integer> seen = new HashMap<>();
                for (int r = 0; r < meta.size(); r++) {
                    Integer prev = seen.putIfAbsent(new RowHandleKey(meta.partition(r), meta.globalIndex(r)), r);
                    if (prev != null) {
                        throw new InvalidRequestException("row " + meta.partition(r) + "/" + meta.globalIndex(r)
                                + " appears at positions " + prev + " and " + r + " of one put; a put writes each "
                                + "row once");
                    }
                }
                return;
            }
        }
    }

    private record RowHandleKey(String partition, long globalIndex) {
    }

    /** The schema written, one entry per field. */
    TreeMap<String, FieldSchema> schema() {
        return schema;
    }

    boolean hasFields() {
        return fields.length > 0;
    }

    long[] globalIndexes() {
        return globalIndexes;
    }

    long globalIndex(int pos) {
        return globalIndexes[pos];
    }

    String partition(int pos) {
        return meta.partition(pos);
    }

    int generation(int pos) {
        return generations[pos];
    }

    RowHandle handle(int pos) {
        return meta.handle(pos);
    }

    Duration timeout() {
        return timeout;
    }

    int fieldCount() {
        return fields.length;
    }

    String fieldName(int f) {
        return fields[f].name;
    }

    /** Payload bytes of the cell of field {@code f} at batch position {@code pos}. */
    long cellBytes(int f, int pos) {
        return fields[f].cellBytes(pos);
    }

    /**
     * The staged cell of field {@code f} at {@code pos} (see {@link Cells#seal}), owning its bytes: a fresh
     * exact-size copy, or with ownership transfer the caller's own array when the row is exactly one whole heap
     * array.
     */
    Object makeCell(int f, int pos, LongAdder copied, LongAdder adopted) {
        return fields[f].makeCell(pos, transferOwnership, copied, adopted);
    }

    /** One field of the batch, ready to be cut into cells. */
    private abstract static class Field {
        final String name;

        Field(String name) {
            this.name = name;
        }

        static Field of(String name, Column c) {
            if (c instanceof DenseColumn d) {
                return new DenseField(name, d);
            }
            if (c instanceof JaggedColumn j) {
                return new JaggedField(name, j);
            }
            return new ObjectField(name, (ObjectColumn) c);
        }

        abstract long cellBytes(int pos);

        abstract Object makeCell(int pos, boolean transfer, LongAdder copied, LongAdder adopted);
    }

    private static final class DenseField extends Field {
        private final DenseColumn column;
        private final DType dtype;
        private final int[] rowShape;

        DenseField(String name, DenseColumn column) {
            super(name);
            this.column = column;
            this.dtype = column.dtype();
            this.rowShape = column.rowShape();
        }

        @Override
        long cellBytes(int pos) {
            return column.rowBytes();
        }

        @Override
        Object makeCell(int pos, boolean transfer, LongAdder copied, LongAdder adopted) {
            return ownBytes(column.rowData(pos), transfer, copied, adopted);
        }
    }

    private static final class JaggedField extends Field {
        private final JaggedColumn column;
        private final DType dtype;
        private final int rank;
        private final int[] flatShapes;

        JaggedField(String name, JaggedColumn column) {
            super(name);
            this.column = column;
            this.dtype = column.dtype();
            this.rank = column.rank();
            this.flatShapes = column.flatShapes();
        }

        @Override
        long cellBytes(int pos) {
            return column.rowByteSize(pos);
        }

        @Override
        Object makeCell(int pos, boolean transfer, LongAdder copied, LongAdder adopted) {
            byte[] data = ownBytes(column.rowData(pos), transfer, copied, adopted);
            if (rank == 1) {
                return data;
            }
            return new Cells.Shaped(Arrays.copyOfRange(flatShapes, pos * rank, (pos + 1) * rank), Cells.wrap(data));
        }
    }

    private static final class ObjectField extends Field {
        private final Object[] values;
        private final long[] sizes;

        ObjectField(String name, ObjectColumn column) {
            super(name);
            int n = column.size();
            values = new Object[n];
            sizes = new long[n];
            for (int i = 0; i < n; i++) {
                // a deep copy: byte arrays the caller still holds must not become stored state
                values[i] = ObjectValues.normalize(column.value(i), "field '" + name + "' row " + i);
                sizes[i] = ObjectValues.estimateSize(values[i]);
            }
        }

        @Override
        long cellBytes(int pos) {
            return sizes[pos];
        }

        @Override
        Object makeCell(int pos, boolean transfer, LongAdder copied, LongAdder adopted) {
            return new Cells.Value(values[pos], sizes[pos]);
        }
    }

    /**
     * The bytes of one row as an array the store owns. Heap sources are copied with
     * {@link Arrays#copyOfRange} (the JIT skips zero-filling an array it fills by copy); direct or read-only
     * sources with one bulk get.
     */
    static byte[] ownBytes(ByteBuffer row, boolean transfer, LongAdder copied, LongAdder adopted) {
        int n = row.remaining();
        if (row.hasArray()) {
            byte[] a = row.array();
            int from = row.arrayOffset() + row.position();
            if (transfer && from == 0 && n == a.length) {
                // the row is exactly the caller's whole array: keeping it retains nothing else
                adopted.add(n);
                return a;
            }
            copied.add(n);
            return Arrays.copyOfRange(a, from, from + n);
        }
        copied.add(n);
        byte[] out = new byte[n];
        row.get(row.position(), out);
        return out;
    }
}
