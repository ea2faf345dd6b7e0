package io.transferqueue.cli.demo;

import io.transferqueue.client.PartitionStats;
import io.transferqueue.config.CoreOptions;
import io.transferqueue.spi.StorageStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Prints the demo's header, summary table, token balance, data check and where to go next. */
final class Report {
    private final PrintWriter out;

    Report(PrintWriter out) {
        this.out = out;
    }

    void header(DemoSettings s) {
        List<String> fields = new SyntheticData(s.seed(), s.n(), s.extraFields()).trainFields();
        String from = s.config().sourceOf(CoreOptions.STORAGE_BACKEND);
        out.println("TransferQueue demo: one GRPO step on an embedded TransferQueue, storage backend '"
                + s.backend() + "' (from " + (from.equals("code") ? "the command line" : from) + ")");
        List<String> shown = new ArrayList<>(fields.subList(0, fields.size() - s.extraFields()));
        if (s.extraFields() > 0) {
            shown.add(SyntheticData.extraName(0) + (s.extraFields() > 1 ? ".." + SyntheticData.extraName(
                    s.extraFields() - 1) : "") + " (" + Report.bytes(SyntheticData.EXTRA_WIDTH * 4L) + " a row each)");
        }
        out.printf(Locale.ROOT, "  %d prompts x %d responses = %d rows; fields %s (seed %d)%n", s.prompts(), s.n(),
                s.rows(), String.join(", ", shown), s.seed());
        out.printf(Locale.ROOT, "  %d rollout producers -> reward and reference producers (add fields to the same rows)"
                + " -> %d trainer ranks%n", DemoSettings.ROLLOUT_THREADS, DemoSettings.RANKS);
        out.printf(Locale.ROOT, "  trainers: StreamingDataLoader, sampler %s, %d rows per rank per step, micro-batches"
                + " of %d; started before any row exists%n", s.sampler(), s.trainBatch(), s.microBatch());
        out.println();
        out.flush();
    }

    /** Prints the summary and returns true if every check passed. */
    boolean summary(DemoResult r) {
        out.println();
        stages(r);
        out.println();
        balance(r);
        out.println();
        boolean ok = checks(r);
        out.println();
        storage(r);
        out.printf(Locale.ROOT, "result: %s (%.2f s)%n", ok ? "PASS, every check passed" : "FAIL, see the checks above",
                r.elapsedNanos() / 1e9);
        out.println();
        next();
        out.flush();
        return ok;
    }

    private void stages(DemoResult r) {
        out.printf(Locale.ROOT, "%-14s %6s %11s %11s %9s %12s%n", "stage", "rows", "read", "written", "active",
                "throughput");
        long moved = 0;
        for (Stage s : r.stages()) {
            long bytes = s.bytesRead() + s.bytesWritten();
            moved += bytes;
            double secs = s.activeNanos() / 1e9;
            out.printf(Locale.ROOT, "%-14s %6d %11s %11s %8.2fs %12s%n", s.name(), s.rows(),
                    s.bytesRead() == 0 ? "-" : bytes(s.bytesRead()),
                    s.bytesWritten() == 0 ? "-" : bytes(s.bytesWritten()), secs,
                    secs <= 0 ? "-" : bytes((long) (bytes / secs)) + "/s");
        }
        double wall = r.elapsedNanos() / 1e9;
        out.printf(Locale.ROOT, "%-14s %6s %23s %8.2fs %12s%n", "whole step", "", bytes(moved) + " moved", wall,
                wall <= 0 ? "-" : bytes((long) (moved / wall)) + "/s");
        out.println("  (active: first to last row a stage handled; stages overlap, so the whole step is shorter than"
                + " their sum;");
        out.println("   rates include making and checking the synthetic data on shared cores: a tour, not a benchmark)");
    }

    private void balance(DemoResult r) {
        List<Map<Integer, long[]>> steps = r.steps();
        out.println("token balance across trainer ranks (sampler " + r.settings().sampler() + ")");
        out.printf(Locale.ROOT, "%-6s %6s %6s %16s %24s%n", "rank", "rows", "steps", "response tokens",
                "prompt+response tokens");
        long[][] totals = new long[steps.size()][3];
        int maxSteps = 0;
        for (int rank = 0; rank < steps.size(); rank++) {
            for (long[] s : steps.get(rank).values()) {
                for (int k = 0; k < 3; k++) {
                    totals[rank][k] += s[k];
                }
            }
            maxSteps = Math.max(maxSteps, steps.get(rank).size());
            out.printf(Locale.ROOT, "%-6d %6d %6d %,16d %,24d%n", rank, totals[rank][0], steps.get(rank).size(),
                    totals[rank][1], totals[rank][2]);
        }
        double mean = 0;
        double worst = 0;
        int counted = 0;
        for (int step = 0; step < maxSteps; step++) {
            long[] perRank = new long[steps.size()];
            for (int rank = 0; rank < steps.size(); rank++) {
                long[] s = steps.get(rank).get(step);
                perRank[rank] = s == null ? 0 : s[2];
            }
            double imb = imbalance(perRank);
            mean += imb;
            worst = Math.max(worst, imb);
            counted++;
        }
        mean = counted == 0 ? 0 : mean / counted;
        out.printf(Locale.ROOT, "imbalance (busiest rank over the mean): whole step %.1f%% of response tokens, %.1f%% "
                + "of prompt+response tokens%n", 100 * imbalance(column(totals, 1)),
                100 * imbalance(column(totals, 2)));
        out.printf(Locale.ROOT, "  per step (what a synchronous optimizer step waits for), prompt+response tokens: "
                + "mean %.1f%%, worst %.1f%% over %d steps%n", 100 * mean, 100 * worst, counted);
        if (r.settings().sampler().equals(DemoCommand.SEQLEN_BALANCED)) {
            out.println("  seqlen-balanced splits each global batch into per-rank shares of equal total_lengths (the "
                    + "tag), keeping the " + r.settings().n() + " responses of a prompt together");
        } else {
            out.println("  rank-aware gives each rank the next ready rows in order; compare with --sampler "
                    + "seqlen-balanced");
        }
    }

    private static long[] column(long[][] totals, int k) {
        long[] c = new long[totals.length];
        for (int i = 0; i < totals.length; i++) {
            c[i] = totals[i][k];
        }
        return c;
    }

    /** The busiest rank's excess over the mean: max / mean - 1 (0 when nothing was handled). */
    static double imbalance(long[] perRank) {
        long sum = 0;
        long max = 0;
        for (long v : perRank) {
            sum += v;
            max = Math.max(max, v);
        }
        if (sum == 0) {
            return 0;
        }
        double mean = sum / (double) perRank.length;
        return max / mean - 1;
    }

    private boolean checks(DemoResult r) {
        out.println("data check");
        boolean ok = true;
        if (r.failure() != null) {
            ok = false;
            fail("the step did not finish: " + describe(r.failure()));
        }
        int rows = r.settings().rows();
        if (r.ledger().rows().size() != rows) {
            ok = false;
            fail("rollout: " + r.ledger().rows().size() + " of " + rows + " rows were written");
        }
        for (Ledger.TaskCheck t : r.tasks()) {
            String who = t.task().equals(DemoRun.TRAIN) ? "across ranks 0 and 1 (" + r.stages().get(3).rows() + " + "
                    + r.stages().get(4).rows() + ")" : "";
            if (t.ok()) {
                pass("task " + t.task() + ": each of " + t.rows() + " rows received exactly once"
                        + (who.isEmpty() ? "" : " " + who));
            } else {
                ok = false;
                StringBuilder sb = new StringBuilder("task " + t.task() + ":");
                if (!t.missing().isEmpty()) {
                    sb.append(" ").append(t.missing().size()).append(" rows never received ").append(ids(t.missing()))
                            .append(";");
                }
                if (!t.repeated().isEmpty()) {
                    sb.append(" ").append(t.repeated().size()).append(" rows received more than once ")
                            .append(ids(t.repeated())).append(";");
                }
                if (!t.unknown().isEmpty()) {
                    sb.append(" ").append(t.unknown().size()).append(" rows received that no producer wrote ")
                            .append(ids(t.unknown())).append(";");
                }
                fail(sb.substring(0, sb.length() - 1) + (who.isEmpty() ? "" : " " + who));
            }
        }
        PartitionStats s = r.stats();
        if (s != null) {
            long train = s.consumedPerTask().getOrDefault(DemoRun.TRAIN, 0L);
            long reward = s.consumedPerTask().getOrDefault(DemoRun.REWARD, 0L);
            long reference = s.consumedPerTask().getOrDefault(DemoRun.REFERENCE, 0L);
            String line = "controller: partition " + (s.complete() ? "complete" : "NOT complete") + ", " + s.rows()
                    + " rows; consumed by reward " + reward + ", reference " + reference + ", train " + train;
            if (s.complete() && s.rows() == rows && train == rows && reward == rows && reference == rows) {
                pass(line);
            } else {
                ok = false;
                fail(line + " (expected " + rows + " each)");
            }
        }
        long cells = r.ledger().cellsChecked();
        long bad = r.ledger().mismatchCount();
        if (bad == 0 && cells > 0) {
            pass("checksums: " + cells + " cells recomputed by the consumers match what their producers wrote");
        } else if (cells == 0) {
            ok = false;
            fail("checksums: no cell was checked");
        } else {
            ok = false;
            fail("checksums: " + bad + " of " + cells + " cells differ from what their producer wrote:");
            for (Ledger.Mismatch m : r.ledger().mismatches()) {
                out.println("           " + m.describe());
            }
            if (bad > r.ledger().mismatches().size()) {
                out.println("           ... and " + (bad - r.ledger().mismatches().size()) + " more");
            }
        }
        if (r.settings().corruptRow() >= 0) {
            if (r.corruptedField() == null) {
                ok = false;
                fail("test hook: row " + r.settings().corruptRow() + " never reached the reward producer, nothing "
                        + "was altered");
            } else {
                out.println("  note   test hook --corrupt-row " + r.settings().corruptRow() + " altered field '"
                        + r.corruptedField() + "' of that row: the checksum check above must fail");
            }
        }
        return ok;
    }

    private void storage(DemoResult r) {
        StorageStats held = r.held();
        if (held.rows() < 0 && held.bytes() < 0) {
            return;
        }
        StringBuilder sb = new StringBuilder("storage '" + r.settings().backend() + "': ");
        sb.append(held.rows() < 0 ? "?" : held.rows()).append(" cells/rows, ")
                .append(held.bytes() < 0 ? "?" : bytes(held.bytes())).append(" held at the end of the step");
        StorageStats after = r.afterClear();
        if (after.rows() >= 0 || after.bytes() >= 0) {
            sb.append("; after clearPartition: ").append(after.rows() < 0 ? "?" : after.rows()).append(" cells/rows, ")
                    .append(after.bytes() < 0 ? "?" : bytes(after.bytes()));
        }
        out.println(sb);
    }

    private void next() {
        out.println("next, in README.md:");
        out.println("  \"Use it as a library\"   the calls each stage made: put, put(batch, meta), getMeta, get, the "
                + "StreamingDataLoader");
        out.println("  \"Storage backends\"      --backend rocksdb | redis | npu and their options (--set "
                + "tq.storage.<name>.*=...)");
        out.println("  \"Distributed mode\"      the controller and storage units as separate processes");
        out.println("  \"Benchmarks\"            transfer rates (this demo is a tour, not a benchmark)");
        out.println("and tq-cli/README.md, section \"tq demo\", or ./tq demo --help: this run's stages, output and "
                + "options");
    }

    private void pass(String s) {
        out.println("  [ok]   " + s);
    }

    private void fail(String s) {
        out.println("  [FAIL] " + s);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String ids(Set<Long> rows) {
        List<String> l = new ArrayList<>();
        Iterator<Long> it = rows.iterator();
        for (int i = 0; i < 10 && it.hasNext(); i++) {
            l.add(String.valueOf(it.next()));
        }
        return "[" + String.join(", ", l) + (rows.size() > 10 ? ", ..." : "") + "]";
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
