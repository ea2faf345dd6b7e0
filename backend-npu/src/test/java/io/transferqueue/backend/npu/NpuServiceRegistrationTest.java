package io.transferqueue.backend.npu;

import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.ServiceRegistrationConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;

class NpuServiceRegistrationTest extends ServiceRegistrationConformanceTest {
    @Override
    protected String backendName() {
        return "npu";
    }

    @Override
    protected Class<? extends StorageManagerFactory> factoryClass() {
        return NpuStorageFactory.class;
    }

    @Override
    protected TqConfig config() {
        return NpuTestConfigs.host();
    }
}
