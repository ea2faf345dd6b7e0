package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.StorageManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit through the acl runtime's real code (dlopen, aclInit, contexts bound per thread,
 * aclrtMalloc/Memcpy/Free) against the fake libascendcl.so the build makes: without an Ascend device this is
 * the only way that code runs in tests.
 */
class FakeAclConformanceTest extends StorageManagerConformanceTest {
    @Override
    protected StorageManagerFactory factory() {
        return new NpuStorageFactory();
    }

    @Override
    protected TqConfig config() {
        return NpuTestConfigs.fakeAcl();
    }

    @Override
    protected TqConfig configWithCapacity(long rowsPerUnitOrTotal, DataSize bytes) {
        return config().with(NpuOptions.CAPACITY, bytes);
    }

    @Test
    void theAclRuntimeOfTheFakeLibraryRuns() {
        NpuDevice device = manager().unwrap(NpuDevice.class);
        assertThat(device.runtime()).isEqualTo(NpuRuntimeKind.ACL);
        assertThat(device.library()).contains(NpuTestConfigs.fakeLibrary("tq.npu.test.fake-acl"));
        assertThat(device.memoryInfo().totalBytes()).isEqualTo(4L << 30);
        assertThat(manager().capabilities()).contains(Capability.REMOTE, Capability.DEVICE_MEMORY);
    }
}
