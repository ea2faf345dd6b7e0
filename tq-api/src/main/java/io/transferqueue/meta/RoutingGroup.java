package io.transferqueue.meta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows of one batch that go to one storage unit: their global indexes and their positions in the
 * batch ({@code batchPositions[k]} is the position of {@code globalIndexes[k]}). Immutable.
 */
public final class RoutingGroup {
    private final int unit;
    private final long[] globalIndexes;
    private final int[] batchPositions;

    public RoutingGroup(int unit, long[] globalIndexes, int[] batchPositions) {
        if (globalIndexes.length != batchPositions.length) {
            throw new IllegalArgumentException(globalIndexes.length + " global indexes but " + batchPositions.length
                    + " batch positions");
        }
        this.unit = unit;
        this.globalIndexes = globalIndexes.clone();
        this.batchPositions = batchPositions.clone();
    }

    /** Index of the storage unit. */
    public int unit() {
        return unit;
    }

    public int size() {
        return globalIndexes.length;
    }

    /** Global indexes (a copy). */
    public long[] globalIndexes() {
        return globalIndexes.clone();
    }

    /** Batch positions (a copy). */
    public int[] batchPositions() {
        return batchPositions.clone();
    }

    public long globalIndex(int k) {
        return globalIndexes[k];
    }

    public int batchPosition(int k) {
        return batchPositions[k];
    }

    /**
     * Groups rows by unit {@code hash(globalIndex) mod units}. Routing depends only on the global index, never
     * on batch size, order or the number of calls. Groups come out in unit order; empty units are omitted.
     */
    public static List<RoutingGroup> route(long[] globalIndexes, int units) {
        if (units <= 0) {
            throw new IllegalArgumentException("unit count must be positive, got " + units);
        }
        int[] counts = new int[units];
        int[] unitOf = new int[globalIndexes.length];
        for (int i = 0; i < globalIndexes.length; i++) {
            unitOf[i] = unitOf(globalIndexes[i], units);
            counts[unitOf[i]]++;
        }
        long[][] gis = new long[units][];
        int[][] pos = new int[units][];
        for (int u = 0; u < units; u++) {
            gis[u] = new long[counts[u]];
            pos[u] = new int[counts[u]];
        }
        int[] fill = new int[units];
        for (int i = 0; i < globalIndexes.length; i++) {
            int u = unitOf[i];
            gis[u][fill[u]] = globalIndexes[i];
            pos[u][fill[u]++] = i;
        }
        List<RoutingGroup> out = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            if (counts[u] > 0) {
                out.add(new RoutingGroup(u, gis[u], pos[u]));
            }
        }
        return out;
    }

    /** The unit of one global index: {@code globalIndex mod units}, as upstream routes. */
    public static int unitOf(long globalIndex, int units) {
        return (int) Math.floorMod(globalIndex, (long) units);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof RoutingGroup g && unit == g.unit && Arrays.equals(globalIndexes, g.globalIndexes)
                && Arrays.equals(batchPositions, g.batchPositions));
    }

    @Override
    public int hashCode() {
        return 31 * unit + Arrays.hashCode(globalIndexes);
    }

    @Override
    public String toString() {
        return "RoutingGroup(unit " + unit + ", " + globalIndexes.length + " rows)";
    }
}
