/**
 * The embedded default backend {@code simple}: in-process storage units on the JVM heap, rows routed to unit
 * {@code globalIndex mod units}.
 *
 * <p>Entry points: {@link io.transferqueue.backend.simple.SimpleStorageFactory} (found by
 * {@link java.util.ServiceLoader}, options in {@link io.transferqueue.backend.simple.SimpleStorageOptions})
 * and {@link io.transferqueue.backend.simple.SimpleStorageManager}. Each cell is its own exact-size heap array:
 * clearing a row frees exactly that row, zero-copy reads are read-only views that never change, and the GC is
 * the allocator.
 *
 * <p><b>Running it with large data.</b> The heap is the store, so size it for the data plus the largest
 * batch in flight, fix it ({@code -Xms} = {@code -Xmx}) and pre-touch it ({@code -XX:+AlwaysPreTouch}): the
 * first write to a fresh page costs several times a rewrite (without it, puts of the benchmark's small
 * scale ran at about half the speed). With G1 (the JVM default) rows that outlive a young collection are
 * copied by the collector, which at GB scale costs about as much as the put itself: 1.5 GB puts and gets ran
 * at ~0.5x a plain memcpy of the same bytes under G1 and ~0.85-1.15x under ZGC ({@code -XX:+UseZGC}), which
 * does not copy them (see {@code bench/PutGetBenchmark} in the tests).
 */
package io.transferqueue.backend.simple;
