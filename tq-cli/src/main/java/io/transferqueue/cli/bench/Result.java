package io.transferqueue.cli.bench;

/**
 * One measured operation: a side of a group on one workload.
 *
 * @param backend the group ({@code simple}, {@code simple-remote}, ...)
 * @param side the side that ran it: the backend itself or a baseline ({@code memcpy-heap}, {@code raw-jeromq}, ...)
 * @param isBaseline whether {@code side} is a baseline
 * @param scale the scale name
 * @param workload {@value Workload#PUT_BENCHMARK} or {@value Workload#COMPLEX}
 * @param shape {@code B×seq×F} of the workload
 * @param bytes payload bytes of one operation
 * @param op {@code PUT}, {@code GET} or {@code GET-zc}
 * @param stats Gbps over the measured iterations
 * @param baseline the baseline side the ratio is taken against (null for a baseline's own rows)
 * @param baselineMedian that baseline's median Gbps for the same direction (NaN for a baseline's own rows)
 */
record Result(String backend, String side, boolean isBaseline, String scale, String workload, String shape, long bytes,
        String op, Stats stats, String baseline, double baselineMedian) {

    /** Median over the baseline's median (NaN for a baseline's own rows). */
    double ratio() {
        return baseline == null ? Double.NaN : stats.median() / baselineMedian;
    }

    /** The scale, with {@code +complex} for the complex case. */
    String label() {
        return Workload.COMPLEX.equals(workload) ? scale + "+complex" : scale;
    }
}
