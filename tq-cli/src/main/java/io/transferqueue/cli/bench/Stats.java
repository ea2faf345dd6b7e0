package io.transferqueue.cli.bench;

import java.util.Arrays;

/**
 * Median, min and max of one operation over the measured iterations, in Gbps (bytes × 8 / seconds / 1e9).
 *
 * @param iterations how many iterations were measured
 */
record Stats(int iterations, double median, double min, double max) {

    /** Figures of operations that each moved {@code bytes} and took {@code nanos[i]} nanoseconds. */
    static Stats ofNanos(long bytes, long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no measured iteration");
        }
        double[] gbps = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            gbps[i] = gbps(bytes, nanos[i]);
        }
        Arrays.sort(gbps);
        int n = gbps.length;
        double median = n % 2 == 1 ? gbps[n / 2] : (gbps[n / 2 - 1] + gbps[n / 2]) / 2;
        return new Stats(n, median, gbps[0], gbps[n - 1]);
    }

    static double gbps(long bytes, long nanos) {
        return bytes * 8.0 / Math.max(1, nanos);
    }
}
