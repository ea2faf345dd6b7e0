package io.transferqueue.testing;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.Shapes;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.RowHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded generators of batches, metas and safe values for tests. Everything depends only on the
 * {@link Random} passed in, so a failing seed reproduces.
 */
public final class RandomData {
    private static final String[] WORDS = {"", "a", "uid", "héllo", "日本語", "emoji 😀", "tab\tnew\nline", "\u0000nul",
        "long-" + "x".repeat(300)};

    private RandomData() {
    }

    /** A buffer of {@code n} random bytes. */
    public static ByteBuffer bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return Buffers.view(ByteBuffer.wrap(b));
    }

    /** A random shape of the given rank, each dimension in {@code [0, maxDim]}. */
    public static int[] shape(Random r, int rank, int maxDim) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = r.nextInt(maxDim + 1);
        }
        return s;
    }

    public static DType dtype(Random r) {
        DType[] all = DType.values();
        return all[r.nextInt(all.length)];
    }

    public static DenseColumn dense(Random r, int rows, DType dt, int[] rowShape) {
        int bytes = Math.multiplyExact(rows, Shapes.byteSize(dt, rowShape));
        return DenseColumn.wrap(dt, rows, rowShape, bytes(r, bytes));
    }

    /** A jagged column of the given rank; about a quarter of the rows are empty. */
    public static JaggedColumn jagged(Random r, int rows, DType dt, int rank) {
        int[][] shapes = new int[rows][];
        long total = 0;
        for (int i = 0; i < rows; i++) {
            shapes[i] = shape(r, rank, 5);
            if (r.nextInt(4) == 0) {
                shapes[i][r.nextInt(rank)] = 0;
            }
            total += Shapes.byteSize(dt, shapes[i]);
        }
        return JaggedColumn.wrap(dt, shapes, bytes(r, Math.toIntExact(total)));
    }

    public static ObjectColumn objects(Random r, int rows) {
        List<Object> values = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            values.add(value(r, 0, 3));
        }
        return ObjectColumn.of(values);
    }

    /** A random safe value, nested at most {@code maxDepth} containers deep. */
    public static Object value(Random r, int depth, int maxDepth) {
        int kind = r.nextInt(depth >= maxDepth ? 7 : 9);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return r.nextBoolean();
            case 2:
                return r.nextInt(4) == 0 ? (r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) : r.nextLong();
            case 3:
                return r.nextInt(5) == 0 ? Double.NaN : r.nextGaussian() * 1e6;
            case 4:
            case 5:
                return WORDS[r.nextInt(WORDS.length)] + r.nextInt(100);
            case 6: {
                byte[] b = new byte[r.nextInt(6)];
                r.nextBytes(b);
                return b;
            }
            case 7: {
                int n = r.nextInt(4);
                List<Object> l = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    l.add(value(r, depth + 1, maxDepth));
                }
                return l;
            }
            default: {
                int n = r.nextInt(4);
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    m.put(WORDS[r.nextInt(WORDS.length)] + i, value(r, depth + 1, maxDepth));
                }
                return m;
            }
        }
    }

    /** A random map of safe values whose keys start with {@code prefix}. */
    public static Map<String, Object> map(Random r, String prefix, int maxEntries) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = r.nextInt(maxEntries + 1);
        for (int i = 0; i < n; i++) {
            m.put(prefix + i, value(r, 0, 2));
        }
        return m;
    }

    /** A random column of any kind with {@code rows} rows. */
    public static Column column(Random r, int rows) {
        switch (r.nextInt(3)) {
            case 0:
                return dense(r, rows, dtype(r), shape(r, r.nextInt(4), 4));
            case 1:
                return jagged(r, rows, dtype(r), 1 + r.nextInt(3));
            default:
                return objects(r, rows);
        }
    }

    /** A random batch of up to {@code maxFields} fields of every kind. */
    public static Batch batch(Random r, int rows, int maxFields) {
        Batch.Builder b = Batch.builder();
        int fields = r.nextInt(maxFields + 1);
        for (int f = 0; f < fields; f++) {
            b.add("f" + f, column(r, rows));
        }
        Batch batch = b.build();
        return fields == 0 ? Batch.ofSize(rows) : batch;
    }

    /** Random handles over 1 to 3 partitions (distinct global indexes per partition). */
    public static List<RowHandle> handles(Random r, int rows) {
        int parts = 1 + r.nextInt(3);
        List<RowHandle> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            out.add(new RowHandle("p" + r.nextInt(parts), i * 7L + r.nextInt(7), r.nextInt(4)));
        }
        return out;
    }

    /** A random schema for {@code rows} rows. */
    public static FieldSchema schema(Random r, int rows) {
        switch (r.nextInt(3)) {
            case 0:
                return FieldSchema.dense(dtype(r), shape(r, r.nextInt(4), 9));
            case 1: {
                int rank = 1 + r.nextInt(3);
                int[][] shapes = new int[rows][];
                for (int i = 0; i < rows; i++) {
                    shapes[i] = shape(r, rank, 9);
                }
                return FieldSchema.jagged(dtype(r), shapes);
            }
            default:
                return FieldSchema.object();
        }
    }

    /**
     * A random meta over {@code handles}: fields named {@code fieldPrefix + k}, tag keys and extra info keys
     * starting with {@code keyPrefix}, backend meta on some fields.
     */
    public static BatchMeta meta(Random r, List<RowHandle> handles, String fieldPrefix, String keyPrefix) {
        int n = handles.size();
        BatchMeta.Builder b = BatchMeta.builder().handles(handles);
        int fields = r.nextInt(4);
        for (int f = 0; f < fields; f++) {
            String name = fieldPrefix + f;
            b.field(name, schema(r, n));
            if (r.nextInt(3) == 0) {
                List<Object> perRow = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    perRow.add(r.nextInt(3) == 0 ? null : Map.of("key", keyPrefix + i, "n", (long) r.nextInt(100)));
                }
                b.backendMeta(name, perRow);
            }
        }
        boolean[] ready = new boolean[n];
        for (int i = 0; i < n; i++) {
            ready[i] = r.nextInt(4) != 0;
        }
        b.ready(ready);
        if (r.nextBoolean()) {
            List<Map<String, Object>> tags = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tags.add(r.nextInt(4) == 0 ? null : map(r, keyPrefix, 3));
            }
            b.tags(tags);
        }
        if (r.nextBoolean()) {
            b.extraInfo(map(r, keyPrefix, 3));
        }
        return b.build();
    }

    /** A random meta of {@code rows} rows. */
    public static BatchMeta meta(Random r, int rows) {
        return meta(r, handles(r, rows), "f", "k");
    }

    /**
     * A deterministic, complete rendering of a meta (every handle, schema, flag, tag, backend entry and extra
     * info value, byte arrays by content): two renderings are equal exactly when nothing observable differs.
     * Used as a deep snapshot to prove operations do not change their inputs.
     */
    public static String render(BatchMeta m) {
        StringBuilder sb = new StringBuilder();
        sb.append("size=").append(m.size()).append('\n');
        for (int i = 0; i < m.size(); i++) {
            sb.append(m.handle(i)).append(" ready=").append(m.isReady(i)).append(" tags=")
                    .append(renderValue(m.tags(i))).append('\n');
        }
        m.schema().forEach((f, s) -> {
            sb.append("field ").append(f).append(' ').append(s.kind()).append(' ').append(s.dtype()).append(" rank ")
                    .append(s.rank());
            if (s.kind() == io.transferqueue.data.ColumnKind.DENSE) {
                sb.append(" shape ").append(Arrays.toString(s.rowShape()));
            } else {
                sb.append(" dims ").append(Arrays.toString(s.flatShapes()));
            }
            sb.append('\n');
        });
        for (String f : m.backendMetaFields()) {
            sb.append("backend ").append(f).append(' ').append(renderValue(m.backendMetaColumn(f))).append('\n');
        }
        sb.append("extra ").append(renderValue(m.extraInfo()));
        return sb.toString();
    }

    /** Renders a safe value deeply (byte arrays by content, map entries sorted by key). */
    public static String renderValue(Object v) {
        if (v instanceof byte[] b) {
            return "bytes" + Arrays.toString(b);
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object e : l) {
                sb.append(renderValue(e)).append(',');
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            new java.util.TreeMap<Object, Object>(m).forEach((k, e) -> sb.append(k).append('=').append(renderValue(e))
                    .append(','));
            return sb.append('}').toString();
        }
        return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
    }
}
