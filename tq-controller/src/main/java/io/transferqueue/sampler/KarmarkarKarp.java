package io.transferqueue.sampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Largest-differencing (Karmarkar–Karp) partitioning of weighted items into {@code k} parts with nearly
 * equal sums, as verl and upstream TransferQueue balance sequence lengths across data-parallel ranks.
 *
 * <p>Without equal sizes the method starts with one {@code k}-part state per item, O(items × k) memory; above
 * {@link #MAX_STATE_PARTS} it uses greedy largest-first assignment instead (O(items + k)), so a request naming
 * many ranks cannot exhaust the controller's memory.
 */
public final class KarmarkarKarp {
    /** Most parts (items × k) the unequal-size Karmarkar–Karp states may hold before the greedy split is used. */
    static final long MAX_STATE_PARTS = 1 << 20;

    private KarmarkarKarp() {
    }

    private static final class Part {
        long sum;
        final List<Integer> items = new ArrayList<>();
    }

    private static final class State {
        final Part[] parts;

        State(int k) {
            parts = new Part[k];
            for (int i = 0; i < k; i++) {
                parts[i] = new Part();
            }
        }

        long spread() {
            return parts[0].sum - parts[parts.length - 1].sum;
        }

        void sort() {
            Arrays.sort(parts, Comparator.comparingLong((Part p) -> p.sum).reversed());
        }
    }

    /**
     * Splits item indexes {@code 0..weights.length-1} into {@code k} parts.
     *
     * @param equalSize every part gets the same number of items ({@code weights.length % k == 0} required)
     * @return {@code k} lists of item indexes, each sorted ascending
     * @throws IllegalArgumentException if there are fewer items than parts, or {@code equalSize} and the
     *     count does not divide
     */
    public static List<int[]> partition(long[] weights, int k, boolean equalSize) {
        int n = weights.length;
        if (k <= 0) {
            throw new IllegalArgumentException("number of parts must be positive, got " + k);
        }
        if (n < k) {
            throw new IllegalArgumentException("number of items " + n + " < number of parts " + k);
        }
        if (equalSize && n % k != 0) {
            throw new IllegalArgumentException("equal-size partitioning needs the item count (" + n
                    + ") to be a multiple of the number of parts (" + k + ")");
        }
        if (k == 1) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return List.of(all);
        }
        if (!equalSize && (long) n * k > MAX_STATE_PARTS) {
            return greedy(weights, k);
        }
        PriorityQueue<State> heap = new PriorityQueue<>((a, b) -> {
            int c = Long.compare(b.spread(), a.spread());
            return c != 0 ? c : Long.compare(b.parts[0].sum, a.parts[0].sum);
        });
        if (equalSize) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong((Integer i) -> weights[i]).thenComparingInt(i -> i));
            for (int start = 0; start < n; start += k) {
                State s = new State(k);
                for (int j = 0; j < k; j++) {
                    int item = order[start + j];
                    s.parts[j].items.add(item);
                    s.parts[j].sum = weights[item];
                }
                s.sort();
                heap.add(s);
            }
        } else {
            for (int i = 0; i < n; i++) {
                State s = new State(k);
                s.parts[0].items.add(i);
                s.parts[0].sum = weights[i];
                heap.add(s);
            }
        }
        while (heap.size() > 1) {
            State a = heap.poll();
            State b = heap.poll();
            State m = new State(k);
            for (int i = 0; i < k; i++) {
                Part pa = a.parts[i];
                Part pb = b.parts[k - 1 - i];
                m.parts[i].sum = pa.sum + pb.sum;
                m.parts[i].items.addAll(pa.items);
                m.parts[i].items.addAll(pb.items);
            }
            m.sort();
            heap.add(m);
        }
        State last = heap.poll();
        return sortedParts(last.parts);
    }

    /** Largest item first into the part with the smallest sum (ties: fewer items, then lower index). */
    private static List<int[]> greedy(long[] weights, int k) {
        int n = weights.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong((Integer i) -> weights[i]).reversed().thenComparingInt(i -> i));
        Part[] parts = new Part[k];
        PriorityQueue<Integer> open = new PriorityQueue<>(k, Comparator.comparingLong((Integer p) -> parts[p].sum)
                .thenComparingInt(p -> parts[p].items.size()).thenComparingInt(p -> p));
        for (int p = 0; p < k; p++) {
            parts[p] = new Part();
            open.add(p);
        }
        for (int item : order) {
            int p = open.poll();
            parts[p].sum += weights[item];
            parts[p].items.add(item);
            open.add(p);
        }
        Arrays.sort(parts, Comparator.comparingLong((Part p) -> p.sum).reversed());
        return sortedParts(parts);
    }

    private static List<int[]> sortedParts(Part[] parts) {
        int k = parts.length;
        List<int[]> out = new ArrayList<>(k);
        for (Part p : parts) {
            int[] items = p.items.stream().mapToInt(Integer::intValue).toArray();
            Arrays.sort(items);
            out.add(items);
        }
        return out;
    }
}
