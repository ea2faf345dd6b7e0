package io.transferqueue.wire;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.meta.FieldSchema;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a {@link Batch} into an envelope (column structure inline, tensor bytes as payloads) and takes it
 * back out. Tensor bytes are never copied by either direction: encoding adds views of the column buffers
 * to the payload list, decoding wraps the received payload views. Stateless.
 */
public final class BatchCodec {
    /**
     * Most payloads an encoding may reach by sending columns as row frames: half of
     * {@link WireLimits#DEFAULT}'s frames, so a message stays well within what every receiver decodes. A column
     * whose rows would go past it is gathered into one payload instead.
     */
    public static final int ROW_FRAME_BUDGET = WireLimits.DEFAULT.maxFrames() / 2;

    private BatchCodec() {
    }

    /**
     * Describes {@code batch} and appends its tensor buffers to {@code payloads}.
     *
     * @return the envelope entry for the batch
     */
    public static Map<String, Object> encode(Batch batch, List<ByteBuffer> payloads) {
        return encode(batch, payloads, false);
    }

    /**
     * Describes {@code batch} and appends its tensor buffers to {@code payloads}.
     *
     * @param rowFrames send a row-chunked column ({@link DenseColumn#isRowChunked()}) as one payload per row,
     *     so nothing is copied and the receiver gets one buffer per row, while {@code payloads} stays within
     *     {@link #ROW_FRAME_BUDGET}; otherwise every tensor column is one payload (a row-chunked column is
     *     assembled into one buffer first)
     */
    public static Map<String, Object> encode(Batch batch, List<ByteBuffer> payloads, boolean rowFrames) {
        return encode(batch, payloads, rowFrames ? -1 : Long.MAX_VALUE);
    }

    /**
     * Describes {@code batch} and appends its tensor buffers to {@code payloads}: a row-chunked column of more
     * than {@code rowFramesAbove} bytes as one payload per row (nothing copied), every other tensor column as one
     * payload (a row-chunked one assembled into one buffer first). Senders use this to keep frames small enough
     * for the socket layer: writing one very large heap frame costs far more than writing its rows (see
     * {@code docs/DESIGN.md}), while many tiny frames cost more than gathering them.
     *
     * <p>Row frames are used only while {@code payloads} (counting what it already holds and one payload for each
     * tensor column still to come) stays within {@link #ROW_FRAME_BUDGET}; a column of more rows than that is
     * gathered, so every batch a message may carry can be sent.
     */
    public static Map<String, Object> encode(Batch batch, List<ByteBuffer> payloads, long rowFramesAbove) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", (long) batch.size());
        List<Object> fields = new ArrayList<>(batch.columns().size());
        int tensorsLeft = 0;
        for (Column c : batch.columns().values()) {
            tensorsLeft += c instanceof ObjectColumn ? 0 : 1;
        }
        for (Map.Entry<String, Column> e : batch.columns().entrySet()) {
            Column column = e.getValue();
            tensorsLeft -= column instanceof ObjectColumn ? 0 : 1;
            fields.add(encodeColumn(e.getKey(), column, payloads, rowFramesAbove, tensorsLeft));
        }
        m.put("fields", fields);
        return m;
    }

    /** @param laterPayloads payloads the columns after this one need at least (one per tensor column) */
    private static Map<String, Object> encodeColumn(String name, Column column, List<ByteBuffer> payloads,
            long rowFramesAbove, int laterPayloads) {
        Map<String, Object> f = SchemaCodec.encode(FieldSchema.of(column));
        f.put("name", name);
        boolean rowChunked = column instanceof DenseColumn d && d.isRowChunked()
                || column instanceof JaggedColumn j && j.isRowChunked();
        if (rowChunked && column.size() > 0 && column.byteSize() > rowFramesAbove
                && (long) payloads.size() + column.size() + laterPayloads <= ROW_FRAME_BUDGET) {
            f.put("rows", (long) payloads.size());
            for (int i = 0; i < column.size(); i++) {
                payloads.add(column instanceof DenseColumn dc ? dc.rowData(i) : ((JaggedColumn) column).rowData(i));
            }
        } else if (column instanceof DenseColumn d) {
            f.put("data", (long) payloads.size());
            payloads.add(d.data());
        } else if (column instanceof JaggedColumn j) {
            f.put("data", (long) payloads.size());
            payloads.add(j.values());
        } else {
            f.put("values", ((ObjectColumn) column).values());
        }
        return f;
    }

    /**
     * Rebuilds a batch; its tensor columns are views over {@code payloads}. Each payload backs at most one column
     * (the encoder never reuses an index): a message whose fields share payloads would make the receiver store
     * its bytes once per field, many times what was sent.
     *
     * @throws WireFormatException if anything is inconsistent (sizes, dtypes, indexes, names), or a payload index
     *     is used twice
     */
    public static Batch decode(Map<String, Object> m, List<ByteBuffer> payloads, WireLimits limits) {
        int size = Envelope.getInt(m, "size", 0, limits.maxRows());
        List<Object> fields = Envelope.getList(m, "fields");
        Batch.Builder b = Batch.builder();
        java.util.Set<String> names = new java.util.HashSet<>();
        BitSet used = new BitSet();
        for (Object o : fields) {
            Map<String, Object> f = Envelope.asMap(o, "batch field");
            String name = Envelope.getString(f, "name");
            if (name.isEmpty() || !names.add(name)) {
                throw new WireFormatException("batch field name '" + name + "' is empty or repeated");
            }
            b.add(name, decodeColumn(name, f, size, payloads, used));
        }
        Batch batch = b.build();
        if (fields.isEmpty()) {
            return Batch.ofSize(size);
        }
        return batch;
    }

    private static Column decodeColumn(String name, Map<String, Object> f, int size, List<ByteBuffer> payloads,
            BitSet used) {
        FieldSchema schema = SchemaCodec.decode(f, size);
        try {
            if (f.containsKey("rows") && schema.kind() != io.transferqueue.data.ColumnKind.OBJECT) {
                return decodeRows(name, f, size, schema, payloads, used);
            }
            switch (schema.kind()) {
                case DENSE: {
                    ByteBuffer data = payload(name, f, payloads, used);
                    long expected = (long) size * schema.rowByteSize(0);
                    if (data.remaining() != expected) {
                        throw new WireFormatException("field '" + name + "': dense payload has " + data.remaining()
                                + " bytes, " + size + " rows of " + schema + " need " + expected);
                    }
                    return DenseColumn.wrap(schema.dtype(), size, schema.rowShape(), data);
                }
                case JAGGED: {
                    ByteBuffer data = payload(name, f, payloads, used);
                    DType dt = schema.dtype();
                    return JaggedColumn.wrapFlat(dt, size, schema.rank(), schema.flatShapes(), data);
                }
                default: {
                    List<Object> values = Envelope.getList(f, "values");
                    if (values.size() != size) {
                        throw new WireFormatException("field '" + name + "': " + values.size() + " object values for "
                                + size + " rows");
                    }
                    return ObjectColumn.ofTrusted(new ArrayList<>(values));
                }
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new WireFormatException("field '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The column's one payload ({@code data}), claimed in {@code used}. */
    private static ByteBuffer payload(String name, Map<String, Object> f, List<ByteBuffer> payloads, BitSet used) {
        ByteBuffer data = Envelope.payload(f, "data", payloads);
        claim(name, Envelope.getInt(f, "data", 0, Integer.MAX_VALUE), 1, used);
        return data;
    }

    /** Marks payloads {@code [first, first + count)} used by field {@code name}; fails if another field used one. */
    private static void claim(String name, int first, int count, BitSet used) {
        int taken = used.nextSetBit(first);
        if (taken >= 0 && taken < first + count) {
            throw new WireFormatException("field '" + name + "': payload " + taken + " is already used by another "
                    + "field; every payload backs at most one field");
        }
        used.set(first, first + count);
    }

    /** A column sent as one payload per row (consecutive payloads from index {@code rows}). */
    private static Column decodeRows(String name, Map<String, Object> f, int size, FieldSchema schema,
            List<ByteBuffer> payloads, BitSet used) {
        int first = Envelope.getInt(f, "rows", 0, Integer.MAX_VALUE);
        if ((long) first + size > payloads.size()) {
            throw new WireFormatException("field '" + name + "': " + size + " row payloads from " + first
                    + " but the message has " + payloads.size());
        }
        claim(name, first, size, used);
        List<ByteBuffer> rows = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ByteBuffer r = payloads.get(first + i).duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (r.remaining() != schema.rowByteSize(i)) {
                throw new WireFormatException("field '" + name + "': row " + i + " payload has " + r.remaining()
                        + " bytes, its shape needs " + schema.rowByteSize(i));
            }
            rows.add(r);
        }
        if (schema.kind() == io.transferqueue.data.ColumnKind.DENSE) {
            return DenseColumn.ofRows(schema.dtype(), schema.rowShape(), rows);
        }
        return JaggedColumn.ofRows(schema.dtype(), schema.rank(), schema.flatShapes(), rows);
    }
}
