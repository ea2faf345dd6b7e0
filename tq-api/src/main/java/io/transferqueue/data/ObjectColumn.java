package io.transferqueue.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A column of safe values (see {@link ObjectValues}): strings, numbers, booleans, byte arrays, lists
 * and String-keyed maps, or null. Immutable: values are checked and normalized when the column is built
 * and anything else is rejected then, naming the field, the row and the type.
 */
public final class ObjectColumn implements Column {
    private final List<Object> values;

    private ObjectColumn(List<Object> values) {
        this.values = values;
    }

    /**
     * Checks and copies {@code values}.
     *
     * @throws IllegalArgumentException naming the row and the unsupported type
     */
    public static ObjectColumn of(List<?> values) {
        return of("object column", values);
    }

    /**
     * Checks and copies {@code values}; errors name {@code field}.
     *
     * @throws IllegalArgumentException naming the field, the row and the unsupported type
     */
    public static ObjectColumn of(String field, List<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        int i = 0;
        for (Object v : values) {
            out.add(ObjectValues.normalize(v, "field '" + field + "' row " + i));
            i++;
        }
        return new ObjectColumn(Collections.unmodifiableList(out));
    }

    /** Wraps values already normalized by {@link ObjectValues} (the wire decoder, concat). */
    static ObjectColumn ofNormalized(List<Object> values) {
        return new ObjectColumn(Collections.unmodifiableList(values));
    }

    /** Trusted construction for decoders in other packages: the values must come from {@link ObjectValues}. */
    public static ObjectColumn ofTrusted(List<Object> normalizedValues) {
        return ofNormalized(normalizedValues);
    }

    @Override
    public int size() {
        return values.size();
    }

    @Override
    public ColumnKind kind() {
        return ColumnKind.OBJECT;
    }

    @Override
    public DType dtype() {
        return null;
    }

    /**
     * Row {@code i}'s value. Lists and maps are unmodifiable; a {@code byte[]} is the column's own array: do not
     * write it ({@link #copy()} gives independent arrays).
     */
    public Object value(int i) {
        if (i < 0 || i >= values.size()) {
            throw new IndexOutOfBoundsException("row " + i + " out of range [0, " + values.size() + ")");
        }
        return values.get(i);
    }

    /** All values, unmodifiable. */
    public List<Object> values() {
        return values;
    }

    @Override
    public long byteSize() {
        long n = 0;
        for (Object v : values) {
            n += ObjectValues.estimateSize(v);
        }
        return n;
    }

    @Override
    public ObjectColumn rows(int... positions) {
        List<Object> out = new ArrayList<>(positions.length);
        for (int p : positions) {
            out.add(value(p));
        }
        return new ObjectColumn(Collections.unmodifiableList(out));
    }

    @Override
    public ObjectColumn slice(int from, int to) {
        if (from < 0 || to > values.size() || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range [0, " + values.size()
                    + ")");
        }
        return new ObjectColumn(values.subList(from, to));
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public ObjectColumn asReadOnly() {
        return this;
    }

    @Override
    public ObjectColumn copy() {
        List<Object> out = new ArrayList<>(values.size());
        boolean changed = false;
        for (Object v : values) {
            Object c = ObjectValues.normalize(v, "object column");
            changed |= c != v;
            out.add(c);
        }
        // lists, maps and scalars are immutable; only byte arrays need fresh copies to be independent
        return changed ? new ObjectColumn(Collections.unmodifiableList(out)) : this;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof ObjectColumn c && ObjectValues.deepEquals(values, c.values));
    }

    @Override
    public int hashCode() {
        return ObjectValues.deepHash(values);
    }

    @Override
    public String toString() {
        return "ObjectColumn(" + values.size() + " rows)";
    }
}
