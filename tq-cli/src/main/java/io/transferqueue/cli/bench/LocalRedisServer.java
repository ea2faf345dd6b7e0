package io.transferqueue.cli.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} from the PATH that the benchmark starts when no {@code --redis-uri} is given: loopback, a
 * free port, persistence off, a scratch directory; stopped (and the directory deleted) by {@link #close()}.
 */
final class LocalRedisServer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;
    private final Thread shutdownHook;

    private LocalRedisServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.shutdownHook = new Thread(process::destroyForcibly, "tq-bench-redis-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** {@code redis-server} on the PATH, if any. */
    static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, "redis-server");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts {@code executable} and waits (up to 15 s) until it answers PING. */
    static LocalRedisServer start(Path executable) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path dir = Files.createTempDirectory("tq-bench-redis-");
            Process p = new ProcessBuilder(List.of(executable.toString(), "--port", String.valueOf(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                    "--logfile", "redis.log")).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile()).start();
            LocalRedisServer s = new LocalRedisServer(p, dir, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (p.isAlive() && System.nanoTime() < deadline) {
                if (ping(port)) {
                    return s;
                }
                Thread.sleep(20);
            }
            last = new IOException("redis-server on 127.0.0.1:" + port + " did not answer PING within 15 s"
                    + (p.isAlive() ? "" : " (it exited with " + p.exitValue() + ")") + ": " + s.log());
            s.close();
        }
        throw last;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private String log() {
        try {
            Path f = dir.resolve("redis.log");
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(cannot read the log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean ping(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        Processes.stop(process, shutdownHook);
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
