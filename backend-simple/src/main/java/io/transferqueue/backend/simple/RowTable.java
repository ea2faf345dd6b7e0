package io.transferqueue.backend.simple;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The rows of one unit by global index: an open-addressing table with one writer (the holder of the unit's
 * lock) and lock-free readers on any thread.
 *
 * <p>Why not a {@code ConcurrentHashMap<Long, ...>}: a lookup there chases a node and a boxed key before it
 * reaches the row, and a zero-copy get is little more than lookups. Here consecutive global indexes of a
 * unit sit in consecutive slots (groups of 8 share cache lines; groups are spread by a hash), and a
 * lookup reads one {@code long} and one reference.
 *
 * <p>Publication: a slot's key goes from empty to one global index and never changes again (a deleted row
 * leaves its key behind), so probe chains only grow; the writer stores the row before the key (release), so
 * a reader that sees the key (acquire) sees a row no older than that. Growing builds a new table and
 * publishes it through a volatile field; a reader still on the old one sees the rows as they were.
 */
final class RowTable {
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle ROWS = MethodHandles.arrayElementVarHandle(StoredRow[].class);
    private static final long EMPTY = -1;
    private static final int MIN_CAPACITY = 64;

    private final int stride;
    private volatile Table table = new Table(MIN_CAPACITY);
    /** Writer only: slots with a key (live rows and deleted ones). */
    private int usedSlots;
    /** Writer only: slots with a row. */
    private int liveRows;

    /** @param stride the number of units: a unit holds every {@code stride}-th index, stored densely */
    RowTable(int stride) {
        this.stride = stride;
    }

    private static final class Table {
        final long[] keys;
        final StoredRow[] rows;
        final int mask;

        Table(int capacity) {
            keys = new long[capacity];
            Arrays.fill(keys, EMPTY);
            rows = new StoredRow[capacity];
            mask = capacity - 1;
        }
    }

    private int slot(long globalIndex) {
        long local = globalIndex / stride;
        long h = (local >>> 3) * 0x9E3779B97F4A7C15L;
        return (int) (((h ^ (h >>> 29)) << 3) | (local & 7));
    }

    /** The row of {@code globalIndex}, or null. Any thread. */
    StoredRow get(long globalIndex) {
        Table t = table;
        int mask = t.mask;
        int i = slot(globalIndex) & mask;
        for (int n = 0; n <= mask; n++) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k == globalIndex) {
                return (StoredRow) ROWS.getAcquire(t.rows, i);
            }
            if (k == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Stores or replaces the row of {@code globalIndex}. Writer only. */
    void put(long globalIndex, StoredRow row) {
        Table t = table;
        int i = find(t, globalIndex);
        if (t.keys[i] == globalIndex) {
            if (t.rows[i] == null) {
                liveRows++;
            }
            ROWS.setRelease(t.rows, i, row);
            return;
        }
        if ((usedSlots + 1) * 2 > t.keys.length) {
            t = grow();
            i = find(t, globalIndex);
        }
        ROWS.setRelease(t.rows, i, row);
        KEYS.setRelease(t.keys, i, globalIndex);
        usedSlots++;
        liveRows++;
    }

    /** Deletes the row of {@code globalIndex}, if any. Writer only. */
    void remove(long globalIndex) {
        Table t = table;
        int i = find(t, globalIndex);
        if (t.keys[i] == globalIndex && t.rows[i] != null) {
            ROWS.setRelease(t.rows, i, null);
            liveRows--;
        }
    }

    /** Deletes every row. Writer only. */
    void clear() {
        table = new Table(MIN_CAPACITY);
        usedSlots = 0;
        liveRows = 0;
    }

    /** The slot holding {@code globalIndex}, or the empty slot where it would go. */
    private int find(Table t, long globalIndex) {
        int i = slot(globalIndex) & t.mask;
        while (t.keys[i] != globalIndex && t.keys[i] != EMPTY) {
            i = (i + 1) & t.mask;
        }
        return i;
    }

    /** A table for the live rows with room to grow (deleted keys are dropped), published to readers. */
    private Table grow() {
        Table old = table;
        int capacity = MIN_CAPACITY;
        while (capacity < liveRows * 4L + 4) {
            capacity <<= 1;
        }
        Table t = new Table(capacity);
        for (int i = 0; i < old.keys.length; i++) {
            StoredRow r = old.rows[i];
            if (r != null) {
                int j = find(t, old.keys[i]);
                t.keys[j] = old.keys[i];
                t.rows[j] = r;
            }
        }
        usedSlots = liveRows;
        table = t;
        return t;
    }
}
