package io.transferqueue.sampler;

import com.google.auto.service.AutoService;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.ReadyRows;
import io.transferqueue.spi.SampleResult;
import io.transferqueue.spi.Sampler;
import io.transferqueue.spi.SamplerFactory;
import io.transferqueue.spi.SamplingContext;
import io.transferqueue.spi.SamplingParams;
import java.util.ArrayList;
import java.util.List;

/**
 * Balances sequence lengths across data-parallel ranks. For a batch index it selects {@code batchSize ×
 * dpSize} rows in whole GRPO groups, splits them into {@code dpSize} parts of nearly equal total length with
 * Karmarkar–Karp (groups kept intact when they divide evenly), and gives each rank its part.
 *
 * <p>Unlike upstream, the first request for a batch index consumes <b>every</b> rank's share at once, so a
 * rank that asks for the next batch index before the others fetched theirs can never re-select rows already
 * given to another rank. Later ranks get their share from the cache.
 *
 * <p>A row's length is its {@code total_lengths} tag if present, else the element count of the configured
 * length field, else 1.
 */
public final class SeqlenBalancedSampler implements Sampler {
    public static final ConfigOption<Integer> N_SAMPLES_PER_PROMPT = ConfigOption
            .key("tq.sampler.seqlen-balanced.n-samples-per-prompt").intType().defaultValue(1)
            .validate(n -> n > 0, "must be positive")
            .description("GRPO group size n kept intact while balancing (sampling parameter 'n-samples-per-prompt' "
                    + "overrides it).");
    public static final ConfigOption<Integer> DP_SIZE = ConfigOption.key("tq.sampler.seqlen-balanced.dp-size")
            .intType().defaultValue(1).validate(n -> n > 0 && n <= SamplingParams.MAX_DP_SIZE,
                    "must be from 1 to " + SamplingParams.MAX_DP_SIZE)
            .description("Number of data-parallel ranks to balance across (a request's dp size overrides it).");
    public static final ConfigOption<String> LENGTH_FIELD = ConfigOption
            .key("tq.sampler.seqlen-balanced.length-field").stringType().noDefaultValue()
            .description("Field whose per-row element count is the row length when a row has no 'total_lengths' "
                    + "tag; unset: length 1.");

    /** Tag read as the length of a row. */
    public static final String LENGTH_TAG = "total_lengths";

    private final int defaultN;
    private final int defaultDpSize;
    private final String lengthField;
    private final SamplerCache<List<long[]>> cache = new SamplerCache<>();

    public SeqlenBalancedSampler(int nSamplesPerPrompt, int dpSize, String lengthField) {
        this.defaultN = Samplers.positive(nSamplesPerPrompt, "n-samples-per-prompt");
        this.defaultDpSize = Samplers.positive(dpSize, "dp size");
        this.lengthField = lengthField;
    }

    @Override
    public SampleResult sample(SamplingContext context, ReadyRows ready, int batchSize, SamplingParams params) {
        int n = Samplers.positive(params.extraInt(GrpoGroupNSampler.N_PARAM, defaultN), "n-samples-per-prompt");
        int dpSize = params.dpSize() != null ? params.dpSize() : defaultDpSize;
        int rank = params.dpRank() != null ? params.dpRank() : 0;
        int batchIndex = params.batchIndex() != null ? params.batchIndex() : 0;
        if (rank >= dpSize) {
            throw new IllegalArgumentException("dp rank " + rank + " is not below dp size " + dpSize);
        }
        long global = (long) batchSize * dpSize;
        if (global > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("global batch size " + global + " (" + batchSize + " × dp size "
                    + dpSize + ") exceeds " + Integer.MAX_VALUE);
        }
        if (global % n != 0) {
            throw new IllegalArgumentException("global batch size " + global + " (" + batchSize + " × dp size "
                    + dpSize + ") must be a multiple of n-samples-per-prompt " + n);
        }
        Key key = new Key(context.task(), batchIndex);
        List<long[]> parts = cache.get(context.partition(), key);
        if (parts != null) {
            return result(parts, rank, false);
        }
        SampleResult chosen = GrpoGroupNSampler.select(ready, n, (int) (global / n), context.partitionComplete());
        if (chosen.isEmpty()) {
            return SampleResult.empty();
        }
        long[] ids = chosen.sampled();
        long[] weights = lengths(ready, ids);
        parts = balance(ids, weights, n, dpSize);
        List<long[]> stored = cache.putIfAbsent(context.partition(), key, parts);
        return result(stored, rank, stored == parts);
    }

    private static SampleResult result(List<long[]> parts, int rank, boolean first) {
        long[] mine = rank < parts.size() ? parts.get(rank) : new long[0];
        if (!first) {
            return mine.length == 0 ? SampleResult.emptyShare(new long[0]) : new SampleResult(mine, new long[0]);
        }
        int total = 0;
        for (long[] p : parts) {
            total += p.length;
        }
        long[] all = new long[total];
        int k = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, k, p.length);
            k += p.length;
        }
        return mine.length == 0 ? SampleResult.emptyShare(all) : new SampleResult(mine, all);
    }

    private long[] lengths(ReadyRows ready, long[] ids) {
        long[] w = new long[ids.length];
        int j = 0;
        for (int i = 0; j < ids.length; i++) {
            if (ready.rowId(i) != ids[j]) {
                continue;
            }
            Object tag = ready.tag(i, LENGTH_TAG);
            long len = 1;
            if (tag instanceof Number num) {
                len = num.longValue();
            } else if (lengthField != null) {
                int c = ready.elementCount(i, lengthField);
                len = c >= 0 ? c : 1;
            }
            w[j++] = len;
        }
        return w;
    }

    /**
     * Splits rows into {@code dpSize} parts of balanced length, keeping groups of {@code n} whole when possible.
     * With fewer rows than ranks only the first {@code ids.length} parts are returned (the others are empty), so
     * the cost follows the rows, not the dp size a request names.
     */
    static List<long[]> balance(long[] ids, long[] weights, int n, int dpSize) {
        int groups = ids.length / n;
        List<long[]> parts = new ArrayList<>(Math.min(dpSize, ids.length));
        if (ids.length % n == 0 && groups >= dpSize && groups % dpSize == 0) {
            long[] gw = new long[groups];
            for (int g = 0; g < groups; g++) {
                for (int j = 0; j < n; j++) {
                    gw[g] += weights[g * n + j];
                }
            }
            for (int[] p : KarmarkarKarp.partition(gw, dpSize, true)) {
                long[] rows = new long[p.length * n];
                for (int i = 0; i < p.length; i++) {
                    System.arraycopy(ids, p[i] * n, rows, i * n, n);
                }
                parts.add(rows);
            }
        } else if (ids.length >= dpSize) {
            for (int[] p : KarmarkarKarp.partition(weights, dpSize, false)) {
                long[] rows = new long[p.length];
                for (int i = 0; i < p.length; i++) {
                    rows[i] = ids[p[i]];
                }
                parts.add(rows);
            }
        } else {
            for (long id : ids) {
                parts.add(new long[] {id});
            }
        }
        return parts;
    }

    @Override
    public boolean sharesResults(SamplingParams params) {
        return true;
    }

    @Override
    public void dropPartition(String partition) {
        cache.drop(partition);
    }

    private record Key(String task, int batchIndex) {
    }

    /** Factory of {@code seqlen-balanced}. */
    @AutoService(SamplerFactory.class)
    public static final class Factory implements SamplerFactory {
        @Override
        public String name() {
            return "seqlen-balanced";
        }

        @Override
        public String description() {
            return "GRPO groups balanced by sequence length across data-parallel ranks";
        }

        @Override
        public List<ConfigOption<?>> options() {
            return List.of(N_SAMPLES_PER_PROMPT, DP_SIZE, LENGTH_FIELD);
        }

        @Override
        public Sampler create(TqConfig config) {
            return new SeqlenBalancedSampler(config.get(N_SAMPLES_PER_PROMPT), config.get(DP_SIZE),
                    config.get(LENGTH_FIELD));
        }
    }
}
