package io.transferqueue.backend.simple;

import static java.util.Objects.requireNonNull;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.error.ConfigException;
import java.util.Locale;

/**
 * The validated settings of one {@link SimpleStorageManager}.
 *
 * @param units number of storage units, at least 1
 * @param rowCapacity rows per unit, {@code -1} for unlimited
 * @param byteCapacity payload bytes per unit, {@code -1} for unlimited
 * @param fullPolicy what a put does when a unit is full
 * @param parallelThreshold requests moving at least this many bytes are split across the unit threads; smaller
 *     ones run on the caller's thread
 */
public record SimpleStorageConfig(int units, long rowCapacity, long byteCapacity, FullPolicy fullPolicy,
        long parallelThreshold) {
    /**
     * The default of {@link SimpleStorageOptions#PARALLEL_THRESHOLD}, 4 MiB: on the project's 2-core machines a
     * 1.5 MB put ran in ~80 us on the caller's thread and ~120-140 us split across two unit threads (two
     * hand-offs cost more than half the copy saves); from some MB up, two threads copying win when a core is
     * free.
     */
    public static final long DEFAULT_PARALLEL_THRESHOLD = 4L << 20;

    public SimpleStorageConfig {
        requireNonNull(fullPolicy, "fullPolicy is null");
        if (parallelThreshold < 0) {
            throw new IllegalArgumentException("parallelThreshold must not be negative, got " + parallelThreshold);
        }
        if (units < 1) {
            throw new IllegalArgumentException("units must be at least 1, got " + units);
        }
        if (rowCapacity == 0 || rowCapacity < -1) {
            throw new IllegalArgumentException("rowCapacity must be positive or -1 (unlimited), got " + rowCapacity);
        }
        if (byteCapacity == 0 || byteCapacity < -1) {
            throw new IllegalArgumentException("byteCapacity must be positive or -1 (unlimited), got "
                    + byteCapacity);
        }
    }

    /** {@code units} unlimited units that block when full (never, being unlimited). */
    public static SimpleStorageConfig unlimited(int units) {
        return new SimpleStorageConfig(units, -1, -1, FullPolicy.BLOCK, DEFAULT_PARALLEL_THRESHOLD);
    }

    /**
     * Reads the {@code tq.storage.simple.*} options.
     *
     * @throws ConfigException for an invalid value, or a key under {@code tq.storage.simple.} that is not an
     *     option of this backend (listing the supported keys)
     */
    public static SimpleStorageConfig from(TqConfig config) {
        requireNonNull(config, "config is null");
        config.rejectUnknownUnder(SimpleStorageOptions.PREFIX, SimpleStorageOptions.all(), "storage backend 'simple'");
        Long rows = config.get(SimpleStorageOptions.CAPACITY_ROWS);
        DataSize bytes = config.get(SimpleStorageOptions.CAPACITY_BYTES);
        return new SimpleStorageConfig(config.get(SimpleStorageOptions.UNITS), rows == null ? -1 : rows,
                bytes == null ? -1 : bytes.bytes(), config.get(SimpleStorageOptions.FULL_POLICY),
                config.get(SimpleStorageOptions.PARALLEL_THRESHOLD).bytes());
    }

    /** This config with per-unit limits ({@code -1} for unlimited) and a policy. */
    public SimpleStorageConfig withCapacity(long rowsPerUnit, long bytesPerUnit, FullPolicy policy) {
        return new SimpleStorageConfig(units, rowsPerUnit, bytesPerUnit, policy, parallelThreshold);
    }

    /** This config with another parallel threshold (0: every request goes to the unit threads). */
    public SimpleStorageConfig withParallelThreshold(long bytes) {
        return new SimpleStorageConfig(units, rowCapacity, byteCapacity, fullPolicy, bytes);
    }

    @Override
    public String toString() {
        return units + " unit" + (units == 1 ? "" : "s") + ", capacity per unit "
                + (rowCapacity < 0 ? "unlimited rows" : rowCapacity + " rows") + " / "
                + (byteCapacity < 0 ? "unlimited bytes" : DataSize.ofBytes(byteCapacity).toString())
                + ", when full: " + fullPolicy.name().toLowerCase(Locale.ROOT) + ", requests from "
                + DataSize.ofBytes(parallelThreshold) + " split across unit threads";
    }
}
