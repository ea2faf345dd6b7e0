package io.transferqueue.it.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.cli.TqCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tq bench} on the redis backend and its raw Lettuce baseline, at the debug scale: against a server this test
 * starts ({@code --redis-uri}), and with the redis-server the benchmark starts itself from the PATH.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisBenchIT {
    private static RedisServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServer.start(LocalRedis.requireServer());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void aDebugRunAgainstAGivenServerWritesResultsThatParse(@TempDir Path dir) throws Exception {
        Run run = Run.of("bench", "--backends", "redis", "--redis-uri", server.uri(), "--scales", "debug",
                "--iterations", "1", "--warmup", "0", "--controller-rows", "none", "--out", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("[redis] Redis " + server.uri());
        List<Map<String, String>> rows = csv(dir.resolve("results.csv"));
        assertThat(rows).extracting(r -> r.get("side") + " " + r.get("op")).containsExactly("redis PUT", "redis GET",
                "raw-lettuce PUT", "raw-lettuce GET");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("scale")).isEqualTo("debug");
            assertThat(Long.parseLong(r.get("bytes"))).isEqualTo(32 * 128 * (4 + 8));
            assertThat(Double.parseDouble(r.get("median_gbps"))).isPositive();
        });
        assertThat(rows.subList(0, 2)).allSatisfy(r -> {
            assertThat(r.get("baseline")).isEqualTo("raw-lettuce");
            assertThat(Double.parseDouble(r.get("ratio"))).isPositive();
        });
        // nothing is left behind on the server: the backend's partition and the raw keys are cleared
        assertThat(Resp.call(server.port(), "DBSIZE")).isEqualTo("0");
    }

    @Test
    void withoutAUriTheBenchmarkStartsItsOwnRedisServer(@TempDir Path dir) throws Exception {
        Run run = Run.of("bench", "--backends", "redis", "--scales", "debug", "--iterations", "1", "--warmup", "0",
                "--controller-rows", "none", "--out", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("[redis] local redis-server redis://127.0.0.1:");
        assertThat(csv(dir.resolve("results.csv"))).hasSize(4);
    }

    @Test
    void aCorruptedByteFailsTheRun(@TempDir Path dir) {
        Run run = Run.of("bench", "--backends", "redis", "--redis-uri", server.uri(), "--scales", "debug",
                "--iterations", "1", "--warmup", "0", "--controller-rows", "none", "--corrupt", "--out",
                dir.toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
        assertThat(run.err).contains("checksum mismatch: redis, scale debug, field f0");
    }

    private record Run(int exitCode, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new TqCommand());
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(), err.toString());
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }
    }

    private static List<Map<String, String>> csv(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertThat(cells).as("columns of %s", line).hasSize(header.size());
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < cells.length; c++) {
                row.put(header.get(c), cells[c]);
            }
            rows.add(row);
        }
        return rows;
    }
}
