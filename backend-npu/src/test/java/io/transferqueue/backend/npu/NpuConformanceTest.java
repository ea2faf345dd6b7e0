package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.StorageManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit on the npu backend as configured by default (runtime auto: the host runtime on a machine
 * without an accelerator, the device where one is found), with strict close, so a leaked lease or block fails
 * the test that leaked it.
 */
class NpuConformanceTest extends StorageManagerConformanceTest {
    @Override
    protected StorageManagerFactory factory() {
        return new NpuStorageFactory();
    }

    @Override
    protected TqConfig config() {
        return NpuTestConfigs.auto();
    }

    /** The backend limits bytes only (cells rounded up to 512 bytes; the kit's rows are 1 KiB). */
    @Override
    protected TqConfig configWithCapacity(long rowsPerUnitOrTotal, DataSize bytes) {
        return config().with(NpuOptions.CAPACITY, bytes);
    }

    @Test
    void declaresDeviceMemoryAndCapacityButNotHostZeroCopy() {
        assertThat(manager().capabilities()).contains(Capability.DEVICE_MEMORY, Capability.CAPACITY_LIMIT)
                .doesNotContain(Capability.ZERO_COPY_READ, Capability.PERSISTENT);
        assertThat(manager()).isInstanceOf(NpuStorageManager.class);
    }
}
