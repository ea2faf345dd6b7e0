package io.transferqueue.it.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One {@code redis-server} process started by a test: bound to 127.0.0.1 on a free port, persistence off, in a
 * fresh scratch directory, stopped by {@link #close()} (and by a shutdown hook if the test JVM dies first). It can
 * be killed, frozen and restarted on the same port for fault tests.
 */
final class RedisServer implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 15_000;

    private final Path executable;
    private final Path dir;
    private final boolean ownDir;
    private final int port;
    private final List<String> extraArgs;
    private Process process;
    private Thread shutdownHook;

    private RedisServer(Path executable, Path dir, boolean ownDir, int port, List<String> extraArgs) {
        this.executable = executable;
        this.dir = dir;
        this.ownDir = ownDir;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** Starts a standalone server on a free port, in a new scratch directory. */
    static RedisServer start(Path executable, String... extraArgs) throws IOException {
        return start(executable, null, false, extraArgs);
    }

    /**
     * Starts a server on a free port (and, with {@code clusterBus}, a free port + 10000), retrying on another port
     * if the chosen one was taken meanwhile.
     *
     * @param dir its scratch directory, or null for a new one (deleted on close)
     */
    static RedisServer start(Path executable, Path dir, boolean clusterBus, String... extraArgs) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = FreePorts.redisPort(clusterBus);
            boolean own = dir == null;
            Path d = own ? Files.createTempDirectory("tq-redis-it-") : dir;
            RedisServer s = new RedisServer(executable, d, own, port, List.of(extraArgs));
            try {
                s.launch();
                return s;
            } catch (IOException e) {
                last = e;
                s.close();
            }
        }
        throw last;
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--logfile", "redis-" + port + ".log"));
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".out").toFile()).start();
        process = p;
        shutdownHook = new Thread(p::destroyForcibly, "redis-it-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited with " + p.exitValue() + ": " + log());
            }
            if (Resp.isUp(port)) {
                return;
            }
            sleep(20);
        }
        stop();
        throw new IOException("redis-server on port " + port + " did not answer PING within " + START_TIMEOUT_MS
                + " ms: " + log());
    }

    /** Starts the server again on the same port and directory (after {@link #kill()} or {@link #stop()}). */
    void restart() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is still running");
        }
        launch();
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() {
        end(true);
    }

    /** SIGTERM (SIGKILL if it does not exit within 10 s), and waits for the process to be gone. */
    void stop() {
        end(false);
    }

    /** SIGSTOP: the server keeps its sockets but answers nothing until {@link #resume()}. */
    void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", sig, String.valueOf(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill " + sig + " " + process.pid() + " failed");
        }
    }

    private void end(boolean force) {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            if (p.isAlive()) {
                try {
                    signal("-CONT"); // a frozen server cannot handle SIGTERM
                } catch (IOException | RuntimeException e) {
                    // best effort: SIGKILL below still works
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (force) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            process = null;
            removeHook();
        }
    }

    private void removeHook() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
            shutdownHook = null;
        }
    }

    /** The server's log, for failure messages. */
    String log() {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("redis-" + port + ".out", "redis-" + port + ".log")) {
            Path f = dir.resolve(name);
            try {
                if (Files.exists(f)) {
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    sb.append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
                }
            } catch (IOException e) {
                sb.append("(cannot read ").append(f).append(": ").append(e).append(')');
            }
        }
        return sb.toString();
    }

    /** Stops the server and deletes its scratch directory if it created it. */
    @Override
    public void close() {
        stop();
        if (ownDir) {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "redis-server on 127.0.0.1:" + port + (isRunning() ? "" : " (stopped)");
    }
}
