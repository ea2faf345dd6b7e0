package io.transferqueue.backend.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.CoreOptions;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.error.ConfigException;
import io.transferqueue.spi.StorageContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RocksDbConfigTest {
    @TempDir
    Path dir;

    private static List<ConfigOption<?>> everyKnownOption() {
        List<ConfigOption<?>> all = new ArrayList<>(CoreOptions.all());
        all.addAll(new RocksDbStorageFactory().options());
        return all;
    }

    @Test
    void theOptionsAreTheDocumentedKeysEachOnce() {
        assertThat(RocksDbOptions.all()).extracting(ConfigOption::key).containsExactly(
                "tq.storage.rocksdb.path",
                "tq.storage.rocksdb.create-if-missing",
                "tq.storage.rocksdb.block-cache-size",
                "tq.storage.rocksdb.write-buffer-size",
                "tq.storage.rocksdb.compression",
                "tq.storage.rocksdb.sync-writes",
                "tq.storage.rocksdb.wal",
                "tq.storage.rocksdb.max-background-jobs");
        assertThat(new RocksDbStorageFactory().options()).isEqualTo(RocksDbOptions.all());
    }

    @Test
    void defaultsAreATemporaryDatabaseWithoutCompressionOrSyncWrites() {
        RocksDbConfig c = RocksDbConfig.from(TqConfig.defaults());

        assertThat(c.path()).isNull();
        assertThat(c.persistent()).isFalse();
        assertThat(c.persistentPath()).isEmpty();
        assertThat(c.createIfMissing()).isTrue();
        assertThat(c.blockCacheSize()).isEqualTo(DataSize.ofMebibytes(64));
        assertThat(c.writeBufferSize()).isEqualTo(DataSize.ofMebibytes(64));
        assertThat(c.compression()).isEqualTo(RocksDbCompression.NONE);
        assertThat(c.syncWrites()).isFalse();
        assertThat(c.wal()).as("no write-ahead log for a temporary database").isFalse();
        assertThat(c.maxBackgroundJobs()).isEqualTo(2);
        assertThat(RocksDbOptions.PATH.defaultValue()).isNull();
        assertThat(RocksDbOptions.WAL.defaultValue()).isTrue();
    }

    @Test
    void everyKeyMapsToItsSetting() {
        Path db = dir.resolve("db");
        RocksDbConfig c = RocksDbConfig.from(TqConfig.of(Map.of(
                "tq.storage.rocksdb.path", db.toString(),
                "tq.storage.rocksdb.create-if-missing", "false",
                "tq.storage.rocksdb.block-cache-size", "1MiB",
                "tq.storage.rocksdb.write-buffer-size", "8m",
                "tq.storage.rocksdb.compression", "lz4",
                "tq.storage.rocksdb.sync-writes", "true",
                "tq.storage.rocksdb.wal", "true",
                "tq.storage.rocksdb.max-background-jobs", "3")));

        assertThat(c).isEqualTo(new RocksDbConfig(db, false, DataSize.ofMebibytes(1), DataSize.ofMebibytes(8),
                RocksDbCompression.LZ4, true, true, 3));
        assertThat(c.persistent()).isTrue();
    }

    @Test
    void environmentVariablesAndSystemPropertiesSetTheSameKeys() {
        Properties sys = new Properties();
        sys.setProperty("tq.storage.rocksdb.compression", "zstd");
        TqConfig config = TqConfig.load(Map.of("TQ_STORAGE_ROCKSDB_BLOCK_CACHE_SIZE", "0",
                "TQ_STORAGE_ROCKSDB_MAX_BACKGROUND_JOBS", "4"), sys, dir);

        RocksDbConfig c = RocksDbConfig.from(config);

        assertThat(c.blockCacheSize().bytes()).isZero();
        assertThat(c.maxBackgroundJobs()).isEqualTo(4);
        assertThat(c.compression()).isEqualTo(RocksDbCompression.ZSTD);
    }

    @Test
    void aRelativePathIsMadeAbsolute() {
        RocksDbConfig c = RocksDbConfig.from(TqConfig.defaults().with(RocksDbOptions.PATH, "some/dir/../db"));

        assertThat(c.path()).isAbsolute().isEqualTo(Path.of("some/db").toAbsolutePath());
    }

    @Test
    void anUnknownRocksdbKeyIsRejectedByValidateWithTheFactorysOptions() {
        TqConfig config = TqConfig.defaults().with("tq.storage.backend", "rocksdb")
                .with("tq.storage.rocksdb.block-cache", "1g");

        assertThatThrownBy(() -> config.validate(everyKnownOption()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'tq.storage.rocksdb.block-cache'")
                .hasMessageContaining("tq.storage.rocksdb.block-cache-size");
        TqConfig known = TqConfig.defaults().with("tq.storage.backend", "rocksdb")
                .with("tq.storage.rocksdb.block-cache-size", "1g");
        known.validate(everyKnownOption());
    }

    @Test
    void anUnknownRocksdbKeyIsRejectedByTheFactoryToo() {
        TqConfig config = TqConfig.defaults().with("tq.storage.rocksdb.paht", dir.toString());

        assertThatThrownBy(() -> new RocksDbStorageFactory().create(config, context()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.rocksdb.paht")
                .hasMessageContaining("tq.storage.rocksdb.path");
        assertThat(dir).isEmptyDirectory();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tq.storage.rocksdb.block-cache-size    | lots",
        "tq.storage.rocksdb.write-buffer-size   | 1KiB",
        "tq.storage.rocksdb.write-buffer-size   | -5",
        "tq.storage.rocksdb.compression         | gzip",
        "tq.storage.rocksdb.create-if-missing   | maybe",
        "tq.storage.rocksdb.sync-writes         | 2",
        "tq.storage.rocksdb.max-background-jobs | 0",
        "tq.storage.rocksdb.max-background-jobs | many",
    })
    void anInvalidValueIsRejectedNamingKeyAndValue(String key, String value) {
        TqConfig config = TqConfig.defaults().with(key, value);

        assertThatThrownBy(() -> RocksDbConfig.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining("'" + value + "'");
        assertThatThrownBy(() -> config.validate(everyKnownOption())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
        assertThatThrownBy(() -> new RocksDbStorageFactory().create(config, context()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }

    @Test
    void aBlankPathIsRejected() {
        TqConfig config = TqConfig.defaults().with("tq.storage.rocksdb.path", "  ");

        assertThatThrownBy(() -> RocksDbConfig.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.rocksdb.path").hasMessageContaining("must not be blank");
    }

    @Test
    void syncWritesWithoutTheWriteAheadLogIsRejected() {
        TqConfig config = TqConfig.defaults().with(RocksDbOptions.PATH, dir.toString())
                .with(RocksDbOptions.SYNC_WRITES, true).with(RocksDbOptions.WAL, false);

        assertThatThrownBy(() -> RocksDbConfig.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.rocksdb.sync-writes").hasMessageContaining("tq.storage.rocksdb.wal");
    }

    @Test
    void withoutAPathSyncWritesAndTheWriteAheadLogAreOff() {
        RocksDbConfig c = RocksDbConfig.from(TqConfig.defaults().with(RocksDbOptions.SYNC_WRITES, true)
                .with(RocksDbOptions.WAL, true));

        assertThat(c.syncWrites()).isFalse();
        assertThat(c.wal()).isFalse();
    }

    private static StorageContext context() {
        return StorageContext.of("config-test", RocksDbConfigTest.class.getClassLoader());
    }
}
