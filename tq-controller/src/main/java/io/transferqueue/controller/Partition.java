package io.transferqueue.controller;

import io.transferqueue.meta.FieldSchema;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * State of one partition. Rows live in slots kept in insertion order (a row's slot only moves down when
 * freed slots are compacted away), so scans return rows oldest first and memory stays proportional to the
 * live rows, never to the largest global index. Every field and task keeps one bit per slot. Guarded by the
 * lock of the partition's holder.
 */
final class Partition {
    private static final int MIN_CAPACITY = 64;

    final String name;
    final long createdAtMillis;
    int capacity;
    /** Slots in use so far ({@code [0, highWater)} hold live or freed rows). */
    int highWater;
    /** Live rows (allocated or clearing). */
    int live;
    /** Next row id (sequence), never reused while the partition exists; also the count of rows ever inserted. */
    long nextSeq;
    long[] seq;
    int[] gi;
    int[] gen;
    long[] liveBits;
    long[] clearingBits;
    /** Per-slot tags ({@code Map<String,Object>}), allocated on first use. */
    Object[] tags;
    /** Per-slot KV key (bound or pending), allocated on first use. */
    String[] keys;
    final IntIntMap slotOfGi = new IntIntMap(MIN_CAPACITY);
    final Map<String, FieldState> fields = new LinkedHashMap<>();
    final Map<String, long[]> consumed = new LinkedHashMap<>();
    final Map<String, Long> consumedCount = new HashMap<>();
    /** Per task, the first bit-set word a ready scan must look at (see {@link ReadyView}). */
    final Map<String, Integer> scanHint = new HashMap<>();
    /** Bound KV keys → global index. */
    final Map<String, Integer> keyToGi = new HashMap<>();
    /** KV keys reserved by an in-flight put, not yet visible → global index. */
    final Map<String, Integer> pendingKeys = new HashMap<>();
    boolean complete;
    long expectedRows = -1;
    /** Bumped whenever consumption is reset, so a give-back prepared before a reset is not applied after it. */
    long consumptionResets;

    /** True once no more rows will be inserted: marked complete, or the expected row count was inserted. */
    boolean isComplete() {
        return complete || (expectedRows >= 0 && nextSeq >= expectedRows);
    }

    Partition(String name) {
        this.name = name;
        this.createdAtMillis = System.currentTimeMillis();
        allocateArrays(MIN_CAPACITY);
    }

    private void allocateArrays(int cap) {
        capacity = cap;
        seq = new long[cap];
        gi = new int[cap];
        gen = new int[cap];
        liveBits = Bits.forCapacity(cap);
        clearingBits = Bits.forCapacity(cap);
    }

    /** Appends rows; returns their first slot. */
    int append(int[] gis, int[] gens) {
        int n = gis.length;
        ensureRoom(n);
        int first = highWater;
        for (int i = 0; i < n; i++) {
            int s = highWater++;
            seq[s] = nextSeq++;
            gi[s] = gis[i];
            gen[s] = gens[i];
            Bits.set(liveBits, s);
            slotOfGi.put(gis[i], s);
        }
        live += n;
        return first;
    }

    private void ensureRoom(int n) {
        if (highWater + n <= capacity) {
            return;
        }
        rebuild(Math.max(MIN_CAPACITY, (live + n) * 2));
    }

    /** Shrinks after many releases so memory follows the live rows. */
    void maybeShrink() {
        if (capacity > 4 * MIN_CAPACITY && live < capacity / 8) {
            rebuild(Math.max(MIN_CAPACITY, live * 2));
        }
    }

    /** Compacts live rows to the front (keeping order) into arrays of {@code newCap} slots. */
    private void rebuild(int newCap) {
        int oldHigh = highWater;
        int[] map = new int[oldHigh];
        int j = 0;
        for (int i = 0; i < oldHigh; i++) {
            map[i] = Bits.get(liveBits, i) ? j++ : -1;
        }
        long[] oSeq = seq;
        int[] oGi = gi;
        int[] oGen = gen;
        long[] oClearing = clearingBits;
        Object[] oTags = tags;
        String[] oKeys = keys;
        allocateArrays(newCap);
        if (oTags != null) {
            tags = new Object[newCap];
        }
        if (oKeys != null) {
            keys = new String[newCap];
        }
        for (int i = 0; i < oldHigh; i++) {
            int t = map[i];
            if (t < 0) {
                continue;
            }
            seq[t] = oSeq[i];
            gi[t] = oGi[i];
            gen[t] = oGen[i];
            Bits.set(liveBits, t);
            if (Bits.get(oClearing, i)) {
                Bits.set(clearingBits, t);
            }
            if (oTags != null) {
                tags[t] = oTags[i];
            }
            if (oKeys != null) {
                keys[t] = oKeys[i];
            }
            slotOfGi.put(oGi[i], t);
        }
        for (FieldState f : fields.values()) {
            f.remap(map, oldHigh, newCap);
        }
        for (Map.Entry<String, long[]> e : consumed.entrySet()) {
            e.setValue(Bits.remap(e.getValue(), map, oldHigh, newCap));
        }
        highWater = j;
        slotOfGi.trim();
        scanHint.clear();
    }

    /** Slot of a live row with this index, or -1. */
    int slotOf(long globalIndex) {
        if (globalIndex < 0 || globalIndex > Integer.MAX_VALUE) {
            return -1;
        }
        return slotOfGi.get((int) globalIndex);
    }

    boolean isClearing(int slot) {
        return Bits.get(clearingBits, slot);
    }

    /** Slot of the live row with id {@code rowId}, or -1 (binary search: ids increase with slots). */
    int slotOfRowId(long rowId) {
        int s = Arrays.binarySearch(seq, 0, highWater, rowId);
        return s >= 0 && Bits.get(liveBits, s) ? s : -1;
    }

    FieldState field(String name) {
        return fields.get(name);
    }

    FieldState fieldFor(String name, FieldSchema schema) {
        return fields.computeIfAbsent(name, n -> FieldState.create(n, schema, capacity));
    }

    long[] consumedBits(String task) {
        return consumed.computeIfAbsent(task, t -> Bits.forCapacity(capacity));
    }

    /** Marks a row consumed by {@code task}; false if it already was. */
    boolean markConsumed(String task, int slot) {
        long[] b = consumedBits(task);
        if (!Bits.get(b, slot)) {
            Bits.set(b, slot);
            consumedCount.merge(task, 1L, Long::sum);
            return true;
        }
        return false;
    }

    /** Offers a row to {@code task} again; false if it was not marked consumed. */
    boolean unmarkConsumed(String task, int slot) {
        long[] b = consumed.get(task);
        if (b == null || !Bits.get(b, slot)) {
            return false;
        }
        Bits.clear(b, slot);
        consumedCount.merge(task, -1L, Long::sum);
        scanHint.remove(task);
        return true;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> tags(int slot) {
        return tags == null || tags[slot] == null ? Map.of() : (Map<String, Object>) tags[slot];
    }

    void setTags(int slot, Map<String, Object> t) {
        if (t.isEmpty() && tags == null) {
            return;
        }
        if (tags == null) {
            tags = new Object[capacity];
        }
        tags[slot] = t.isEmpty() ? null : t;
    }

    String key(int slot) {
        return keys == null ? null : keys[slot];
    }

    void setKey(int slot, String key) {
        if (keys == null) {
            keys = new String[capacity];
        }
        keys[slot] = key;
    }

    /** Frees a live slot: drops its fields, consumption, tags and key. Returns its global index. */
    int release(int slot) {
        int g = gi[slot];
        for (FieldState f : fields.values()) {
            f.release(slot);
        }
        for (Map.Entry<String, long[]> e : consumed.entrySet()) {
            if (Bits.get(e.getValue(), slot)) {
                Bits.clear(e.getValue(), slot);
                consumedCount.merge(e.getKey(), -1L, Long::sum);
            }
        }
        if (tags != null) {
            tags[slot] = null;
        }
        String k = key(slot);
        if (k != null) {
            keyToGi.remove(k, g);
            pendingKeys.remove(k, g);
            keys[slot] = null;
        }
        Bits.clear(liveBits, slot);
        Bits.clear(clearingBits, slot);
        slotOfGi.remove(g);
        live--;
        return g;
    }

    /** Drops fields that no row has anymore and demotes irregular fields that became regular. */
    void tidyFields() {
        fields.values().removeIf(f -> f.producedCount == 0);
        for (FieldState f : fields.values()) {
            f.maybeDemote();
        }
    }

    /** Approximate heap bytes of this partition's state. */
    long heapBytes() {
        long n = 8L * capacity + 4L * capacity * 2 + 16L * liveBits.length + slotOfGi.heapBytes() + 256;
        if (tags != null) {
            n += 4L * tags.length;
        }
        if (keys != null) {
            n += 4L * keys.length;
        }
        for (FieldState f : fields.values()) {
            n += f.heapBytes();
        }
        for (long[] b : consumed.values()) {
            n += 8L * b.length;
        }
        return n;
    }
}
