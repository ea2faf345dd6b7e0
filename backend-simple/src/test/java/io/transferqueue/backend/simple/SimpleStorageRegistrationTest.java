package io.transferqueue.backend.simple;

import io.transferqueue.conformance.ServiceRegistrationConformanceTest;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.StorageManagerFactory;

class SimpleStorageRegistrationTest extends ServiceRegistrationConformanceTest {
    @Override
    protected String backendName() {
        return "simple";
    }

    @Override
    protected Class<? extends StorageManagerFactory> factoryClass() {
        return SimpleStorageFactory.class;
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults().with(SimpleStorageOptions.UNITS, 1)
                .with(SimpleStorageOptions.FULL_POLICY, FullPolicy.REJECT);
    }
}
