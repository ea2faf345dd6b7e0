package io.transferqueue.backend.rocksdb;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.DataSize;
import java.util.List;

/** The options of the {@code rocksdb} storage backend, each declared once; all under {@value #PREFIX}. */
public final class RocksDbOptions {
    /** Every key of this backend starts with this. */
    public static final String PREFIX = "tq.storage.rocksdb.";

    public static final ConfigOption<String> PATH = ConfigOption.key(PREFIX + "path")
            .stringType()
            .noDefaultValue()
            .validate(s -> !s.isBlank(), "must not be blank")
            .description("Directory of the database. Set it when the data must outlive the process (the backend then "
                    + "declares PERSISTENT and a reopened backend finds it); unset: a fresh temporary directory, "
                    + "removed when the backend closes.");

    public static final ConfigOption<Boolean> CREATE_IF_MISSING = ConfigOption.key(PREFIX + "create-if-missing")
            .booleanType()
            .defaultValue(true)
            .description("Create the database (and missing parent directories) if the path holds none; false fails "
                    + "instead, so a mistyped path is not silently a new, empty store.");

    public static final ConfigOption<DataSize> BLOCK_CACHE_SIZE = ConfigOption.key(PREFIX + "block-cache-size")
            .dataSizeType()
            .defaultValue(DataSize.ofMebibytes(64))
            .description("LRU cache of uncompressed blocks read from disk; 0 disables the block cache.");

    public static final ConfigOption<DataSize> WRITE_BUFFER_SIZE = ConfigOption.key(PREFIX + "write-buffer-size")
            .dataSizeType()
            .defaultValue(DataSize.ofMebibytes(64))
            .validate(s -> s.bytes() >= 64 * 1024, "must be at least 64KiB")
            .description("Size of one memtable before it is flushed to a file (RocksDB write_buffer_size).");

    public static final ConfigOption<RocksDbCompression> COMPRESSION = ConfigOption.key(PREFIX + "compression")
            .enumType(RocksDbCompression.class)
            .defaultValue(RocksDbCompression.NONE)
            .description("Block compression of stored files. Tensors rarely compress, so none is the default.");

    public static final ConfigOption<Boolean> SYNC_WRITES = ConfigOption.key(PREFIX + "sync-writes")
            .booleanType()
            .defaultValue(false)
            .description("fsync the write-ahead log before a put or clear completes: survives a machine crash, "
                    + "at a large cost per write. Needs the write-ahead log.");

    public static final ConfigOption<Boolean> WAL = ConfigOption.key(PREFIX + "wal")
            .booleanType()
            .defaultValue(true)
            .description("Write a write-ahead log when a path is set, so completed writes survive a crash of the "
                    + "process; false is faster, and then only a clean close persists the memtables. Always off "
                    + "without a path (the temporary directory dies with the backend).");

    public static final ConfigOption<Integer> MAX_BACKGROUND_JOBS = ConfigOption.key(PREFIX + "max-background-jobs")
            .intType()
            .defaultValue(2)
            .validate(n -> n >= 1 && n <= 256, "must be between 1 and 256")
            .description("Most concurrent background flushes and compactions (RocksDB max_background_jobs).");

    private RocksDbOptions() {
    }

    /** Every option of the backend. */
    public static List<ConfigOption<?>> all() {
        return List.of(PATH, CREATE_IF_MISSING, BLOCK_CACHE_SIZE, WRITE_BUFFER_SIZE, COMPRESSION, SYNC_WRITES, WAL,
                MAX_BACKGROUND_JOBS);
    }
}
