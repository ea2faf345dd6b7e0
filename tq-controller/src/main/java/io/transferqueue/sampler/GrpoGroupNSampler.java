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
import java.util.List;

/**
 * Keeps GRPO groups together: returns whole groups of {@code n} rows (the n responses of one prompt,
 * inserted together, so their row ids are consecutive), {@code batchSize / n} groups, all or nothing. With a
 * dp rank and batch index the result is remembered, so a repeated request gets the same rows.
 */
public final class GrpoGroupNSampler implements Sampler {
    /** Responses per prompt (group size). */
    public static final ConfigOption<Integer> N_SAMPLES_PER_PROMPT = ConfigOption
            .key("tq.sampler.grpo-group-n.n-samples-per-prompt").intType().defaultValue(1)
            .validate(n -> n > 0, "must be positive")
            .description("GRPO group size n: rows are returned in groups of n consecutive rows. A request may "
                    + "override it with the sampling parameter 'n-samples-per-prompt'.");

    /** Sampling parameter overriding the group size per request. */
    public static final String N_PARAM = "n-samples-per-prompt";

    private final int defaultN;
    private final SamplerCache<SampleResult> cache = new SamplerCache<>();

    public GrpoGroupNSampler(int nSamplesPerPrompt) {
        this.defaultN = Samplers.positive(nSamplesPerPrompt, "n-samples-per-prompt");
    }

    @Override
    public SampleResult sample(SamplingContext context, ReadyRows ready, int batchSize, SamplingParams params) {
        int n = Samplers.positive(params.extraInt(N_PARAM, defaultN), "n-samples-per-prompt");
        if (batchSize % n != 0) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be a multiple of "
                    + "n-samples-per-prompt " + n);
        }
        Key key = params.dpRank() == null ? null : new Key(context.task(), params.dpRank(), params.batchIndex());
        if (key != null) {
            SampleResult hit = cache.get(context.partition(), key);
            if (hit != null) {
                return hit;
            }
        }
        SampleResult r = select(ready, n, batchSize / n, context.partitionComplete());
        if (key != null && !r.isEmpty()) {
            r = cache.putIfAbsent(context.partition(), key, r);
        }
        return r;
    }

    /** Up to {@code groups} whole groups; all of them or (on a complete partition) as many as exist. */
    static SampleResult select(ReadyRows ready, int n, int groups, boolean complete) {
        List<int[]> found = Samplers.consecutiveGroups(ready, n, groups);
        if (found.size() < groups && (!complete || found.isEmpty())) {
            return SampleResult.empty();
        }
        long[] ids = new long[found.size() * n];
        int k = 0;
        for (int[] g : found) {
            for (int pos : g) {
                ids[k++] = ready.rowId(pos);
            }
        }
        return SampleResult.of(ids);
    }

    @Override
    public boolean sharesResults(SamplingParams params) {
        return params.dpRank() != null;
    }

    @Override
    public void dropPartition(String partition) {
        cache.drop(partition);
    }

    private record Key(String task, int dpRank, Integer batchIndex) {
    }

    /** Factory of {@code grpo-group-n}. */
    @AutoService(SamplerFactory.class)
    public static final class Factory implements SamplerFactory {
        @Override
        public String name() {
            return "grpo-group-n";
        }

        @Override
        public String description() {
            return "whole GRPO groups of n consecutive rows";
        }

        @Override
        public List<ConfigOption<?>> options() {
            return List.of(N_SAMPLES_PER_PROMPT);
        }

        @Override
        public Sampler create(TqConfig config) {
            return new GrpoGroupNSampler(config.get(N_SAMPLES_PER_PROMPT));
        }
    }
}
