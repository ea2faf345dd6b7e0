package io.transferqueue.sampler;

import io.transferqueue.spi.ReadyRows;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the built-in samplers. */
final class Samplers {
    private Samplers() {
    }

    static long[] firstIds(ReadyRows ready, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = ready.rowId(i);
        }
        return ids;
    }

    /**
     * Positions (in {@code ready}) of up to {@code groups} groups of {@code n} rows with consecutive row ids,
     * scanning oldest first; a window that is not consecutive moves on by one row.
     */
    static List<int[]> consecutiveGroups(ReadyRows ready, int n, int groups) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (out.size() < groups && ready.hasAtLeast(i + n)) {
            boolean consecutive = true;
            long first = ready.rowId(i);
            for (int j = 1; j < n; j++) {
                if (ready.rowId(i + j) != first + j) {
                    consecutive = false;
                    break;
                }
            }
            if (consecutive) {
                int[] g = new int[n];
                for (int j = 0; j < n; j++) {
                    g[j] = i + j;
                }
                out.add(g);
                i += n;
            } else {
                i++;
            }
        }
        return out;
    }

    static int positive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }
}
