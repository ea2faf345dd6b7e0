package io.transferqueue.conformance.selftest;

import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.ServiceRegistrationConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;

class InMemoryKvServiceRegistrationTest extends ServiceRegistrationConformanceTest {
    @Override
    protected String backendName() {
        return InMemoryKvStorageManagerFactory.NAME;
    }

    @Override
    protected Class<? extends StorageManagerFactory> factoryClass() {
        return InMemoryKvStorageManagerFactory.class;
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults().with(InMemoryKvStorageManagerFactory.BACKEND_META, true);
    }
}
