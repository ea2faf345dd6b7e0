package io.transferqueue.backend.simple;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Column;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.spi.StorageStats;
import io.transferqueue.wire.Envelope;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bodies of the storage-unit protocol ({@code UNIT_PUT}, {@code UNIT_GET}, {@code UNIT_CLEAR}, {@code UNIT_STATS}). */
final class UnitMessages {
    /**
     * A get answers a field column of at most this many bytes as one frame and a larger one as one frame per row:
     * few frames for small batches, no frame of hundreds of MB for large ones.
     */
    static final long GATHER_LIMIT = 1 << 20;

    private UnitMessages() {
    }

    static Map<String, Object> stats(StorageStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", s.rows());
        m.put("bytes", s.bytes());
        m.put("rowCapacity", s.rowCapacity());
        m.put("byteCapacity", s.byteCapacity());
        return m;
    }

    static StorageStats stats(Map<String, Object> m) {
        return new StorageStats(Envelope.getLong(m, "rows"), Envelope.getLong(m, "bytes"),
                Envelope.getLong(m, "rowCapacity"), Envelope.getLong(m, "byteCapacity"));
    }

    /**
     * The rows at {@code positions} as a batch whose tensor columns are views of the source rows (one buffer per
     * row, nothing copied), so they can be sent one frame per row.
     */
    static Batch rowViews(Batch batch, int[] positions) {
        Batch.Builder b = Batch.builder();
        for (Map.Entry<String, Column> e : batch.columns().entrySet()) {
            Column c = e.getValue();
            if (c instanceof DenseColumn d) {
                List<ByteBuffer> rows = new ArrayList<>(positions.length);
                for (int p : positions) {
                    rows.add(d.rowData(p));
                }
                b.add(e.getKey(), DenseColumn.ofRows(d.dtype(), d.rowShape(), rows));
            } else if (c instanceof JaggedColumn j) {
                List<ByteBuffer> rows = new ArrayList<>(positions.length);
                int rank = j.rank();
                int[] dims = new int[positions.length * rank];
                for (int k = 0; k < positions.length; k++) {
                    rows.add(j.rowData(positions[k]));
                    System.arraycopy(j.rowShape(positions[k]), 0, dims, k * rank, rank);
                }
                b.add(e.getKey(), JaggedColumn.ofRows(j.dtype(), rank, dims, rows));
            } else {
                b.add(e.getKey(), c.rows(positions));
            }
        }
        Batch out = b.build();
        return batch.fieldNames().isEmpty() ? Batch.ofSize(positions.length) : out;
    }

    /** Row buffers of one column of a unit's answer. */
    static ByteBuffer row(Column c, int k) {
        return c instanceof DenseColumn d ? d.rowData(k) : ((JaggedColumn) c).rowData(k);
    }

    static String describe(int[] positions) {
        return positions.length <= 8 ? Arrays.toString(positions) : positions.length + " rows";
    }
}
