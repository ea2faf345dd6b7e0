package io.transferqueue.cli.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Shows how far each stage got while the demo runs, from one daemon thread that samples the stage counters: on a
 * terminal, bars redrawn in place (ANSI cursor movement); otherwise plain lines, one when a stage crosses a quarter
 * of its rows. The stages never wait for the display.
 */
final class Progress implements AutoCloseable {
    private static final int BAR = 30;
    private static final long TERMINAL_PERIOD_NANOS = 100_000_000L;
    private static final long PLAIN_PERIOD_NANOS = 20_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final List<Line> lines = new ArrayList<>();
    private final long startNanos;
    private Thread thread;
    private volatile boolean stopping;
    private int drawnLines;

    Progress(PrintWriter out, boolean terminal, long startNanos) {
        this.out = out;
        this.terminal = terminal;
        this.startNanos = startNanos;
    }

    /** Adds a line: {@code done} of {@code total} rows, with {@code detail} after the counts. */
    Progress line(String label, Supplier<Long> done, long total, Supplier<String> detail) {
        lines.add(new Line(label, done, total, detail));
        return this;
    }

    /** Starts the display thread. */
    void start() {
        thread = new Thread(this::loop, "tq-demo-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** Prints a message between progress updates (above the bars on a terminal). */
    void note(String message) {
        synchronized (out) {
            if (terminal && drawnLines > 0) {
                out.print("\033[" + drawnLines + "F\033[J");
                drawnLines = 0;
            }
            out.println(message);
            out.flush();
        }
    }

    private void loop() {
        long period = terminal ? TERMINAL_PERIOD_NANOS : PLAIN_PERIOD_NANOS;
        while (!stopping) {
            render();
            LockSupport.parkNanos(period);
        }
    }

    private void render() {
        synchronized (out) {
            if (terminal) {
                StringBuilder sb = new StringBuilder();
                if (drawnLines > 0) {
                    sb.append("\033[").append(drawnLines).append('F');
                }
                for (Line l : lines) {
                    sb.append("\033[2K").append(l.bar()).append('\n');
                }
                out.print(sb);
                drawnLines = lines.size();
            } else {
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                for (Line l : lines) {
                    String s = l.milestone();
                    if (s != null) {
                        out.printf("%7.2fs  %s%n", seconds, s);
                    }
                }
            }
            out.flush();
        }
    }

    /** Draws the final state and stops the thread. Idempotent. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        render();
    }

    private static final class Line {
        final String label;
        final Supplier<Long> done;
        final long total;
        final Supplier<String> detail;
        int quarter;

        Line(String label, Supplier<Long> done, long total, Supplier<String> detail) {
            this.label = label;
            this.done = done;
            this.total = total;
            this.detail = detail;
        }

        String bar() {
            long d = done.get();
            int filled = total <= 0 ? 0 : (int) Math.min(BAR, d * BAR / total);
            String extra = detail.get();
            return String.format("  %-10s [%s%s] %6d/%d rows %4d%%%s", label, "#".repeat(filled),
                    "-".repeat(BAR - filled), d, total, percent(d), extra.isEmpty() ? "" : "  " + extra);
        }

        /** A line when the stage crossed into a new quarter since the last call, else null. */
        String milestone() {
            long d = done.get();
            int q = total <= 0 ? 0 : (int) Math.min(4, d * 4 / total);
            if (q <= quarter) {
                return null;
            }
            quarter = q;
            String extra = detail.get();
            return String.format("%-10s %6d/%d rows %4d%%%s", label, d, total, percent(d),
                    extra.isEmpty() ? "" : "  " + extra);
        }

        private int percent(long d) {
            return total <= 0 ? 0 : (int) (d * 100 / total);
        }
    }
}
