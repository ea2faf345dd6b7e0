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
 * The default: the oldest {@code batchSize} ready rows, all or nothing (on a complete partition the last
 * rows come as a smaller batch). No state.
 */
public final class SequentialSampler implements Sampler {

    @Override
    public SampleResult sample(SamplingContext context, ReadyRows ready, int batchSize, SamplingParams params) {
        int n = batchSize;
        if (!ready.hasAtLeast(batchSize)) {
            if (!context.partitionComplete()) {
                return SampleResult.empty();
            }
            n = ready.size();
        }
        return SampleResult.of(Samplers.firstIds(ready, n));
    }

    /** Factory of {@code sequential}. */
    @AutoService(SamplerFactory.class)
    public static final class Factory implements SamplerFactory {
        @Override
        public String name() {
            return "sequential";
        }

        @Override
        public String description() {
            return "oldest ready rows first, all or nothing";
        }

        @Override
        public List<ConfigOption<?>> options() {
            return List.of();
        }

        @Override
        public Sampler create(TqConfig config) {
            return new SequentialSampler();
        }
    }
}
