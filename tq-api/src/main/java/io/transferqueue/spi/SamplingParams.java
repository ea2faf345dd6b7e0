package io.transferqueue.spi;

import io.transferqueue.data.ObjectValues;
import java.util.Map;

/**
 * Per-request sampling parameters. {@code dpRank} names the data-parallel group (every rank of one group
 * passes the same value), {@code dpSize} the number of groups, {@code batchIndex} the step of a stream;
 * {@code extra} carries sampler-specific values (safe value types).
 *
 * @param dpRank data-parallel group of the caller, or null
 * @param dpSize number of data-parallel groups, or null (the sampler's configured value applies)
 * @param batchIndex index of the batch within the caller's stream, or null
 * @param extra other parameters, e.g. {@code n-samples-per-prompt}
 */
public record SamplingParams(Integer dpRank, Integer dpSize, Integer batchIndex, Map<String, Object> extra) {
    private static final SamplingParams NONE = new SamplingParams(null, null, null, Map.of());

    public SamplingParams {
        if (dpRank != null && dpRank < 0) {
            throw new IllegalArgumentException("dp rank " + dpRank + " must be >= 0");
        }
        if (dpSize != null && dpSize <= 0) {
            throw new IllegalArgumentException("dp size " + dpSize + " must be positive");
        }
        if (batchIndex != null && batchIndex < 0) {
            throw new IllegalArgumentException("batch index " + batchIndex + " must be >= 0");
        }
        extra = ObjectValues.normalizeMap(extra, "sampling parameters");
    }

    /** No parameters. */
    public static SamplingParams none() {
        return NONE;
    }

    /** Rank and batch index of a data-parallel consumer. */
    public static SamplingParams of(int dpRank, int dpSize, int batchIndex) {
        return new SamplingParams(dpRank, dpSize, batchIndex, Map.of());
    }

    /** These parameters with {@code extra} values added. */
    public SamplingParams withExtra(String key, Object value) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(extra);
        m.put(key, value);
        return new SamplingParams(dpRank, dpSize, batchIndex, m);
    }

    /** These parameters with another batch index. */
    public SamplingParams withBatchIndex(int index) {
        return new SamplingParams(dpRank, dpSize, index, extra);
    }

    /** An integer from {@code extra}, or {@code dflt}. */
    public int extraInt(String key, int dflt) {
        Object v = extra.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sampling parameter '" + key + "' must be an integer, got " + v);
        }
        return l.intValue();
    }
}
