package io.transferqueue.backend.npu;

import static java.util.Objects.requireNonNull;

import io.transferqueue.meta.FieldSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensor cells of a {@link io.transferqueue.meta.BatchMeta}, leased on the device: per field, one
 * {@link DeviceBuffer} per row, in the meta's row order (a row listed twice has two leases). The schema says
 * how to read each buffer (dtype, shape). Closing the batch closes every buffer; until then they hold device
 * memory. From {@link NpuStorageManager#getOnDevice}.
 */
public final class DeviceBatch implements AutoCloseable {
    private final int size;
    private final Map<String, FieldSchema> schema;
    private final Map<String, List<DeviceBuffer>> cells;

    DeviceBatch(int size, Map<String, FieldSchema> schema, Map<String, List<DeviceBuffer>> cells) {
        this.size = size;
        this.schema = Map.copyOf(schema);
        this.cells = Map.copyOf(cells);
    }

    /** Rows. */
    public int size() {
        return size;
    }

    public Set<String> fieldNames() {
        return cells.keySet();
    }

    /** The schema of {@code field} (dtype, kind, shapes). */
    public FieldSchema schema(String field) {
        return requireNonNull(schema.get(requireNonNull(field, "field is null")), "no field '" + field + "'");
    }

    /** One buffer per row of {@code field}. */
    public List<DeviceBuffer> field(String field) {
        List<DeviceBuffer> l = cells.get(requireNonNull(field, "field is null"));
        if (l == null) {
            throw new IllegalArgumentException("no field '" + field + "' in this device batch; fields: " + fieldNames());
        }
        return l;
    }

    /** The buffer of ({@code row}, {@code field}). */
    public DeviceBuffer cell(String field, int row) {
        return field(field).get(row);
    }

    /** Closes every buffer. Idempotent. */
    @Override
    public void close() {
        for (List<DeviceBuffer> l : cells.values()) {
            for (DeviceBuffer b : l) {
                b.close();
            }
        }
    }
}
