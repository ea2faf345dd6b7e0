package io.transferqueue.backend.rocksdb;

import org.rocksdb.CompressionType;

/** The block compressions {@link RocksDbOptions#COMPRESSION} offers; all are built into rocksdbjni. */
public enum RocksDbCompression {
    NONE(CompressionType.NO_COMPRESSION),
    SNAPPY(CompressionType.SNAPPY_COMPRESSION),
    LZ4(CompressionType.LZ4_COMPRESSION),
    ZSTD(CompressionType.ZSTD_COMPRESSION);

    private final CompressionType type;

    RocksDbCompression(CompressionType type) {
        this.type = type;
    }

    CompressionType type() {
        return type;
    }
}
