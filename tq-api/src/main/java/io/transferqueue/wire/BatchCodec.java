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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a {@link Batch} into an envelope (column structure inline, tensor bytes as payloads) and takes it
 * back out. Tensor bytes are never copied by either direction: encoding adds views of the column buffers
 * to the payload list, decoding wraps the received payload views. Stateless.
 */
public final class BatchCodec {
    private BatchCodec() {
    }

    /**
     * Describes {@code batch} and appends its tensor buffers to {@code payloads}.
     *
     * @return the envelope entry for the batch
     */
    public static Map<String, Object> encode(Batch batch, List<ByteBuffer> payloads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", (long) batch.size());
        List<Object> fields = new ArrayList<>(batch.columns().size());
        batch.columns().forEach((name, column) -> fields.add(encodeColumn(name, column, payloads)));
        m.put("fields", fields);
        return m;
    }

    private static Map<String, Object> encodeColumn(String name, Column column, List<ByteBuffer> payloads) {
        Map<String, Object> f = SchemaCodec.encode(FieldSchema.of(column));
        f.put("name", name);
        if (column instanceof DenseColumn d) {
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
     * Rebuilds a batch; its tensor columns are views over {@code payloads}.
     *
     * @throws WireFormatException if anything is inconsistent (sizes, dtypes, indexes, names)
     */
    public static Batch decode(Map<String, Object> m, List<ByteBuffer> payloads, WireLimits limits) {
        int size = Envelope.getInt(m, "size", 0, limits.maxRows());
        List<Object> fields = Envelope.getList(m, "fields");
        Batch.Builder b = Batch.builder();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Object o : fields) {
            Map<String, Object> f = Envelope.asMap(o, "batch field");
            String name = Envelope.getString(f, "name");
            if (name.isEmpty() || !names.add(name)) {
                throw new WireFormatException("batch field name '" + name + "' is empty or repeated");
            }
            b.add(name, decodeColumn(name, f, size, payloads));
        }
        Batch batch = b.build();
        if (fields.isEmpty()) {
            return Batch.ofSize(size);
        }
        return batch;
    }

    private static Column decodeColumn(String name, Map<String, Object> f, int size, List<ByteBuffer> payloads) {
        FieldSchema schema = SchemaCodec.decode(f, size);
        try {
            switch (schema.kind()) {
                case DENSE: {
                    ByteBuffer data = Envelope.payload(f, "data", payloads);
                    long expected = (long) size * schema.rowByteSize(0);
                    if (data.remaining() != expected) {
                        throw new WireFormatException("field '" + name + "': dense payload has " + data.remaining()
                                + " bytes, " + size + " rows of " + schema + " need " + expected);
                    }
                    return DenseColumn.wrap(schema.dtype(), size, schema.rowShape(), data);
                }
                case JAGGED: {
                    ByteBuffer data = Envelope.payload(f, "data", payloads);
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
}
