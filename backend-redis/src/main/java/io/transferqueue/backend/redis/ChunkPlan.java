package io.transferqueue.backend.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * How the keys of one operation are split into commands: by hash slot first (cluster mode; a multi-key
 * command must stay within one slot), then into runs of at most {@code maxBytes} bytes and {@code maxKeys}
 * keys, keeping the callers' order within a slot. A single key larger than {@code maxBytes} is a command of its
 * own. Pure logic, no I/O.
 */
final class ChunkPlan {
    /** Hash slots of Redis Cluster. */
    static final int SLOTS = 16384;

    /** One command's keys (indexes into the operation's key list), their bytes, and their slot (-1: standalone). */
    record Chunk(int[] indexes, long bytes, int slot) {
        int size() {
            return indexes.length;
        }

        @Override
        public String toString() {
            return "Chunk" + Arrays.toString(indexes) + "(" + bytes + " bytes" + (slot < 0 ? "" : ", slot " + slot) + ")";
        }
    }

    private ChunkPlan() {
    }

    /**
     * Splits keys {@code 0 .. n-1}.
     *
     * @param slots the hash slot of each key, or null when all keys may share a command (standalone)
     * @param bytesOf bytes key i counts for (key and value)
     * @param maxBytes most bytes in one chunk (unless one key alone is larger)
     * @param maxKeys most keys in one chunk, at least 1
     */
    static List<Chunk> plan(int n, int[] slots, IntToLongFunction bytesOf, long maxBytes, int maxKeys) {
        if (maxKeys < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxKeys and maxBytes must be positive, got " + maxKeys + " and " + maxBytes);
        }
        if (slots != null && slots.length != n) {
            throw new IllegalArgumentException(n + " keys but " + slots.length + " slots");
        }
        int[] order = slots == null ? identity(n) : bySlot(slots);
        List<Chunk> out = new ArrayList<>();
        int start = 0;
        while (start < n) {
            int slot = slots == null ? -1 : slots[order[start]];
            long bytes = bytesOf.applyAsLong(order[start]);
            int end = start + 1;
            while (end < n && end - start < maxKeys && (slots == null || slots[order[end]] == slot)) {
                long b = bytesOf.applyAsLong(order[end]);
                if (bytes + b > maxBytes) {
                    break;
                }
                bytes += b;
                end++;
            }
            out.add(new Chunk(Arrays.copyOfRange(order, start, end), bytes, slot));
            start = end;
        }
        return out;
    }

    private static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        return o;
    }

    /** Indexes grouped by slot (ascending), in their original order within a slot: a stable counting sort. */
    private static int[] bySlot(int[] slots) {
        int[] start = new int[SLOTS + 1];
        for (int s : slots) {
            if (s < 0 || s >= SLOTS) {
                throw new IllegalArgumentException("hash slot " + s + " is not in [0, " + SLOTS + ")");
            }
            start[s + 1]++;
        }
        for (int s = 0; s < SLOTS; s++) {
            start[s + 1] += start[s];
        }
        int[] order = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            order[start[slots[i]]++] = i;
        }
        return order;
    }
}
