package io.transferqueue.controller;

import java.util.Arrays;

/**
 * Open-addressing map from non-negative int keys to int values (linear probing, backward-shift delete).
 * About 16 bytes per entry at the load it keeps; no boxing. Not thread-safe.
 */
final class IntIntMap {
    private static final int FREE = -1;
    private int[] keys;
    private int[] values;
    private int size;
    private int mask;

    IntIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
        keys = new int[cap];
        values = new int[cap];
        Arrays.fill(keys, FREE);
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    private static int hash(int k) {
        int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The value of {@code key}, or -1. */
    int get(int key) {
        int i = hash(key) & mask;
        while (true) {
            int k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == FREE) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    void put(int key, int value) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        int i = hash(key) & mask;
        while (true) {
            int k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == FREE) {
                keys[i] = key;
                values[i] = value;
                if (++size * 2 > keys.length) {
                    rehash(keys.length * 2);
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Removes {@code key}; returns its value or -1. */
    int remove(int key) {
        int i = hash(key) & mask;
        while (true) {
            int k = keys[i];
            if (k == FREE) {
                return -1;
            }
            if (k == key) {
                int v = values[i];
                shiftBack(i);
                size--;
                return v;
            }
            i = (i + 1) & mask;
        }
    }

    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            int k = keys[i];
            if (k == FREE) {
                keys[hole] = FREE;
                return;
            }
            int home = hash(k) & mask;
            // move k into the hole if its home is not between hole (exclusive) and i (inclusive)
            boolean between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!between) {
                keys[hole] = k;
                values[hole] = values[i];
                hole = i;
            }
        }
    }

    private void rehash(int cap) {
        int[] ok = keys;
        int[] ov = values;
        keys = new int[cap];
        values = new int[cap];
        Arrays.fill(keys, FREE);
        mask = cap - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != FREE) {
                put(ok[i], ov[i]);
            }
        }
    }

    /** Shrinks the table if it is much larger than needed. */
    void trim() {
        int want = Integer.highestOneBit(Math.max(8, size * 2 - 1)) << 1;
        if (want * 4 <= keys.length) {
            rehash(want);
        }
    }

    /** Approximate heap bytes. */
    long heapBytes() {
        return 8L * keys.length + 32;
    }
}
