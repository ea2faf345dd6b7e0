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
 * Every rank of one data-parallel group gets the identical batch for a batch index, whenever it arrives
 * and whatever is ready then; different groups get disjoint rows. The first rank of a group to ask for a
 * batch index takes the oldest ready rows (consuming them) and the result is remembered per (partition,
 * task, dp rank, batch index) until the partition is dropped. Requests must give {@code dpRank} (the group)
 * and {@code batchIndex}.
 */
public final class RankAwareSampler implements Sampler {
    private final SamplerCache<SampleResult> cache = new SamplerCache<>();

    @Override
    public SampleResult sample(SamplingContext context, ReadyRows ready, int batchSize, SamplingParams params) {
        if (params.dpRank() == null || params.batchIndex() == null) {
            throw new IllegalArgumentException("rank-aware sampling needs a dp rank (the data-parallel group) and a "
                    + "batch index");
        }
        Key key = new Key(context.task(), params.dpRank(), params.batchIndex());
        SampleResult hit = cache.get(context.partition(), key);
        if (hit != null) {
            return hit;
        }
        int n = batchSize;
        if (!ready.hasAtLeast(batchSize)) {
            if (!context.partitionComplete() || ready.size() == 0) {
                return SampleResult.empty();
            }
            n = ready.size();
        }
        return cache.putIfAbsent(context.partition(), key, SampleResult.of(Samplers.firstIds(ready, n)));
    }

    @Override
    public boolean sharesResults(SamplingParams params) {
        return true;
    }

    @Override
    public void dropPartition(String partition) {
        cache.drop(partition);
    }

    private record Key(String task, int dpRank, int batchIndex) {
    }

    /** Factory of {@code rank-aware}. */
    @AutoService(SamplerFactory.class)
    public static final class Factory implements SamplerFactory {
        @Override
        public String name() {
            return "rank-aware";
        }

        @Override
        public String description() {
            return "identical batches for all ranks of a data-parallel group";
        }

        @Override
        public List<ConfigOption<?>> options() {
            return List.of();
        }

        @Override
        public Sampler create(TqConfig config) {
            return new RankAwareSampler();
        }
    }
}
