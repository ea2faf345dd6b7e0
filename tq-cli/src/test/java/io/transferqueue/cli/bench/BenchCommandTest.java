package io.transferqueue.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

/**
 * {@code tq bench} end to end at the debug scale, on every backend CI has here (redis runs as an integration test
 * against a local redis-server): it completes, writes a CSV whose rows parse and a chart that is well-formed XML,
 * and a corrupted byte fails the run, naming backend, scale and field.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BenchCommandTest {
    private static String baselineOf(String backend) {
        return switch (backend) {
            case "simple" -> "memcpy-heap";
            case "simple-remote" -> "raw-jeromq";
            case "rocksdb" -> "raw-rocksdbjni";
            case "npu" -> "memcpy-direct";
            default -> throw new IllegalArgumentException("no baseline known for " + backend);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "simple-remote", "rocksdb", "npu"})
    void aDebugRunCompletesAndWritesResultsThatParse(String backend, @TempDir Path dir) throws Exception {
        BenchRun run = BenchRun.of("bench", "--backends", backend, "--scales", "debug", "--iterations", "1",
                "--warmup", "0", "--controller-rows", "none", "--out", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).as(run.toString()).doesNotContain("skipped");
        List<Map<String, String>> rows = BenchRun.csv(dir.resolve("results.csv"));
        List<String> expectedOps = backend.equals("simple") ? List.of("PUT", "GET", "GET-zc") : List.of("PUT", "GET");
        assertThat(rows).hasSize(expectedOps.size() + 2);
        for (Map<String, String> r : rows) {
            assertThat(r.get("backend")).isEqualTo(backend);
            assertThat(r.get("scale")).isEqualTo("debug");
            assertThat(r.get("workload")).isEqualTo("put_benchmark");
            assertThat(r.get("shape")).isEqualTo("32x128x2");
            // f0 float32 [32, 128] + f1 int64 jagged with the same element count
            assertThat(Long.parseLong(r.get("bytes"))).isEqualTo(32 * 128 * (4 + 8));
            assertThat(Integer.parseInt(r.get("iterations"))).isEqualTo(1);
            double median = Double.parseDouble(r.get("median_gbps"));
            assertThat(median).isPositive();
            assertThat(Double.parseDouble(r.get("min_gbps"))).isEqualTo(median);
            assertThat(Double.parseDouble(r.get("max_gbps"))).isEqualTo(median);
        }
        assertThat(rows).filteredOn(r -> r.get("kind").equals("backend")).extracting(r -> r.get("op"))
                .containsExactlyElementsOf(expectedOps);
        assertThat(rows).filteredOn(r -> r.get("kind").equals("backend")).allSatisfy(r -> {
            assertThat(r.get("side")).isEqualTo(backend);
            assertThat(r.get("baseline")).isEqualTo(baselineOf(backend));
            assertThat(Double.parseDouble(r.get("ratio"))).isCloseTo(Double.parseDouble(r.get("median_gbps"))
                    / Double.parseDouble(r.get("baseline_median_gbps")), withinPercentage(1));
        });
        assertThat(rows).filteredOn(r -> r.get("kind").equals("baseline")).allSatisfy(r -> {
            assertThat(r.get("side")).isEqualTo(baselineOf(backend));
            assertThat(r.get("ratio")).isEmpty();
        }).extracting(r -> r.get("op")).containsExactly("PUT", "GET");

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("results.svg")
                .toFile());
        assertThat(svg.getDocumentElement().getNodeName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagName("rect").getLength()).isGreaterThanOrEqualTo(expectedOps.size());
        assertThat(Files.readString(dir.resolve("results.md"))).contains("| debug | 32×128×2 | 0.049 | " + backend + " |");
        assertThat(BenchRun.csv(dir.resolve("controller.csv"))).isEmpty();
    }

    @Test
    void theRemoteLayoutRunsAControllerAndTwoUnitProcessesAndTheRawBaselineInsideThem(@TempDir Path dir) {
        BenchRun run = BenchRun.of("bench", "--backends", "simple-remote", "--scales", "debug", "--iterations", "2",
                "--warmup", "1", "--controller-rows", "none", "--out", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("[simple-remote] controller controller (pid ")
                .contains("and 2 storage units [storage-unit-0 (pid ").contains("raw-jeromq PUT")
                .contains("[heap] touched").contains("(-Xms768m -XX:+AlwaysPreTouch -Xmx768m");
    }

    @Test
    void withoutPretouchNeitherThisJvmNorTheUnitsTouchTheirHeap(@TempDir Path dir) {
        BenchRun run = BenchRun.of("bench", "--backends", "simple-remote", "--scales", "debug", "--iterations", "1",
                "--warmup", "0", "--controller-rows", "none", "--no-pretouch", "--out", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).doesNotContain("[heap] touched").doesNotContain("AlwaysPreTouch").contains("(-Xmx768m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "simple-remote", "rocksdb", "npu"})
    void aCorruptedByteFailsTheRunNamingBackendScaleAndField(String backend, @TempDir Path dir) {
        BenchRun run = BenchRun.of("bench", "--backends", backend, "--scales", "debug", "--iterations", "1",
                "--warmup", "0", "--controller-rows", "none", "--corrupt", "--out", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
        assertThat(run.err).contains("checksum mismatch: " + backend + ", scale debug, field f0: CRC32C");
        assertThat(run.out).contains("- FAILED checksum mismatch: " + backend);
    }

    @Test
    void theComplexCaseRunsDenseJaggedAndStringFieldsOnEveryBackend(@TempDir Path dir) throws IOException {
        BenchRun run = BenchRun.of("bench", "--backends", "simple,simple-remote,rocksdb,npu", "--complex", "--scales",
                "debug", "--iterations", "1", "--warmup", "0", "--controller-rows", "none", "--out", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        List<Map<String, String>> complex = BenchRun.csv(dir.resolve("results.csv")).stream()
                .filter(r -> r.get("workload").equals("complex")).toList();
        assertThat(complex).extracting(r -> r.get("backend")).contains("simple", "simple-remote", "rocksdb", "npu");
        // 32 rows: f0 float32 [32, 128], f1 float32 rows of 1..128 elements, f2 strings of 512 hex characters
        int jagged = 0;
        for (int l : Workload.progression(32, 128)) {
            jagged += l;
        }
        long bytes = 32 * 128 * 4 + jagged * 4L + 32 * 512;
        assertThat(complex).allSatisfy(r -> {
            assertThat(r.get("shape")).isEqualTo("32x128x3");
            assertThat(Long.parseLong(r.get("bytes"))).isEqualTo(bytes);
        });
        assertThat(Files.readString(dir.resolve("results.md"))).contains("| debug+complex |");
    }

    @Test
    void theControllerScaleWritesOneRowPerRowCount(@TempDir Path dir) throws IOException {
        BenchRun run = BenchRun.of("bench", "--backends", "simple", "--scales", "debug", "--iterations", "1",
                "--warmup", "0", "--controller-rows", "2000,4000", "--out", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        List<Map<String, String>> rows = BenchRun.csv(dir.resolve("controller.csv"));
        assertThat(rows).extracting(r -> r.get("rows")).containsExactly("2000", "4000");
        assertThat(rows).allSatisfy(r -> {
            assertThat(Double.parseDouble(r.get("notify_rows_per_s"))).isPositive();
            assertThat(Double.parseDouble(r.get("fetch_rows_per_s"))).isPositive();
            assertThat(Double.parseDouble(r.get("heap_bytes_per_row_accounted"))).isPositive();
        });
        assertThat(run.out).contains("controller notify ≥ 500,000 rows/s: **");
    }

    @Test
    void aRedisServerThatWasGivenButCannotBeReachedFailsTheRunInsteadOfBeingSkipped(@TempDir Path dir) {
        BenchRun run = BenchRun.of("bench", "--backends", "redis", "--redis-uri", "redis://127.0.0.1:1", "--scales",
                "debug", "--iterations", "1", "--warmup", "0", "--controller-rows", "none", "--no-pretouch", "--out",
                dir.toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
        assertThat(run.err).contains("cannot open redis").contains("127.0.0.1:1");
        assertThat(run.out).doesNotContain("skipped");
    }

    @Test
    void aScaleThatCannotFitIsRefusedUpFront(@TempDir Path dir) {
        Path out = dir.resolve("out");
        BenchRun run = BenchRun.of("bench", "--backends", "simple", "--scales", "debug,huge", "--out", out.toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        assertThat(run.err).contains("refusing to start: scale huge (4096×128000×10").contains("GiB");
        assertThat(out).doesNotExist();
    }

    @Test
    void unknownNamesAreUsageErrors(@TempDir Path dir) {
        BenchRun backend = BenchRun.of("bench", "--backends", "simple,mooncake", "--out", dir.toString());
        BenchRun scale = BenchRun.of("bench", "--scales", "gigantic", "--out", dir.toString());

        assertThat(backend.exitCode).isEqualTo(2);
        assertThat(backend.err).contains("unknown backend 'mooncake'; known: simple, simple-remote, rocksdb, redis, npu");
        assertThat(scale.exitCode).isEqualTo(2);
        assertThat(scale.err).contains("unknown scale 'gigantic'; known: debug, tiny, small, medium, large");
    }

    @Test
    void helpDocumentsTheOptionsAndTheCommandIsRegistered() {
        BenchRun help = BenchRun.of("bench", "--help");
        BenchRun top = BenchRun.of("--help");

        assertThat(help.exitCode).isZero();
        assertThat(help.out).contains("--backends", "--scales", "--iterations", "--warmup", "--out", "--redis-uri",
                "--complex", "--controller-rows", "--units", "--child-java-opts", "--npu-runtime", "--seed")
                .doesNotContain("--corrupt");
        assertThat(top.out).contains("bench");
    }
}
