package io.transferqueue.data;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ordered set of named fields (columns), all with the same number of rows {@code size}. Immutable in
 * structure; the bytes of tensor columns are shared by views (see {@link Column}).
 *
 * <p>Build one with {@link #builder()}: {@code Batch.builder().dense("input_ids", tensor).jagged("logp",
 * rows).objects("uid", uids).build()}.
 */
public final class Batch {
    private static final Batch EMPTY = new Batch(0, Map.of());

    private final int size;
    private final Map<String, Column> columns;

    private Batch(int size, Map<String, Column> columns) {
        this.size = size;
        this.columns = columns;
    }

    /** A batch of no rows and no fields. */
    public static Batch empty() {
        return EMPTY;
    }

    /**
     * A batch of the given columns, in map iteration order.
     *
     * @throws IllegalArgumentException if the columns differ in size, or a name is empty
     */
    public static Batch of(Map<String, ? extends Column> columns) {
        Builder b = builder();
        columns.forEach(b::add);
        return b.build();
    }

    /** A batch of {@code size} rows and no fields (e.g. for a put that only sets tags). */
    public static Batch ofSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative batch size " + size);
        }
        return size == 0 ? EMPTY : new Batch(size, Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of rows. */
    public int size() {
        return size;
    }

    /** True if the batch has no rows. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Field names in order. */
    public Set<String> fieldNames() {
        return columns.keySet();
    }

    /** Fields in order (unmodifiable). */
    public Map<String, Column> columns() {
        return columns;
    }

    /** True if the batch has field {@code name}. */
    public boolean has(String name) {
        return columns.containsKey(name);
    }

    /**
     * The column named {@code name}.
     *
     * @throws IllegalArgumentException naming the field and the fields there are
     */
    public Column column(String name) {
        Column c = columns.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown field '" + name + "'; the batch has " + columns.keySet());
        }
        return c;
    }

    /** Total payload bytes of all columns. */
    public long byteSize() {
        long n = 0;
        for (Column c : columns.values()) {
            n += c.byteSize();
        }
        return n;
    }

    /** A batch with only {@code names}, in the given order. */
    public Batch select(String... names) {
        return select(List.of(names));
    }

    /**
     * A batch with only {@code names}, in the given order.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public Batch select(Collection<String> names) {
        Map<String, Column> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, column(n));
        }
        return new Batch(size, Collections.unmodifiableMap(out));
    }

    /**
     * The rows at {@code positions}, duplicates and order kept (copies tensor bytes).
     *
     * @throws IndexOutOfBoundsException naming the position
     */
    public Batch rows(int... positions) {
        for (int p : positions) {
            if (p < 0 || p >= size) {
                throw new IndexOutOfBoundsException("row " + p + " out of range [0, " + size + ")");
            }
        }
        Map<String, Column> out = new LinkedHashMap<>();
        columns.forEach((n, c) -> out.put(n, c.rows(positions)));
        return new Batch(positions.length, Collections.unmodifiableMap(out));
    }

    /** Rows {@code [from, to)}, sharing tensor bytes with this batch. */
    public Batch slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range [0, " + size + ")");
        }
        Map<String, Column> out = new LinkedHashMap<>();
        columns.forEach((n, c) -> out.put(n, c.slice(from, to)));
        return new Batch(to - from, Collections.unmodifiableMap(out));
    }

    /**
     * Splits into {@code n} contiguous chunks: the first {@code size % n} chunks get one row more
     * (10 rows in 3 chunks: 4, 3, 3). With {@code n > size} the last chunks are empty. Chunks share bytes.
     */
    public List<Batch> chunk(int n) {
        int[] bounds = chunkBounds(size, n);
        List<Batch> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(slice(bounds[i], bounds[i + 1]));
        }
        return out;
    }

    /**
     * Boundaries of the balanced split used by every {@code chunk}: {@code n + 1} offsets, chunk i is
     * {@code [b[i], b[i+1])}.
     */
    public static int[] chunkBounds(int size, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("chunk count must be positive, got " + n);
        }
        int[] b = new int[n + 1];
        int base = size / n;
        int extra = size % n;
        for (int i = 0; i < n; i++) {
            b[i + 1] = b[i] + base + (i < extra ? 1 : 0);
        }
        return b;
    }

    /**
     * Appends batches row-wise. All must have the same field names (order taken from the first).
     *
     * @throws IllegalArgumentException on different field sets or incompatible columns
     */
    public static Batch concat(List<Batch> batches) {
        List<Batch> parts = new ArrayList<>();
        for (Batch b : batches) {
            if (b != null && b.size > 0) {
                parts.add(b);
            }
        }
        if (parts.isEmpty()) {
            return batches.isEmpty() || batches.get(0) == null ? EMPTY : batches.get(0);
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Batch first = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            if (!parts.get(i).columns.keySet().equals(first.columns.keySet())) {
                throw new IllegalArgumentException("field names differ in concat: " + first.columns.keySet() + " vs "
                        + parts.get(i).columns.keySet());
            }
        }
        Map<String, Column> out = new LinkedHashMap<>();
        int total = 0;
        for (Batch b : parts) {
            total += b.size;
        }
        for (String name : first.columns.keySet()) {
            List<Column> cols = new ArrayList<>(parts.size());
            for (Batch b : parts) {
                cols.add(b.columns.get(name));
            }
            try {
                out.put(name, Column.concat(cols));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("field '" + name + "': " + e.getMessage(), e);
            }
        }
        return new Batch(total, Collections.unmodifiableMap(out));
    }

    /**
     * This batch plus the fields of {@code other} ({@code other} wins on a name clash). A batch of no rows
     * and no fields merges as the identity.
     *
     * @throws IllegalArgumentException if both have rows or fields and their sizes differ
     */
    public Batch merge(Batch other) {
        requireNonNull(other, "other is null");
        if (other.size == 0 && other.columns.isEmpty()) {
            return this;
        }
        if (size == 0 && columns.isEmpty()) {
            return other;
        }
        if (other.size != size) {
            throw new IllegalArgumentException("cannot merge a batch of " + other.size + " rows into one of " + size);
        }
        Builder b = builder();
        columns.forEach(b::add);
        other.columns.forEach(b::put);
        Batch merged = b.build();
        return merged.columns.isEmpty() ? ofSize(size) : merged;
    }

    /** A batch whose tensor bytes cannot be written. */
    public Batch asReadOnly() {
        Map<String, Column> out = new LinkedHashMap<>();
        columns.forEach((n, c) -> out.put(n, c.asReadOnly()));
        return new Batch(size, Collections.unmodifiableMap(out));
    }

    /** An independent, writable copy. */
    public Batch copy() {
        Map<String, Column> out = new LinkedHashMap<>();
        columns.forEach((n, c) -> out.put(n, c.copy()));
        return new Batch(size, Collections.unmodifiableMap(out));
    }

    /** Equal field names (in any order) and equal columns. */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Batch b && size == b.size && columns.equals(b.columns));
    }

    @Override
    public int hashCode() {
        return 31 * size + columns.hashCode();
    }

    @Override
    public String toString() {
        return "Batch(" + size + " rows, " + columns + ")";
    }

    /** Collects columns; the first column sets the size, every other must match. */
    public static final class Builder {
        private final Map<String, Column> columns = new LinkedHashMap<>();
        private int size = -1;

        private Builder() {
        }

        /**
         * Adds a column.
         *
         * @throws IllegalArgumentException for a duplicate or empty name, or a size that differs
         */
        public Builder add(String name, Column column) {
            if (columns.containsKey(name)) {
                throw new IllegalArgumentException("duplicate field '" + name + "'");
            }
            return put(name, column);
        }

        Builder put(String name, Column column) {
            requireNonNull(name, "name is null");
            requireNonNull(column, "column is null");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("field name is empty");
            }
            if (size >= 0 && column.size() != size) {
                throw new IllegalArgumentException("inconsistent batch size for field '" + name + "': " + column.size()
                        + " rows, earlier fields have " + size);
            }
            size = column.size();
            columns.put(name, column);
            return this;
        }

        /** Adds a batched tensor {@code [B, ...]} as a dense column (shares its bytes). */
        public Builder dense(String name, Tensor batched) {
            return add(name, DenseColumn.of(batched));
        }

        /** Adds per-row tensors of varying shape as a jagged column (copies). */
        public Builder jagged(String name, List<Tensor> rows) {
            return add(name, JaggedColumn.of(rows));
        }

        /** Adds safe values as an object column (checked and copied). */
        public Builder objects(String name, List<?> values) {
            return add(name, ObjectColumn.of(name, values));
        }

        public Batch build() {
            if (size <= 0 && columns.isEmpty()) {
                return EMPTY;
            }
            return new Batch(size, Collections.unmodifiableMap(new LinkedHashMap<>(columns)));
        }
    }
}
