package io.transferqueue.cli.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one group on one workload: warm-up and measured iterations, every side once per iteration, in alternating
 * order; checks the bytes on the first and the last iteration. Before each iteration of a batch of
 * {@value #GC_FROM_BYTES} bytes or more the heap is collected (outside the clock), so no timed operation shares the
 * two cores with a collection of the previous iteration's garbage, and the heap stays near the working set.
 */
final class Runner {
    /** Seconds between two progress lines of a long step. */
    private static final long PROGRESS_NANOS = 15_000_000_000L;
    /** Batches from this size on get a collection before each iteration. */
    static final long GC_FROM_BYTES = 64L << 20;

    private Runner() {
    }

    static List<Result> run(Group g, Workload w, int warmup, int iterations, PrintWriter out) throws Exception {
        List<Side> sides = g.sides();
        int total = warmup + iterations;
        long[][][] nanos = new long[sides.size()][][];
        for (int s = 0; s < sides.size(); s++) {
            nanos[s] = new long[sides.get(s).ops().size()][iterations];
        }
        long start = System.nanoTime();
        long lastProgress = start;
        try {
            for (int it = 0; it < total; it++) {
                boolean verify = it == 0 || it == total - 1;
                if (w.bytes() >= GC_FROM_BYTES) {
                    System.gc();
                }
                for (int k = 0; k < sides.size(); k++) {
                    int s = it % 2 == 0 ? k : sides.size() - 1 - k;
                    long[] ns = sides.get(s).iterate(w, it, verify);
                    if (it >= warmup) {
                        for (int op = 0; op < ns.length; op++) {
                            nanos[s][op][it - warmup] = ns[op];
                        }
                    }
                }
                long now = System.nanoTime();
                if (now - lastProgress > PROGRESS_NANOS && it < total - 1) {
                    out.printf(Locale.ROOT, "    ... iteration %d of %d (%s), %.0f s%n", it + 1, total,
                            it < warmup ? "warm-up" : "measured", (now - start) / 1e9);
                    out.flush();
                    lastProgress = now;
                }
            }
        } finally {
            for (Side s : sides) {
                s.done(w);
            }
        }
        List<Result> results = new ArrayList<>();
        Side base = sides.stream().filter(s -> s.name().equals(g.baseline())).findFirst().orElseThrow();
        int baseIndex = sides.indexOf(base);
        for (int s = 0; s < sides.size(); s++) {
            Side side = sides.get(s);
            boolean isBaseline = s != 0;
            for (int op = 0; op < side.ops().size(); op++) {
                String name = side.ops().get(op);
                Stats stats = Stats.ofNanos(w.bytes(), nanos[s][op]);
                String baseline = null;
                double baseMedian = Double.NaN;
                if (!isBaseline) {
                    // a zero-copy GET is compared with the baseline's GET: the copy it saves
                    String direction = name.startsWith("GET") ? "GET" : "PUT";
                    int bop = base.ops().indexOf(direction);
                    baseline = base.name();
                    baseMedian = Stats.ofNanos(w.bytes(), nanos[baseIndex][bop]).median();
                }
                results.add(new Result(g.backend(), side.name(), isBaseline, w.scale().name(), w.kind(),
                        w.shape(), w.bytes(), name, stats, baseline, baseMedian));
            }
        }
        return results;
    }
}
