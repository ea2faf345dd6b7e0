package io.transferqueue.backend.rocksdb;

import static java.util.Objects.requireNonNull;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.error.ConfigException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The validated settings of one RocksDB backend, read from {@link RocksDbOptions}.
 *
 * @param path the database directory, or {@code null} for a temporary directory removed at close
 * @param wal whether writes go through the write-ahead log (always false without a path)
 */
public record RocksDbConfig(Path path, boolean createIfMissing, DataSize blockCacheSize, DataSize writeBufferSize,
        RocksDbCompression compression, boolean syncWrites, boolean wal, int maxBackgroundJobs) {

    public RocksDbConfig {
        requireNonNull(blockCacheSize, "blockCacheSize is null");
        requireNonNull(writeBufferSize, "writeBufferSize is null");
        requireNonNull(compression, "compression is null");
        if (path == null) {
            wal = false;
            syncWrites = false;
        } else if (syncWrites && !wal) {
            throw new ConfigException(RocksDbOptions.SYNC_WRITES.key() + " = true needs " + RocksDbOptions.WAL.key()
                    + " = true: a sync write is an fsync of the write-ahead log; enable the log or turn sync writes off");
        }
        if (maxBackgroundJobs < 1) {
            throw new ConfigException(RocksDbOptions.MAX_BACKGROUND_JOBS.key() + " = " + maxBackgroundJobs
                    + " is invalid: must be at least 1");
        }
    }

    /**
     * Reads every {@link RocksDbOptions} option from {@code config}.
     *
     * @throws ConfigException for a key under {@value RocksDbOptions#PREFIX} that is not an option (listing the
     *     supported ones), or an invalid value (naming key, value and rule)
     */
    public static RocksDbConfig from(TqConfig config) {
        requireNonNull(config, "config is null");
        config.rejectUnknownUnder(RocksDbOptions.PREFIX, RocksDbOptions.all(), "storage backend 'rocksdb'");
        String p = config.get(RocksDbOptions.PATH);
        Path path = null;
        if (p != null) {
            try {
                path = Path.of(p.trim()).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new ConfigException(RocksDbOptions.PATH.key() + " = '" + p + "' (from "
                        + config.sourceOf(RocksDbOptions.PATH) + ") is not a valid path: " + e.getMessage(), e);
            }
        }
        return new RocksDbConfig(path, config.get(RocksDbOptions.CREATE_IF_MISSING),
                config.get(RocksDbOptions.BLOCK_CACHE_SIZE), config.get(RocksDbOptions.WRITE_BUFFER_SIZE),
                config.get(RocksDbOptions.COMPRESSION), config.get(RocksDbOptions.SYNC_WRITES),
                config.get(RocksDbOptions.WAL), config.get(RocksDbOptions.MAX_BACKGROUND_JOBS));
    }

    /** The configured directory; empty when the backend uses a temporary one. */
    public Optional<Path> persistentPath() {
        return Optional.ofNullable(path);
    }

    /** True when a path is configured: the data outlives the backend. */
    public boolean persistent() {
        return path != null;
    }
}
