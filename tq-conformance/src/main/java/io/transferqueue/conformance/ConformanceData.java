package io.transferqueue.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.ObjectValues;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.PutResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Deterministic test data and the batch comparison of the kit. Every byte of generated data depends on a
 * salt, so two cells built with different salts differ and a mix-up shows.
 */
final class ConformanceData {
    private ConformanceData() {
    }

    /** {@code numel} elements of {@code dtype} (bool: 0 or 1), little-endian, determined by {@code salt}. */
    static ByteBuffer pattern(DType dtype, int numel, int salt) {
        ByteBuffer b = Buffers.allocate(numel * dtype.elementSize());
        int x = 0x9E3779B9 * (salt + 1);
        for (int i = 0; i < b.capacity(); i++) {
            x = x * 1103515245 + 12345 + i;
            b.put(i, dtype == DType.BOOL ? (byte) ((x >>> 16) & 1) : (byte) (x >>> 16));
        }
        return b;
    }

    /** {@code rows} rows of {@code rowShape}. */
    static DenseColumn dense(DType dtype, int rows, int[] rowShape, int salt) {
        int numel = rows;
        for (int d : rowShape) {
            numel *= d;
        }
        return DenseColumn.wrap(dtype, rows, rowShape, pattern(dtype, numel, salt));
    }

    /** One row per shape. */
    static JaggedColumn jagged(DType dtype, int[][] rowShapes, int salt) {
        int numel = 0;
        for (int[] s : rowShapes) {
            int n = 1;
            for (int d : s) {
                n *= d;
            }
            numel += n;
        }
        return JaggedColumn.wrap(dtype, rowShapes, pattern(dtype, numel, salt));
    }

    /** Rows of rank 1 with the given lengths. */
    static JaggedColumn jagged(DType dtype, int salt, int... lengths) {
        int[][] shapes = new int[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            shapes[i] = new int[] {lengths[i]};
        }
        return jagged(dtype, shapes, salt);
    }

    /** Handles {@code firstGi .. firstGi+count-1} of one partition and generation. */
    static BatchMeta rows(String partition, long firstGi, int count, int generation) {
        List<RowHandle> h = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            h.add(new RowHandle(partition, firstGi + i, generation));
        }
        return BatchMeta.of(h);
    }

    /** What the controller records after a put: the rows, ready, with the result's schema and backend meta. */
    static BatchMeta produced(BatchMeta rows, PutResult result) {
        BatchMeta m = rows.withSchema(result.schema(), true);
        for (Map.Entry<String, List<Object>> e : result.backendMeta().entrySet()) {
            m = m.withBackendMeta(e.getKey(), e.getValue());
        }
        return m;
    }

    /** Fills every byte a tensor column exposes (each row, and the whole-column view) with {@code value}. */
    static void scribble(Column c, byte value) {
        if (c instanceof DenseColumn d) {
            for (int i = 0; i < d.size(); i++) {
                fill(d.rowData(i), value);
            }
            fill(d.data(), value);
        } else if (c instanceof JaggedColumn j) {
            for (int i = 0; i < j.size(); i++) {
                fill(j.rowData(i), value);
            }
            fill(j.values(), value);
        }
    }

    static void fill(ByteBuffer b, byte value) {
        for (int i = b.position(); i < b.limit(); i++) {
            b.put(i, value);
        }
    }

    /**
     * Asserts {@code actual} holds exactly {@code expected}: same rows, fields, kinds, dtypes, shapes and
     * bytes (object values deeply equal). Failures name the field, the row and the first differing byte.
     */
    static void assertSameBatch(Batch actual, Batch expected) {
        assertThat(actual).as("batch returned").isNotNull();
        assertThat(actual.size()).as("rows returned").isEqualTo(expected.size());
        assertThat(actual.fieldNames()).as("fields returned").containsExactlyInAnyOrderElementsOf(expected.fieldNames());
        for (String f : expected.fieldNames()) {
            Column a = actual.column(f);
            Column e = expected.column(f);
            assertThat(a.kind()).as("kind of field '%s' (a GET returns the kind the producer put)", f).isEqualTo(e.kind());
            assertThat(a.size()).as("rows of field '%s'", f).isEqualTo(e.size());
            assertThat(a.dtype()).as("dtype of field '%s'", f).isEqualTo(e.dtype());
            if (a instanceof DenseColumn ad) {
                DenseColumn ed = (DenseColumn) e;
                assertThat(ad.rowShape()).as("row shape of field '%s'", f).isEqualTo(ed.rowShape());
                for (int i = 0; i < ed.size(); i++) {
                    assertSameBytes(ad.rowData(i), ed.rowData(i), f, i);
                }
            } else if (a instanceof JaggedColumn aj) {
                JaggedColumn ej = (JaggedColumn) e;
                for (int i = 0; i < ej.size(); i++) {
                    assertThat(aj.rowShape(i)).as("shape of field '%s' row %d", f, i).isEqualTo(ej.rowShape(i));
                    assertSameBytes(aj.rowData(i), ej.rowData(i), f, i);
                }
            } else {
                ObjectColumn ao = (ObjectColumn) a;
                ObjectColumn eo = (ObjectColumn) e;
                for (int i = 0; i < eo.size(); i++) {
                    Object av = ao.value(i);
                    Object ev = eo.value(i);
                    if (!ObjectValues.deepEquals(av, ev)) {
                        fail("field '%s' row %d is %s, expected %s", f, i, show(av), show(ev));
                    }
                }
            }
        }
    }

    private static void assertSameBytes(ByteBuffer actual, ByteBuffer expected, String field, int row) {
        if (actual.remaining() != expected.remaining()) {
            fail("field '%s' row %d has %d bytes, expected %d", field, row, actual.remaining(), expected.remaining());
        }
        int at = actual.mismatch(expected);
        if (at >= 0) {
            fail("field '%s' row %d differs at byte %d of %d: 0x%02x, expected 0x%02x", field, row, at,
                    expected.remaining(), actual.get(actual.position() + at), expected.get(expected.position() + at));
        }
    }

    private static String show(Object v) {
        if (v instanceof byte[] b) {
            return "byte[]" + Arrays.toString(b);
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(x -> out.add(show(x)));
            return out.toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, x) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(show(x)));
            return sb.append('}').toString();
        }
        return v instanceof String s ? '"' + s + '"' : String.valueOf(v) + (v == null ? "" : " (" + v.getClass().getSimpleName() + ")");
    }
}
