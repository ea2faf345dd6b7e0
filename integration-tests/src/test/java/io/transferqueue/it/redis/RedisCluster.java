package io.transferqueue.it.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of three masters (no replicas) on loopback ports, started by a test: three
 * {@code redis-server --cluster-enabled yes} processes in fresh scratch directories joined with
 * {@code redis-cli --cluster create}. {@link #close()} stops them all and deletes the directories, also when
 * creating the cluster failed half way.
 */
final class RedisCluster implements AutoCloseable {
    private static final long READY_TIMEOUT_MS = 60_000;

    private final Path root;
    private final List<RedisServer> masters;

    private RedisCluster(Path root, List<RedisServer> masters) {
        this.root = root;
        this.masters = masters;
    }

    static RedisCluster start(Path server, Path cli) throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("tq-redis-cluster-it-");
        List<RedisServer> masters = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(root, masters);
        try {
            for (int i = 0; i < 3; i++) {
                Path dir = Files.createDirectory(root.resolve("node-" + i));
                // the config file name needs the port, known only once started: one file per directory is enough
                masters.add(RedisServer.start(server, dir, true, "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"));
            }
            List<String> cmd = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            for (RedisServer m : masters) {
                cmd.add("127.0.0.1:" + m.port());
            }
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Path out = root.resolve("cluster-create.out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IOException("redis-cli --cluster create did not finish: " + Files.readString(out));
            }
            if (p.exitValue() != 0) {
                throw new IOException("redis-cli --cluster create failed (" + p.exitValue() + "): "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            cluster.awaitOk();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Waits until every node reports {@code cluster_state:ok}. */
    void awaitOk() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (RedisServer m : masters) {
                String info;
                try {
                    info = Resp.call(m.port(), "CLUSTER", "INFO");
                } catch (IOException e) {
                    info = e.toString();
                }
                if (info == null || !info.contains("cluster_state:ok")) {
                    ok = false;
                    last = m + ": " + info;
                    break;
                }
            }
            if (ok) {
                return;
            }
            RedisServer.sleep(50);
        }
        throw new IOException("the cluster did not reach cluster_state:ok within " + READY_TIMEOUT_MS + " ms; last: "
                + last);
    }

    List<RedisServer> masters() {
        return masters;
    }

    /** The seed URIs, comma-separated (the value of tq.storage.redis.cluster-nodes). */
    String seeds() {
        List<String> s = new ArrayList<>();
        for (RedisServer m : masters) {
            s.add(m.uri());
        }
        return String.join(",", s);
    }

    @Override
    public void close() {
        for (RedisServer m : masters) {
            m.stop();
        }
        RedisServer.deleteTree(root);
    }
}
