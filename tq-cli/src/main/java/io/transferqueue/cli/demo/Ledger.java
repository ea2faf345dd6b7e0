package io.transferqueue.cli.demo;

import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the demo's producers wrote and what its consumers received, for the data check: a CRC32C per (row, field)
 * recorded by the producer of that cell, the checksums consumers recompute from the bytes they got, and which rows
 * each task saw how often. Thread-safe; stages record concurrently.
 */
final class Ledger {
    /** Mismatches kept for the report (all are counted). */
    static final int KEEP = 20;

    /** field → row → checksum the producer wrote. */
    private final Map<String, Map<Long, Long>> written = new ConcurrentHashMap<>();
    /** field → stage that writes it. */
    private final Map<String, String> producerOf = new ConcurrentHashMap<>();
    /** task → row → times the task received it. */
    private final Map<String, Map<Long, Integer>> seen = new ConcurrentHashMap<>();
    /** Checksums received before the producer's record was visible: compared at the end. */
    private final ConcurrentLinkedQueue<Received> deferred = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Mismatch> mismatches = new ConcurrentLinkedQueue<>();
    private final AtomicLong mismatchCount = new AtomicLong();
    private final AtomicLong cellsChecked = new AtomicLong();
    private final Set<Long> rows = ConcurrentHashMap.newKeySet();

    /** Declares that {@code stage} writes {@code fields}. */
    void producer(String stage, List<String> fields) {
        for (String f : fields) {
            producerOf.put(f, stage);
            written.put(f, new ConcurrentHashMap<>());
        }
    }

    /** Records the checksum of every cell of {@code batch}, row i being row i of {@code meta}. */
    void wrote(BatchMeta meta, Batch batch, boolean newRows) {
        for (String f : batch.fieldNames()) {
            Map<Long, Long> m = written.get(f);
            if (m == null) {
                throw new IllegalStateException("no producer declared for field '" + f + "'");
            }
            for (int i = 0; i < batch.size(); i++) {
                m.put(meta.globalIndex(i), Checksums.of(batch.column(f), i));
            }
        }
        if (newRows) {
            for (int i = 0; i < meta.size(); i++) {
                rows.add(meta.globalIndex(i));
            }
        }
    }

    /**
     * Records that {@code who} (of task {@code task}) received the rows of {@code meta} and checks every cell of
     * {@code data} against what its producer wrote.
     */
    void received(String task, String who, BatchMeta meta, Batch data) {
        Map<Long, Integer> counts = seen.computeIfAbsent(task, t -> new ConcurrentHashMap<>());
        for (int i = 0; i < meta.size(); i++) {
            counts.merge(meta.globalIndex(i), 1, Integer::sum);
        }
        for (String f : data.fieldNames()) {
            for (int i = 0; i < data.size(); i++) {
                check(new Received(who, meta.globalIndex(i), f, Checksums.of(data.column(f), i)), false);
            }
        }
    }

    private void check(Received r, boolean last) {
        Map<Long, Long> m = written.get(r.field);
        Long expected = m == null ? null : m.get(r.row);
        if (expected == null && !last) {
            // the producer records after its put returns; a fast consumer may get there first
            deferred.add(r);
            return;
        }
        cellsChecked.incrementAndGet();
        if (expected == null || expected != r.checksum) {
            mismatchCount.incrementAndGet();
            if (mismatches.size() < KEEP) {
                mismatches.add(new Mismatch(r.who, r.row, r.field, producerOf.getOrDefault(r.field, "?"), expected,
                        r.checksum));
            }
        }
    }

    /** Compares what was received before its record existed. Call once every stage has ended. */
    void settle() {
        Received r;
        while ((r = deferred.poll()) != null) {
            check(r, true);
        }
    }

    /** Rows the producers created. */
    Set<Long> rows() {
        return Collections.unmodifiableSet(rows);
    }

    /** Row → times {@code task} received it. */
    Map<Long, Integer> seen(String task) {
        return seen.getOrDefault(task, Map.of());
    }

    long cellsChecked() {
        return cellsChecked.get();
    }

    long mismatchCount() {
        return mismatchCount.get();
    }

    List<Mismatch> mismatches() {
        List<Mismatch> l = new ArrayList<>(mismatches);
        l.sort((a, b) -> a.row != b.row ? Long.compare(a.row, b.row) : a.field.compareTo(b.field));
        return l;
    }

    /** The check of one task: every row exactly once. */
    TaskCheck checkTask(String task) {
        Map<Long, Integer> counts = seen(task);
        Set<Long> missing = new TreeSet<>();
        Set<Long> repeated = new TreeSet<>();
        Set<Long> unknown = new TreeSet<>();
        for (Long row : rows) {
            int c = counts.getOrDefault(row, 0);
            if (c == 0) {
                missing.add(row);
            } else if (c > 1) {
                repeated.add(row);
            }
        }
        for (Long row : counts.keySet()) {
            if (!rows.contains(row)) {
                unknown.add(row);
            }
        }
        return new TaskCheck(task, rows.size(), missing, repeated, unknown);
    }

    private record Received(String who, long row, String field, long checksum) {
    }

    /** A cell whose bytes differ from what its producer wrote ({@code expected} null: nobody wrote it). */
    record Mismatch(String who, long row, String field, String producer, Long expected, long actual) {
        String describe() {
            return "row " + row + " field '" + field + "': " + who + " received crc32c " + hex(actual) + ", "
                    + (expected == null ? "but no producer wrote this cell" : producer + " wrote " + hex(expected));
        }

        private static String hex(long v) {
            return String.format("%08x", v);
        }
    }

    /** Rows of one task that were missed, received more than once, or never produced. */
    record TaskCheck(String task, int rows, Set<Long> missing, Set<Long> repeated, Set<Long> unknown) {
        boolean ok() {
            return missing.isEmpty() && repeated.isEmpty() && unknown.isEmpty();
        }
    }
}
