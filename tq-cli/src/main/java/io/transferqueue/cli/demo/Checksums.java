package io.transferqueue.cli.demo;

import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Per-cell checksums: CRC32C of a row's bytes in one column, whatever the column's kind. */
final class Checksums {
    private Checksums() {
    }

    /** A view of row {@code i}'s bytes (object values: their text in UTF-8). */
    static ByteBuffer rowBytes(Column column, int i) {
        if (column instanceof DenseColumn d) {
            return d.rowData(i);
        }
        if (column instanceof JaggedColumn j) {
            return j.rowData(i);
        }
        return ByteBuffer.wrap(String.valueOf(((ObjectColumn) column).value(i)).getBytes(StandardCharsets.UTF_8));
    }

    /** CRC32C of row {@code i} of {@code column}. */
    static long of(Column column, int i) {
        return Buffers.checksum(rowBytes(column, i));
    }
}
