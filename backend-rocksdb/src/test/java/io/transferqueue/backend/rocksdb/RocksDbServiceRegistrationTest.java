package io.transferqueue.backend.rocksdb;

import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.ServiceRegistrationConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;

class RocksDbServiceRegistrationTest extends ServiceRegistrationConformanceTest {
    @Override
    protected String backendName() {
        return RocksDbStorageFactory.NAME;
    }

    @Override
    protected Class<? extends StorageManagerFactory> factoryClass() {
        return RocksDbStorageFactory.class;
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults().with(RocksDbOptions.COMPRESSION, RocksDbCompression.NONE);
    }
}
