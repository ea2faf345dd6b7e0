package io.transferqueue.spi;

import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.InvalidRequestException;
import java.util.Map;

/**
 * Per-request sampling parameters. {@code dpRank} names the data-parallel group (every rank of one group
 * passes the same value), {@code dpSize} the number of groups, {@code batchIndex} the step of a stream;
 * {@code extra} carries sampler-specific values (safe value types).
 *
 * <p>Checked when built (here and when the controller decodes a request from the network): a negative rank or
 * batch index, a dp size that is not positive or above {@link #MAX_DP_SIZE}, a rank not below the dp size or
 * not below {@link #MAX_DP_SIZE} fail with {@link InvalidRequestException}; bad {@code extra} values with
 * {@link IllegalArgumentException}.
 *
 * @param dpRank data-parallel group of the caller, or null; below {@code dpSize} and {@link #MAX_DP_SIZE}
 * @param dpSize number of data-parallel groups, or null (the sampler's configured value applies); at most
 *     {@link #MAX_DP_SIZE}
 * @param batchIndex index of the batch within the caller's stream, or null
 * @param extra other parameters, e.g. {@code n-samples-per-prompt}
 */
public record SamplingParams(Integer dpRank, Integer dpSize, Integer batchIndex, Map<String, Object> extra) {
    /** Most data-parallel ranks (groups) a request may name: 2^20. Samplers may hold state per rank. */
    public static final int MAX_DP_SIZE = 1 << 20;

    private static final SamplingParams NONE = new SamplingParams(null, null, null, Map.of());

    public SamplingParams {
        if (dpRank != null && (dpRank < 0 || dpRank >= MAX_DP_SIZE)) {
            throw new InvalidRequestException("dp rank " + dpRank + " must be from 0 to " + (MAX_DP_SIZE - 1));
        }
        if (dpSize != null && (dpSize <= 0 || dpSize > MAX_DP_SIZE)) {
            throw new InvalidRequestException("dp size " + dpSize + " must be from 1 to " + MAX_DP_SIZE);
        }
        if (dpRank != null && dpSize != null && dpRank >= dpSize) {
            throw new InvalidRequestException("dp rank " + dpRank + " is not below dp size " + dpSize);
        }
        if (batchIndex != null && batchIndex < 0) {
            throw new InvalidRequestException("batch index " + batchIndex + " must be >= 0");
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
