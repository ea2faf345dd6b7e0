package io.transferqueue.backend.simple;

import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.StorageManagerFactory;

/** The conformance kit against the default setup: two units, requests split across unit threads. */
class SimpleStorageConformanceTest extends StorageManagerConformanceTest {
    @Override
    protected StorageManagerFactory factory() {
        return new SimpleStorageFactory();
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults();
    }

    @Override
    protected TqConfig configWithCapacity(long rowsPerUnitOrTotal, DataSize bytes) {
        return config().with(SimpleStorageOptions.CAPACITY_ROWS, rowsPerUnitOrTotal)
                .with(SimpleStorageOptions.CAPACITY_BYTES, bytes)
                .with(SimpleStorageOptions.FULL_POLICY, FullPolicy.REJECT);
    }
}
