package io.transferqueue.controller;

import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.error.SchemaConflictException;
import io.transferqueue.meta.FieldSchema;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What the controller knows about one field of one partition (upstream's FieldColumnMeta): kind, dtype,
 * which rows have it produced, and the row shapes. While every produced row was put dense with one shape the
 * field costs O(1) (one shape); a row of another shape, or a jagged put, promotes it to per-row shapes; when
 * the rows that made it irregular are gone it is demoted back. Guarded by the partition lock.
 */
final class FieldState {
    final String name;
    private final boolean object;
    private final DType dtype;
    private final int rank;
    long[] produced;
    long producedCount;
    /** Shape of every produced row while the field is uniform; null in per-row mode or before any row. */
    private int[] uniformShape;
    /** Per-slot shapes (rank ints per slot) in per-row mode, else null. */
    private int[] dims;
    /** Slots whose row was put as jagged (per-row mode only). */
    private long[] jaggedPut;
    private int jaggedPutCount;
    /** How many produced rows have each shape (per-row mode only). */
    private Map<ShapeKey, Integer> shapeCounts;
    /** Per-slot backend meta, allocated on first use. */
    private Object[] backendMeta;

    private int capacity;

    private FieldState(String name, boolean object, DType dtype, int rank, int capacity) {
        this.capacity = capacity;
        this.name = name;
        this.object = object;
        this.dtype = dtype;
        this.rank = rank;
        this.produced = Bits.forCapacity(capacity);
    }

    static FieldState create(String name, FieldSchema schema, int capacity) {
        boolean obj = schema.kind() == ColumnKind.OBJECT;
        return new FieldState(name, obj, schema.dtype(), obj ? 0 : schema.rank(), capacity);
    }

    /**
     * Checks that {@code incoming} can be recorded for this field.
     *
     * @throws SchemaConflictException naming the field, the existing and the incoming type
     */
    void checkCompatible(String partition, FieldSchema incoming) {
        FieldSchema.checkCompatible(partition, name, object, dtype, rank, incoming, "");
    }

    boolean isObject() {
        return object;
    }

    DType dtype() {
        return dtype;
    }

    /** Records that slot {@code slot} holds row {@code row} of {@code incoming} (already checked compatible). */
    void produce(int slot, FieldSchema incoming, int row, Object meta) {
        boolean was = Bits.get(produced, slot);
        if (!object) {
            boolean jagged = incoming.kind() == ColumnKind.JAGGED;
            if (dims == null) {
                long others = producedCount - (was ? 1 : 0);
                if (!jagged && (others == 0 || Arrays.equals(uniformShape, incoming.rowShape()))) {
                    uniformShape = incoming.rowShape();
                } else {
                    promote();
                    if (was) {
                        forgetShape(slot);
                    }
                    addShape(slot, incoming, row, jagged);
                }
            } else {
                if (was) {
                    forgetShape(slot);
                }
                addShape(slot, incoming, row, jagged);
            }
        }
        if (!was) {
            Bits.set(produced, slot);
            producedCount++;
        }
        if (meta != null) {
            if (backendMeta == null) {
                backendMeta = new Object[capacity];
            }
            backendMeta[slot] = meta;
        } else if (backendMeta != null) {
            backendMeta[slot] = null;
        }
    }

    private void addShape(int slot, FieldSchema s, int row, boolean jagged) {
        int[] shape = s.rowShape(row);
        System.arraycopy(shape, 0, dims, slot * rank, rank);
        shapeCounts.merge(new ShapeKey(shape), 1, Integer::sum);
        if (jagged) {
            Bits.set(jaggedPut, slot);
            jaggedPutCount++;
        }
    }

    /** Removes slot's shape from the counts (it must be produced). */
    private void forgetShape(int slot) {
        if (dims == null) {
            return;
        }
        ShapeKey k = new ShapeKey(Arrays.copyOfRange(dims, slot * rank, (slot + 1) * rank));
        shapeCounts.computeIfPresent(k, (key, c) -> c == 1 ? null : c - 1);
        if (Bits.get(jaggedPut, slot)) {
            Bits.clear(jaggedPut, slot);
            jaggedPutCount--;
        }
    }

    private void promote() {
        dims = new int[capacity * rank];
        jaggedPut = Bits.forCapacity(capacity);
        shapeCounts = new HashMap<>();
        if (uniformShape != null && producedCount > 0) {
            for (int w = 0; w < produced.length; w++) {
                long bits = produced[w];
                while (bits != 0) {
                    int slot = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    System.arraycopy(uniformShape, 0, dims, slot * rank, rank);
                }
            }
            shapeCounts.put(new ShapeKey(uniformShape.clone()), (int) producedCount);
        }
        uniformShape = null;
    }

    /** Demotes to a single shape when every produced row is dense with one shape. */
    void maybeDemote() {
        if (dims != null && jaggedPutCount == 0 && shapeCounts.size() <= 1) {
            uniformShape = shapeCounts.isEmpty() ? null : shapeCounts.keySet().iterator().next().dims.clone();
            dims = null;
            jaggedPut = null;
            shapeCounts = null;
        }
    }

    /** True if the field is in per-row mode (for tests and statistics). */
    boolean isPerRow() {
        return dims != null;
    }

    /** Forgets slot (row released). */
    void release(int slot) {
        if (Bits.get(produced, slot)) {
            if (!object) {
                forgetShape(slot);
            }
            Bits.clear(produced, slot);
            producedCount--;
        }
        if (backendMeta != null) {
            backendMeta[slot] = null;
        }
    }

    Object backendMeta(int slot) {
        return backendMeta == null ? null : backendMeta[slot];
    }

    boolean hasBackendMeta() {
        return backendMeta != null;
    }

    /** Elements of the row at {@code slot}, or -1 if not produced or not a tensor. */
    int elementCount(int slot) {
        if (object || !Bits.get(produced, slot)) {
            return -1;
        }
        long n = 1;
        if (dims == null) {
            for (int d : uniformShape) {
                n *= d;
            }
        } else {
            for (int k = 0; k < rank; k++) {
                n *= dims[slot * rank + k];
            }
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /**
     * The schema of the rows at {@code slots} (in that order): dense if every one of them was put dense with
     * one shape, else jagged. Slots without the field produced get a zero shape.
     */
    FieldSchema schemaFor(int[] slots, int n) {
        if (object) {
            return FieldSchema.object();
        }
        if (dims == null) {
            return FieldSchema.dense(dtype, uniformShape == null ? new int[rank] : uniformShape);
        }
        boolean dense = true;
        int first = -1;
        for (int i = 0; i < n && dense; i++) {
            int s = slots[i];
            if (!Bits.get(produced, s) || Bits.get(jaggedPut, s)) {
                dense = false;
            } else if (first < 0) {
                first = s;
            } else if (!Arrays.equals(dims, first * rank, (first + 1) * rank, dims, s * rank, (s + 1) * rank)) {
                dense = false;
            }
        }
        if (dense && first >= 0) {
            return FieldSchema.dense(dtype, Arrays.copyOfRange(dims, first * rank, (first + 1) * rank));
        }
        int[] flat = new int[n * rank];
        for (int i = 0; i < n; i++) {
            int s = slots[i];
            if (Bits.get(produced, s)) {
                System.arraycopy(dims, s * rank, flat, i * rank, rank);
            }
        }
        return FieldSchema.jaggedFlat(dtype, rank, flat);
    }

    /** Moves state to a new slot layout (compaction or growth). */
    void remap(int[] map, int oldHigh, int newCapacity) {
        capacity = newCapacity;
        produced = Bits.remap(produced, map, oldHigh, newCapacity);
        if (dims != null) {
            int[] nd = new int[newCapacity * rank];
            for (int i = 0; i < oldHigh; i++) {
                if (map[i] >= 0) {
                    System.arraycopy(dims, i * rank, nd, map[i] * rank, rank);
                }
            }
            dims = nd;
            jaggedPut = Bits.remap(jaggedPut, map, oldHigh, newCapacity);
        }
        if (backendMeta != null) {
            Object[] nb = new Object[newCapacity];
            for (int i = 0; i < oldHigh; i++) {
                if (map[i] >= 0) {
                    nb[map[i]] = backendMeta[i];
                }
            }
            backendMeta = nb;
        }
    }

    long heapBytes() {
        long n = 8L * produced.length + 64;
        if (dims != null) {
            n += 4L * dims.length + 8L * jaggedPut.length + 48L * shapeCounts.size();
        }
        if (backendMeta != null) {
            n += 4L * backendMeta.length;
        }
        return n;
    }

    /** A shape as a hash key. */
    private record ShapeKey(int[] dims) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ShapeKey k && Arrays.equals(dims, k.dims);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(dims);
        }
    }
}
