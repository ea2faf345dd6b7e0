package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Configurations the tests share: small chunks, strict close, and the fake vendor runtimes the build made. */
final class NpuTestConfigs {
    private NpuTestConfigs() {
    }

    /** The default runtime selection (auto), strict close, small chunks. */
    static TqConfig auto() {
        return TqConfig.defaults()
                .with(NpuOptions.CAPACITY, DataSize.ofMebibytes(256))
                .with(NpuOptions.CHUNK_SIZE, DataSize.ofMebibytes(4))
                .with(NpuOptions.STRICT_CLOSE, true);
    }

    /** The host runtime, whatever the machine has. */
    static TqConfig host() {
        return auto().with(NpuOptions.RUNTIME, NpuRuntimeKind.HOST);
    }

    /** The fake libascendcl.so built from src/test/c/fake_ascendcl.c, as the only acl candidate; required. */
    static TqConfig fakeAcl() {
        return auto().with(NpuOptions.RUNTIME, NpuRuntimeKind.ACL).with(NpuOptions.REQUIRED, true)
                .with(NpuOptions.ACL_LIBRARIES, List.of(fakeLibrary("tq.npu.test.fake-acl")));
    }

    /** The fake libcudart.so.12 built from src/test/c/fake_cudart.c, as the only cuda candidate; required. */
    static TqConfig fakeCuda() {
        return auto().with(NpuOptions.RUNTIME, NpuRuntimeKind.CUDA).with(NpuOptions.REQUIRED, true)
                .with(NpuOptions.CUDA_LIBRARIES, List.of(fakeLibrary("tq.npu.test.fake-cuda")));
    }

    static String fakeLibrary(String property) {
        String p = System.getProperty(property);
        assertThat(p).as("system property %s (set by the build's Surefire configuration)", property).isNotBlank();
        assertThat(Files.isRegularFile(Path.of(p))).as("fake runtime %s built by the Maven build", p).isTrue();
        return p;
    }
}
