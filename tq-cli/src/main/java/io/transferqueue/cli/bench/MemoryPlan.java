package io.transferqueue.cli.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How much memory a run needs, checked before anything starts: a scale that cannot fit is refused up front with a
 * clear message rather than failing (or swapping the machine) half way through.
 *
 * <p>Estimates, per backend, in batches of the largest workload (measured on the project machine; the JVM needs
 * head room on top for its collector):
 * <ul>
 *   <li>heap of this JVM: the producer's batch, the backend's copy or the received frames, the GET result, and the
 *       baseline's buffers: simple 4 (two memcpy areas of one field each), rocksdb and redis 4 (cells as arrays,
 *       raw reads), simple-remote and npu 3; the complex case adds 1 (strings and their UTF-8 cells);
 *   <li>outside it: npu 2.2 (device arena and the direct memcpy area), redis 2 (the server), simple-remote 3 in
 *       the unit processes plus 1 GiB.
 * </ul>
 */
final class MemoryPlan {
    private static final long GIB = 1L << 30;
    /** Heap every run needs besides the batches (JIT, classes, clients). */
    private static final long HEAP_OVERHEAD = GIB;

    private MemoryPlan() {
    }

    static double heapFactor(String backend) {
        return switch (backend) {
            case "simple", "rocksdb", "redis" -> 4;
            default -> 3;
        };
    }

    static double outsideFactor(String backend) {
        return switch (backend) {
            case "npu" -> 2.2;
            case "redis" -> 2;
            case "simple-remote" -> 3;
            default -> 0.2;
        };
    }

    /** Heap one run of {@code backends} on a workload of {@code bytes} needs. */
    static long heapNeeded(List<String> backends, long bytes, boolean complex) {
        double f = backends.stream().mapToDouble(MemoryPlan::heapFactor).max().orElse(0) + (complex ? 1 : 0);
        return (long) (f * bytes) + HEAP_OVERHEAD;
    }

    /** Memory outside this JVM's heap the worst backend needs at once. */
    static long outsideNeeded(List<String> backends, long bytes) {
        double f = backends.stream().mapToDouble(MemoryPlan::outsideFactor).max().orElse(0);
        return (long) (f * bytes) + (backends.contains("simple-remote") ? GIB : 0);
    }

    /**
     * Heap of each storage-unit process: three times its share of the largest batch (what it stores, what a GET
     * gathers, the raw baseline's frames) plus 512 MiB, rounded up to 256 MiB.
     */
    static long childHeap(long largestBytes, int units) {
        long step = 256L << 20;
        long need = 3 * largestBytes / Math.max(1, units) + (512L << 20);
        return Math.max(512L << 20, (need + step - 1) / step * step);
    }

    /**
     * Why the run cannot fit, if it cannot.
     *
     * @param maxHeap this JVM's maximum heap ({@link Runtime#maxMemory()})
     * @param physical the machine's memory, or a negative value if unknown
     */
    static Optional<String> problem(List<Scale> scales, boolean complex, List<String> backends, long maxHeap,
            long physical) {
        for (Scale s : scales) {
            long bytes = Workload.bytesOf(s, Workload.PUT_BENCHMARK);
            if (complex) {
                bytes = Math.max(bytes, Workload.bytesOf(s, Workload.COMPLEX));
            }
            long heap = heapNeeded(backends, bytes, complex);
            long total = heap + outsideNeeded(backends, bytes);
            String what = String.format(Locale.ROOT, "scale %s (%s, %.2f GiB per batch) with %s", s.name(), s.shape(),
                    bytes / (double) GIB, String.join(",", backends));
            if (physical > 0 && total > physical) {
                return Optional.of(String.format(Locale.ROOT, "%s needs about %.1f GiB of memory (%.1f GiB of heap and "
                        + "%.1f GiB outside it), this machine has %.1f GiB: run it on a bigger machine, or leave the "
                        + "scale out (--scales)", what, total / (double) GIB, heap / (double) GIB,
                        (total - heap) / (double) GIB, physical / (double) GIB));
            }
            if (heap > maxHeap) {
                return Optional.of(String.format(Locale.ROOT, "%s needs about %.1f GiB of JVM heap, this JVM may use "
                        + "%.1f GiB: give it more (./tq reads TQ_JAVA_OPTS, e.g. TQ_JAVA_OPTS='-Xmx%dg "
                        + "-XX:+UseZGC'), or leave the scale out (--scales)", what, heap / (double) GIB,
                        maxHeap / (double) GIB, (heap + GIB - 1) / GIB + 1));
            }
        }
        return Optional.empty();
    }

    /** The machine's physical memory, or -1 if the JVM does not say. */
    static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }
}
