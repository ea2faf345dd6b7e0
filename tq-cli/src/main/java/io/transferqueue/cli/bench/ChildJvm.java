package io.transferqueue.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM on this JVM's class path (the processes of the distributed layout); its output is collected line by
 * line. Whoever starts one closes it: {@link #close()} terminates it (SIGTERM, then SIGKILL after 10 s).
 */
final class ChildJvm implements AutoCloseable {
    private static final int KEPT_LINES = 200;

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private final Thread shutdownHook;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        // a bench stopped with Ctrl-C must not leave its servers behind
        this.shutdownHook = new Thread(process::destroyForcibly, "tq-bench-child-stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        if (lines.size() > KEPT_LINES * 2) {
                            lines.subList(KEPT_LINES, lines.size() - KEPT_LINES).clear();
                        }
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "tq-bench-child-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} with {@code jvmOptions} (heap, GC, {@code -D} properties) and {@code args}.
     */
    static ChildJvm start(String name, List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new ChildJvm(name, p);
    }

    /**
     * Waits for an output line matching {@code regex} and returns its first group (or the whole line).
     *
     * @throws IllegalStateException if the process ends or the time passes first, with its output
     */
    String await(String regex, Duration within) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + within.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = p.matcher(lines.get(seen));
                    if (m.find()) {
                        return m.groupCount() > 0 ? m.group(1) : m.group();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
                    throw new IllegalStateException(name + " (pid " + process.pid() + ") did not print /" + regex
                            + "/ within " + within + (process.isAlive() ? "" : "; it exited with "
                            + process.exitValue()) + "; its output:\n" + output());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        Processes.stop(process, shutdownHook);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
