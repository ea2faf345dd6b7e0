package io.transferqueue.backend.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;
import org.junit.jupiter.api.Test;

/** The kit on the default configuration: a temporary database, no capabilities. */
class RocksDbTemporaryConformanceTest extends StorageManagerConformanceTest {
    @Override
    protected StorageManagerFactory factory() {
        return new RocksDbStorageFactory();
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults();
    }

    @Test
    void withoutAPathNothingIsDeclared() {
        assertThat(manager().capabilities()).isEmpty();
        assertThat(manager().unwrap(RocksDbStorageClient.class).config().wal()).as("write-ahead log").isFalse();
    }
}
