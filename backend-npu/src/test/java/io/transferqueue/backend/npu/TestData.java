package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageManager;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small deterministic batches and the put/get plumbing the module's tests share. */
final class TestData {
    private TestData() {
    }

    /** {@code n} bytes determined by {@code salt}, in a heap buffer. */
    static ByteBuffer bytes(int n, int salt) {
        ByteBuffer b = Buffers.allocate(n);
        int x = 0x9E3779B9 * (salt + 1);
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345 + i;
            b.put(i, (byte) (x >>> 24));
        }
        return b;
    }

    /** A dense uint8 column of {@code rows} rows of {@code rowBytes} bytes. */
    static DenseColumn dense(int rows, int rowBytes, int salt) {
        return DenseColumn.wrap(DType.UINT8, rows, new int[] {rowBytes}, bytes(rows * rowBytes, salt));
    }

    /** A jagged int32 column with the given row lengths. */
    static JaggedColumn jagged(int salt, int... lengths) {
        int[][] shapes = new int[lengths.length][];
        int total = 0;
        for (int i = 0; i < lengths.length; i++) {
            shapes[i] = new int[] {lengths[i]};
            total += lengths[i];
        }
        return JaggedColumn.wrap(DType.INT32, shapes, bytes(total * 4, salt));
    }

    static BatchMeta rows(String partition, long firstGi, int count) {
        List<RowHandle> h = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            h.add(new RowHandle(partition, firstGi + i, 0));
        }
        return BatchMeta.of(h);
    }

    /** The meta a consumer would get after the put: schema, backend meta, ready. */
    static BatchMeta produced(BatchMeta rows, PutResult r) {
        BatchMeta m = rows.withSchema(r.schema(), true);
        for (Map.Entry<String, List<Object>> e : r.backendMeta().entrySet()) {
            m = m.withBackendMeta(e.getKey(), e.getValue());
        }
        return m;
    }

    static BatchMeta put(StorageManager m, Batch batch, BatchMeta rows) {
        return produced(rows, m.put(batch, rows, PutOptions.defaults()).join());
    }

    static Batch get(StorageManager m, BatchMeta meta) {
        return m.get(meta, ReadOptions.copy()).join();
    }

    /** Bytes of every cell equal (kinds and fields too). */
    static void assertSameCells(Batch actual, Batch expected) {
        assertThat(actual.fieldNames()).isEqualTo(expected.fieldNames());
        assertThat(actual.size()).isEqualTo(expected.size());
        for (String f : expected.fieldNames()) {
            Column a = actual.column(f);
            Column e = expected.column(f);
            assertThat(a.kind()).as("kind of %s", f).isEqualTo(e.kind());
            assertThat(a).as("field %s", f).isEqualTo(e);
        }
    }

    /** The cause of a failed future. */
    static Throwable failure(java.util.concurrent.CompletableFuture<?> f) {
        try {
            f.join();
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the operation to fail, it returned " + f.join());
    }
}
