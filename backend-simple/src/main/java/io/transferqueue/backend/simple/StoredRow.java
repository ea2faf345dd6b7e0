package io.transferqueue.backend.simple;

import java.util.HashMap;
import java.util.Map;

/**
 * The cells of one global index at one generation. Immutable: a put builds a new row (merging the fields of
 * the row it replaces when the generation is the same) and swaps it in, so a reader on another thread sees
 * either the old row or the new one, never a mix.
 */
final class StoredRow {
    private final int generation;
    private final Map<String, Cell> cells;
    private final long bytes;

    private StoredRow(int generation, Map<String, Cell> cells, long bytes) {
        this.generation = generation;
        this.cells = cells;
        this.bytes = bytes;
    }

    /** A row of {@code cells} (taken over, not copied). */
    static StoredRow of(int generation, Map<String, Cell> cells) {
        long n = 0;
        for (Cell c : cells.values()) {
            n += c.byteSize();
        }
        return new StoredRow(generation, cells, n);
    }

    /** This row with {@code update}'s cells added or replaced (same generation). */
    StoredRow merge(Map<String, Cell> update) {
        Map<String, Cell> m = new HashMap<>(cells);
        m.putAll(update);
        return of(generation, m);
    }

    int generation() {
        return generation;
    }

    /** The cell of {@code field}, or null. */
    Cell cell(String field) {
        return cells.get(field);
    }

    /** Payload bytes of all cells. */
    long bytes() {
        return bytes;
    }

    int fieldCount() {
        return cells.size();
    }
}
