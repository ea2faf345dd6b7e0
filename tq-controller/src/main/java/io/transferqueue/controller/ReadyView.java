package io.transferqueue.controller;

import io.transferqueue.spi.ReadyRows;
import java.util.Arrays;

/**
 * The ready rows of a partition for one (task, fields) request, computed lazily word by word: a row is
 * ready if it is live, not clearing, not consumed by the task and has every requested field produced.
 * Asking for row {@code i} scans only as far as needed; {@link #size()} counts with popcounts. Valid while
 * the partition lock is held.
 */
final class ReadyView implements ReadyRows {
    private final Partition p;
    private final long[][] fieldBits;
    private final FieldState[] fields;
    private final long[] consumedBits;
    private final int words;
    private int[] slots = new int[64];
    private int found;
    private int nextWord;
    private long pending;
    private int pendingWord = -1;
    private int size = -1;
    /** Words below this hold no live unconsumed row and are complete (no new row can land there). */
    private int lowWater;
    private boolean prefix = true;
    private final int fullWords;

    ReadyView(Partition p, FieldState[] fields, long[] consumedBits, int startWord) {
        this.p = p;
        this.fields = fields;
        this.fieldBits = new long[fields.length][];
        for (int i = 0; i < fields.length; i++) {
            fieldBits[i] = fields[i].produced;
        }
        this.consumedBits = consumedBits;
        this.words = (p.highWater + 63) >>> 6;
        this.fullWords = p.highWater >>> 6;
        this.lowWater = Math.min(startWord, fullWords);
        this.nextWord = lowWater;
    }

    /** The first word a later scan for the same task needs to look at. */
    int lowWater() {
        return lowWater;
    }

    private void track(int w) {
        if (prefix && w == lowWater) {
            long avail = p.liveBits[w];
            if (consumedBits != null && w < consumedBits.length) {
                avail &= ~consumedBits[w];
            }
            if (avail == 0 && w < fullWords) {
                lowWater = w + 1;
            } else {
                prefix = false;
            }
        }
    }

    private long word(int w) {
        long b = p.liveBits[w] & ~p.clearingBits[w];
        if (consumedBits != null && w < consumedBits.length) {
            b &= ~consumedBits[w];
        }
        for (int f = 0; f < fieldBits.length && b != 0; f++) {
            b &= fieldBits[f][w];
        }
        return b;
    }

    @Override
    public int size() {
        if (size < 0) {
            int n = 0;
            int start = lowWater;
            for (int w = start; w < words; w++) {
                track(w);
                n += Long.bitCount(word(w));
            }
            size = n;
        }
        return size;
    }

    @Override
    public boolean hasAtLeast(int n) {
        if (n <= 0) {
            return true;
        }
        if (size >= 0) {
            return size >= n;
        }
        try {
            slot(n - 1);
            return true;
        } catch (IndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Slot of the {@code i}-th ready row. */
    int slot(int i) {
        while (found <= i) {
            if (pending == 0) {
                if (nextWord >= words) {
                    throw new IndexOutOfBoundsException("ready row " + i + " of " + found);
                }
                pendingWord = nextWord;
                track(nextWord);
                pending = word(nextWord++);
                continue;
            }
            if (found == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            slots[found++] = (pendingWord << 6) + Long.numberOfTrailingZeros(pending);
            pending &= pending - 1;
        }
        return slots[i];
    }

    @Override
    public long rowId(int i) {
        return p.seq[slot(i)];
    }

    @Override
    public long globalIndex(int i) {
        return p.gi[slot(i)];
    }

    @Override
    public Object tag(int i, String key) {
        return p.tags(slot(i)).get(key);
    }

    @Override
    public int elementCount(int i, String field) {
        FieldState f = p.field(field);
        return f == null ? -1 : f.elementCount(slot(i));
    }
}
