package io.transferqueue.cli.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.cli.TqCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tq demo} end to end, in-process through {@link TqCommand#run}, at a small size. */
class DemoCommandTest {

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Run demo(String... args) {
        List<String> all = new ArrayList<>();
        all.add("demo");
        all.addAll(List.of(args));
        return tq(all.toArray(new String[0]));
    }

    /** Runs {@code tq args} with System.out and System.err captured. */
    static Run tq(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, UTF_8));
            System.setErr(new PrintStream(err, true, UTF_8));
            int code = TqCommand.run(args);
            return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Stream<Arguments> passingSteps() {
        return Stream.of(
                Arguments.of("default sampler", new String[] {"--rows", "64"}),
                Arguments.of("a last, smaller batch", new String[] {"--rows", "72"}),
                Arguments.of("rank-aware", new String[] {"--rows", "72", "--sampler", "rank-aware"}),
                Arguments.of("groups of one", new String[] {"--rows", "40", "--n", "1"}),
                Arguments.of("extra fields", new String[] {"--rows", "48", "--n", "2", "--fields", "2", "--seed", "7"}),
                Arguments.of("npu, host runtime", new String[] {"--rows", "64", "--backend", "npu", "--set",
                    "tq.storage.npu.runtime=host"}),
                Arguments.of("npu, rank-aware", new String[] {"--rows", "64", "--backend", "npu", "--sampler",
                    "rank-aware", "--set", "tq.storage.npu.runtime=host"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passingSteps")
    void aStepPassesEveryCheck(String name, String[] args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--plain");
        Run r = demo(a.toArray(new String[0]));
        int rows = Integer.parseInt(args[1]);

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out())
                .contains("[ok]   task reward: each of " + rows + " rows received exactly once")
                .contains("[ok]   task reference: each of " + rows + " rows received exactly once")
                .contains("[ok]   task train: each of " + rows + " rows received exactly once across ranks 0 and 1")
                .contains("[ok]   controller: partition complete, " + rows + " rows; consumed by reward " + rows
                        + ", reference " + rows + ", train " + rows)
                .containsPattern("\\[ok] {3}checksums: \\d+ cells recomputed by the consumers match")
                .contains("result: PASS")
                .contains("token balance across trainer ranks")
                .contains("next, in README.md:")
                .doesNotContain("[FAIL]")
                // plain progress lines, no cursor movement
                .contains("100%")
                .doesNotContain("\033[");
    }

    @Test
    void theSummaryHasOneLinePerStage() {
        Run r = demo("--rows", "64", "--plain");

        assertThat(r.code()).as(r.all()).isZero();
        for (String stage : List.of("rollout", "reward", "reference", "train rank 0", "train rank 1", "whole step")) {
            assertThat(r.out()).containsPattern("(?m)^" + stage + " +");
        }
        assertThat(r.out()).contains("storage 'simple'").contains("after clearPartition: 0 cells/rows");
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "npu"})
    void aCorruptedCellFailsTheCheckNamingRowAndField(String backend) {
        Run r = demo("--rows", "64", "--plain", "--backend", backend, "--set", "tq.storage.npu.runtime=host",
                "--corrupt-row", "5");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out())
                .contains("[FAIL] checksums:")
                .containsPattern("row 5 field 'responses': train rank [01] received crc32c [0-9a-f]{8}, rollout wrote "
                        + "[0-9a-f]{8}")
                .contains("result: FAIL")
                // only the cell the hook altered differs, and rows are still received exactly once
                .doesNotContainPattern("row (?!5 )\\d+ field")
                .contains("[ok]   task train: each of 64 rows received exactly once");
        assertThat(r.err()).contains("the data check failed");
    }

    static Stream<Arguments> invalidOptions() {
        return Stream.of(
                Arguments.of(new String[] {"--rows", "510"}, "--rows must be a multiple of 2 x --n = 8"),
                Arguments.of(new String[] {"--rows", "0"}, "--rows must be a multiple"),
                Arguments.of(new String[] {"--rows", "7", "--n", "1"}, "--rows must be a multiple of 2 x --n = 2"),
                Arguments.of(new String[] {"--rows", "abc"}, "'abc' is not an int"),
                Arguments.of(new String[] {"--n", "0"}, "--n must be between 1 and 64, got 0"),
                Arguments.of(new String[] {"--fields", "-1"}, "--fields must be between 0 and 64, got -1"),
                Arguments.of(new String[] {"--rows", "16000", "--fields", "64"},
                    "--rows 16000 with --fields 64 would hold about 4.0 GiB in one step"),
                Arguments.of(new String[] {"--sampler", "sequential"},
                    "--sampler must be seqlen-balanced or rank-aware, got 'sequential'"),
                Arguments.of(new String[] {"--backend", "no-such-backend"},
                    "unknown storage backend 'no-such-backend' (from --backend); backends found on the class path: "),
                Arguments.of(new String[] {"--redis-uri", "redis://127.0.0.1:1"},
                    "--redis-uri applies to --backend redis only"),
                Arguments.of(new String[] {"--set", "storage.backend=npu"}, "--set takes tq.* options"),
                Arguments.of(new String[] {"--set", "tq.no-such-option=1"},
                    "unknown configuration key 'tq.no-such-option' (from --set)"),
                Arguments.of(new String[] {"--set", "tq.storage.simple.units=two"}, "tq.storage.simple.units"),
                Arguments.of(new String[] {"--timeout", "0"}, "--timeout must be a positive number of seconds"),
                Arguments.of(new String[] {"--rows", "64", "--corrupt-row", "64"},
                    "--corrupt-row must name a row of the step, 0 to 63, got 64"),
                Arguments.of(new String[] {"--no-such-option"}, "Unknown option: '--no-such-option'"));
    }

    @ParameterizedTest
    @MethodSource("invalidOptions")
    void invalidOptionsExitWith2AndSayWhy(String[] args, String message) {
        Run r = demo(args);

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).doesNotContain("data check");
    }

    @Test
    void helpListsTheOptionsButNotTheTestHook() {
        Run r = demo("--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--backend", "--redis-uri", "--rows", "--n", "--fields", "--seed", "--sampler",
                "--plain", "--set", "Exit codes:").doesNotContain("corrupt");
    }

    @Test
    void demoIsASubcommandOfTq() {
        Run r = tq("--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("(?m)^\\s+demo\\s+Run one GRPO-style step");
    }
}
