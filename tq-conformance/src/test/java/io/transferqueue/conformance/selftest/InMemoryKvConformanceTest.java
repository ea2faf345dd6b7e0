package io.transferqueue.conformance.selftest;

import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;

/** The kit on a plain in-memory KV backend: no capabilities, so zero-copy and capacity tests are skipped. */
class InMemoryKvConformanceTest extends StorageManagerConformanceTest {
    @Override
    protected StorageManagerFactory factory() {
        return new InMemoryKvStorageManagerFactory();
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults();
    }
}
