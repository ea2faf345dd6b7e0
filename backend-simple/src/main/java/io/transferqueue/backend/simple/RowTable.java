package io.transferqueue.backend.simple;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The rows of one unit by (partition, global index): an open-addressing table with one writer (the holder
 * of the unit's lock) and lock-free readers on any thread.
 *
 * <p>Why not a {@code ConcurrentHashMap}: a lookup there chases a node and a boxed key before it reaches the
 * row, and a zero-copy get is little more than lookups. Here consecutive global indexes of one partition sit
 * in consecutive slots (groups of 8 share cache lines; groups are spread by a hash of the group and the
 * partition), and a lookup reads a {@code long}, the partition (one string per put, so it stays in cache)
 * and the row.
 *
 * <p>Publication: a slot's key goes from empty to one (partition, global index) and never changes again (a
 * deleted row leaves its key behind), so probe chains only grow; the writer stores row and partition before
 * the global index (release), so a reader that sees the index (acquire) sees them too. Growing builds a new
 * table and publishes it through a volatile field; a reader still on the old one sees the rows as they were.
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
        final String[] partitions;
        final StoredRow[] rows;
        final int mask;

        Table(int capacity) {
            keys = new long[capacity];
            Arrays.fill(keys, EMPTY);
            partitions = new String[capacity];
            rows = new StoredRow[capacity];
            mask = capacity - 1;
        }
    }

    private int slot(String partition, long globalIndex) {
        long local = globalIndex / stride;
        long h = ((local >>> 3) + ((long) partition.hashCode() << 32)) * 0x9E3779B97F4A7C15L;
        return (int) (((h ^ (h >>> 29)) << 3) | (local & 7));
    }

    private static boolean same(String a, String b) {
        return a == b || a.equals(b);
    }

    /** The row of ({@code partition}, {@code globalIndex}), or null. Any thread. */
    StoredRow get(String partition, long globalIndex) {
        Table t = table;
        int mask = t.mask;
        int i = slot(partition, globalIndex) & mask;
        for (int n = 0; n <= mask; n++) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k == EMPTY) {
                return null;
            }
            if (k == globalIndex && same(t.partitions[i], partition)) {
                return (StoredRow) ROWS.getAcquire(t.rows, i);
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Stores or replaces a row. Writer only. */
    void put(String partition, long globalIndex, StoredRow row) {
        Table t = table;
        int i = find(t, partition, globalIndex);
        if (t.keys[i] != EMPTY) {
            if (t.rows[i] == null) {
                liveRows++;
            }
            ROWS.setRelease(t.rows, i, row);
            return;
        }
        if ((usedSlots + 1) * 2 > t.keys.length) {
            t = grow();
            i = find(t, partition, globalIndex);
        }
        ROWS.setRelease(t.rows, i, row);
        t.partitions[i] = partition;
        KEYS.setRelease(t.keys, i, globalIndex);
        usedSlots++;
        liveRows++;
    }

    /** Deletes a row, if there is one. Writer only. */
    void remove(String partition, long globalIndex) {
        Table t = table;
        int i = find(t, partition, globalIndex);
        if (t.keys[i] != EMPTY && t.rows[i] != null) {
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

    /** The slot holding the key, or the empty slot where it would go. */
    private int find(Table t, String partition, long globalIndex) {
        int i = slot(partition, globalIndex) & t.mask;
        while (t.keys[i] != EMPTY && !(t.keys[i] == globalIndex && same(t.partitions[i], partition))) {
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
                int j = find(t, old.partitions[i], old.keys[i]);
                t.keys[j] = old.keys[i];
                t.partitions[j] = old.partitions[i];
                t.rows[j] = r;
            }
        }
        usedSlots = liveRows;
        table = t;
        return t;
    }
}
