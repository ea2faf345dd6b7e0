package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit through the cuda runtime's real code (dlopen of a versioned libcudart.so.12,
 * cudaSetDevice per thread, cudaMalloc/Memcpy/Free) against the fake the build makes.
 */
class FakeCudaConformanceTest extends StorageManagerConformanceTest {
    @Override
    protected StorageManagerFactory factory() {
        return new NpuStorageFactory();
    }

    @Override
    protected TqConfig config() {
        return NpuTestConfigs.fakeCuda();
    }

    @Override
    protected TqConfig configWithCapacity(long rowsPerUnitOrTotal, DataSize bytes) {
        return config().with(NpuOptions.CAPACITY, bytes);
    }

    @Test
    void theCudaRuntimeOfTheFakeLibraryRuns() {
        NpuDevice device = manager().unwrap(NpuDevice.class);
        assertThat(device.runtime()).isEqualTo(NpuRuntimeKind.CUDA);
        assertThat(device.library()).contains(NpuTestConfigs.fakeLibrary("tq.npu.test.fake-cuda"));
        assertThat(device.selection()).contains("runtime version 12.4");
    }
}
