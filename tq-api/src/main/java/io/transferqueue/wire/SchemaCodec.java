package io.transferqueue.wire;

import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.Shapes;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.meta.FieldSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/** Envelope form of a {@link FieldSchema}: kind, dtype code, row shape or per-row shapes as int32 binary. */
public final class SchemaCodec {
    private static final int MAX_RANK = 32;

    private SchemaCodec() {
    }

    public static Map<String, Object> encode(FieldSchema s) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (s.kind()) {
            case DENSE:
                m.put("kind", "dense");
                m.put("dtype", (long) s.dtype().code());
                m.put("shape", Envelope.packInts(s.rowShape()));
                break;
            case JAGGED:
                m.put("kind", "jagged");
                m.put("dtype", (long) s.dtype().code());
                m.put("rank", (long) s.rank());
                m.put("dims", Envelope.packInts(s.flatShapes()));
                break;
            default:
                m.put("kind", "object");
                break;
        }
        return m;
    }

    /**
     * Decodes a schema for {@code rows} rows (jagged schemas must cover exactly that many).
     *
     * @throws WireFormatException on an unknown kind or dtype, a bad rank, or shapes that do not fit
     */
    public static FieldSchema decode(Map<String, Object> m, int rows) {
        String kind = Envelope.getString(m, "kind");
        switch (kind) {
            case "dense": {
                DType dt = dtype(m);
                int[] shape = Envelope.getInts(m, "shape", -1);
                if (shape.length > MAX_RANK) {
                    throw new WireFormatException("row shape of rank " + shape.length + " exceeds " + MAX_RANK);
                }
                try {
                    Shapes.byteSize(dt, shape);
                    return FieldSchema.dense(dt, shape);
                } catch (IllegalArgumentException e) {
                    throw new WireFormatException("bad dense shape: " + e.getMessage());
                }
            }
            case "jagged": {
                DType dt = dtype(m);
                int rank = Envelope.getInt(m, "rank", 1, MAX_RANK);
                int[] dims = Envelope.getInts(m, "dims", (long) rows * rank);
                try {
                    return FieldSchema.jaggedFlat(dt, rank, dims);
                } catch (IllegalArgumentException e) {
                    throw new WireFormatException("bad jagged shapes: " + e.getMessage());
                }
            }
            case "object":
                return FieldSchema.object();
            default:
                throw new WireFormatException("unknown field kind '" + kind + "'");
        }
    }

    private static DType dtype(Map<String, Object> m) {
        int code = Envelope.getInt(m, "dtype", 0, 255);
        try {
            return DType.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("unknown dtype code " + code);
        }
    }

    /** The kind name used on the wire. */
    public static String kindName(ColumnKind k) {
        return k.name().toLowerCase(java.util.Locale.ROOT);
    }
}
