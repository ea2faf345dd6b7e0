package io.transferqueue.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {
    private static final long GIB = 1L << 30;

    @Test
    void largeScalesDoNotFitThisKindOfMachineAndSaySo() {
        assertThat(MemoryPlan.problem(Scale.parse("large"), false, List.of("simple"), 16 * GIB, 24 * GIB))
                .hasValueSatisfying(m -> assertThat(m).contains("scale large (2048×128000×5", "this machine has 24.0 GiB"));
    }

    @Test
    void aHeapTooSmallForTheScaleIsNamedWithTheOptionToRaiseIt() {
        assertThat(MemoryPlan.problem(Scale.parse("debug,medium"), false, List.of("simple"), 4 * GIB, 64 * GIB))
                .hasValueSatisfying(m -> assertThat(m).contains("scale medium", "this JVM may use 4.0 GiB",
                        "TQ_JAVA_OPTS"));
    }

    @Test
    void smallScalesFitAnything() {
        assertThat(MemoryPlan.problem(Scale.parse("debug,tiny"), true, List.of("simple", "redis"), 2 * GIB, -1))
                .isEmpty();
    }

    @Test
    void mediumFitsTheLaunchersBenchHeapOnTheProjectMachine() {
        assertThat(MemoryPlan.problem(Scale.parse(Scale.DEFAULT), false, List.of("simple", "simple-remote", "rocksdb",
                "redis", "npu"), 8 * GIB, 24 * GIB)).isEmpty();
    }

    @Test
    void unitProcessesGetThreeTimesTheirSharePlusHalfAGibibyte() {
        assertThat(MemoryPlan.childHeap(50_000, 2)).isEqualTo(768L << 20);
        // medium: 3 × 768 MiB + 512 MiB
        assertThat(MemoryPlan.childHeap(Workload.bytesOf(Scale.parse("medium").get(0), Workload.PUT_BENCHMARK), 2))
                .isEqualTo(2816L << 20);
    }
}
