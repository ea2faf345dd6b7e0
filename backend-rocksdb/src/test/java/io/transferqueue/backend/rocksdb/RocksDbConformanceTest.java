package io.transferqueue.backend.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.StorageManagerFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit on a database in a directory of the test: PERSISTENT is declared, so the reopen test runs. */
class RocksDbConformanceTest extends StorageManagerConformanceTest {
    @TempDir
    Path dir;

    @Override
    protected StorageManagerFactory factory() {
        return new RocksDbStorageFactory();
    }

    /** The same directory every time it is called in one test, as the kit's reopen test needs. */
    @Override
    protected TqConfig config() {
        return TqConfig.defaults().with(RocksDbOptions.PATH, dir.resolve("db").toString())
                .with(RocksDbOptions.BLOCK_CACHE_SIZE, DataSize.ofMebibytes(8))
                .with(RocksDbOptions.WRITE_BUFFER_SIZE, DataSize.ofMebibytes(8));
    }

    @Test
    void aConfiguredPathMakesTheBackendPersistentSoTheReopenTestRuns() {
        assertThat(manager().capabilities()).containsExactly(Capability.PERSISTENT);
        assertThat(manager().unwrap(RocksDbStorageClient.class).directory()).isEqualTo(dir.resolve("db"));
    }
}
