package io.transferqueue.backend.simple;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The cells of one global index at one generation: a shared {@link RowLayout} and one cell per field (see
 * {@link Cells}). Immutable: a put builds a new row (merging the fields of the row it replaces when the
 * generation is the same) and swaps it in, so a reader on another thread sees either the old row or the new
 * one, never a mix.
 */
final class StoredRow {
    private final int generation;
    private final RowLayout layout;
    private final Object[] cells;
    private final long bytes;

    StoredRow(int generation, RowLayout layout, Object[] cells) {
        this.generation = generation;
        this.layout = layout;
        this.cells = cells;
        long n = 0;
        for (Object c : cells) {
            n += Cells.byteSize(c);
        }
        this.bytes = n;
    }

    int generation() {
        return generation;
    }

    RowLayout layout() {
        return layout;
    }

    /** The cell of field {@code i} of the layout. */
    Object cell(int i) {
        return cells[i];
    }

    /** The cell of {@code field}, or null. */
    Object cell(String field) {
        int i = layout.indexOf(field);
        return i < 0 ? null : cells[i];
    }

    /** Payload bytes of all cells. */
    long bytes() {
        return bytes;
    }

    /**
     * This row with the cells of {@code update} (same generation) added or replaced. {@code merged} caches
     * merged layouts per old layout, so the rows of one put that had one layout keep sharing one.
     */
    StoredRow merge(RowLayout updateLayout, Object[] update, Map<RowLayout, Merge> merged) {
        for (int k = 0; k < update.length; k++) {
            update[k] = Cells.seal(update[k]);
        }
        Merge m = merged.computeIfAbsent(layout, old -> {
            int[] sources = new int[old.mergedSize(updateLayout)];
            return new Merge(old.mergedWith(updateLayout, sources), sources);
        });
        Object[] out = new Object[m.sources.length];
        for (int j = 0; j < out.length; j++) {
            int s = m.sources[j];
            out[j] = s >= 0 ? cells[s] : update[-1 - s];
        }
        return new StoredRow(generation, m.layout, out);
    }

    /**
     * This row without {@code fields}: the row itself if it has none of them, null if it has no others.
     * {@code reduced} caches reduced layouts per old layout (one cache per clear).
     */
    StoredRow without(Set<String> fields, Map<RowLayout, Merge> reduced) {
        Merge m = reduced.computeIfAbsent(layout, old -> {
            int[] keep = new int[old.size()];
            int n = 0;
            for (int i = 0; i < old.size(); i++) {
                if (!fields.contains(old.name(i))) {
                    keep[n++] = i;
                }
            }
            int[] sources = Arrays.copyOf(keep, n);
            return new Merge(n == old.size() ? old : old.select(sources), sources);
        });
        if (m.layout == layout) {
            return this;
        }
        if (m.sources.length == 0) {
            return null;
        }
        Object[] out = new Object[m.sources.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = cells[m.sources[j]];
        }
        return new StoredRow(generation, m.layout, out);
    }

    /** A merged layout and where each of its fields comes from. */
    record Merge(RowLayout layout, int[] sources) {
    }

    /** A cache for {@link #merge}, one per put. */
    static Map<RowLayout, Merge> mergeCache() {
        return new IdentityHashMap<>();
    }
}
