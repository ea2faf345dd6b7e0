package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.TqConfig;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ConfigException;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the runtime is chosen. "No vendor library present" is made deterministic on any machine by pointing the
 * library options at an empty folder; the vendor libraries that are present are the fakes the build makes.
 */
class RuntimeSelectionTest {
    @TempDir
    Path empty;

    private String missingAcl() {
        return empty.resolve("libascendcl.so").toString();
    }

    private List<String> missingCuda() {
        return List.of(empty.resolve("libcudart.so").toString(), empty.resolve("libcudart.so.12").toString());
    }

    private TqConfig noVendorLibraries(NpuRuntimeKind runtime) {
        return NpuTestConfigs.auto().with(NpuOptions.RUNTIME, runtime)
                .with(NpuOptions.ACL_LIBRARIES, List.of(missingAcl()))
                .with(NpuOptions.CUDA_LIBRARIES, missingCuda());
    }

    private static StorageManager create(TqConfig config) {
        return new NpuStorageFactory().create(config, StorageContext.of("selection-test",
                RuntimeSelectionTest.class.getClassLoader()));
    }

    /** What slf4j-simple (the test logger, writing to System.err) printed while {@code action} ran. */
    private static <T> T capturingLog(StringBuilder log, Supplier<T> action) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            return action.get();
        } finally {
            System.setErr(original);
            log.append(bytes.toString(StandardCharsets.UTF_8));
            original.print(log);
        }
    }

    @Test
    void autoPicksHostWhenNoVendorLibraryIsPresentAndLogsWhichLibrariesItTried() {
        StringBuilder log = new StringBuilder();
        try (StorageManager m = capturingLog(log, () -> create(noVendorLibraries(NpuRuntimeKind.AUTO)))) {
            NpuDevice d = m.unwrap(NpuDevice.class);
            assertThat(d.runtime()).isEqualTo(NpuRuntimeKind.HOST);
            assertThat(d.library()).isEmpty();
            assertThat(d.selection()).contains("tq.storage.npu.runtime=auto", missingAcl(), missingCuda().get(0),
                    missingCuda().get(1));
            assertThat(m.capabilities()).doesNotContain(Capability.REMOTE);
        }
        assertThat(log).as("the INFO line of the choice")
                .containsPattern("INFO .*npu storage: host runtime .*tq.storage.npu.runtime=auto, no device found")
                .contains(missingAcl(), missingCuda().get(0), missingCuda().get(1));
    }

    @Test
    void requiredFailsAtStartNamingEveryLibraryItLookedFor() {
        assertThatThrownBy(() -> create(noVendorLibraries(NpuRuntimeKind.AUTO).with(NpuOptions.REQUIRED, true)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("tq.storage.npu.required is true")
                .hasMessageContaining("looked for " + missingAcl())
                .hasMessageContaining("looked for " + String.join(", ", missingCuda()))
                .hasMessageContaining("cannot open shared object file");
    }

    @Test
    void anExplicitRuntimeThatIsMissingFallsBackToHostWithAWarning() {
        StringBuilder log = new StringBuilder();
        try (StorageManager m = capturingLog(log, () -> create(noVendorLibraries(NpuRuntimeKind.ACL)))) {
            assertThat(m.unwrap(NpuDevice.class).runtime()).isEqualTo(NpuRuntimeKind.HOST);
        }
        assertThat(log).containsPattern("WARN .*falling back to the host runtime").contains(missingAcl())
                .contains("tq.storage.npu.required=true");
    }

    @Test
    void anExplicitRuntimeThatIsMissingFailsWhenRequired() {
        assertThatThrownBy(() -> create(noVendorLibraries(NpuRuntimeKind.CUDA).with(NpuOptions.REQUIRED, true)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("looked for " + String.join(", ", missingCuda()))
                .hasMessageNotContaining(missingAcl());
    }

    @Test
    void autoTakesAclFirstThenCuda() {
        String acl = NpuTestConfigs.fakeLibrary("tq.npu.test.fake-acl");
        String cuda = NpuTestConfigs.fakeLibrary("tq.npu.test.fake-cuda");
        TqConfig both = NpuTestConfigs.auto().with(NpuOptions.ACL_LIBRARIES, List.of(missingAcl(), acl))
                .with(NpuOptions.CUDA_LIBRARIES, List.of(cuda));
        try (StorageManager m = create(both)) {
            assertThat(m.unwrap(NpuDevice.class).runtime()).isEqualTo(NpuRuntimeKind.ACL);
            assertThat(m.unwrap(NpuDevice.class).library()).contains(acl);
            assertThat(m.unwrap(NpuDevice.class).selection()).contains(missingAcl());
        }
        try (StorageManager m = create(both.with(NpuOptions.ACL_LIBRARIES, List.of(missingAcl())))) {
            NpuDevice d = m.unwrap(NpuDevice.class);
            assertThat(d.runtime()).isEqualTo(NpuRuntimeKind.CUDA);
            assertThat(d.library()).contains(cuda);
            assertThat(d.selection()).contains("acl unavailable (looked for " + missingAcl());
        }
    }

    @Test
    void aLibraryThatIsNotTheRuntimeItIsNamedForIsSkipped() {
        TqConfig wrong = noVendorLibraries(NpuRuntimeKind.AUTO)
                .with(NpuOptions.ACL_LIBRARIES, List.of(NpuTestConfigs.fakeLibrary("tq.npu.test.fake-cuda")));
        try (StorageManager m = create(wrong)) {
            assertThat(m.unwrap(NpuDevice.class).runtime()).isEqualTo(NpuRuntimeKind.HOST);
            assertThat(m.unwrap(NpuDevice.class).selection()).contains("symbol aclInit missing");
        }
    }

    @Test
    void aBadRuntimeNameIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> create(NpuTestConfigs.auto().with("tq.storage.npu.runtime", "tpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.npu.runtime")
                .hasMessageContaining("auto | host | acl | cuda");
        assertThatThrownBy(() -> create(NpuTestConfigs.auto().with("tq.storage.npu.device-id", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.npu.device-id");
    }
}
