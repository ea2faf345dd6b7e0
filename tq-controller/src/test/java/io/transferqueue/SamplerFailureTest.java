package io.transferqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.controller.Controller;
import io.transferqueue.controller.LocalControllerApi;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.Sampler;
import io.transferqueue.spi.SamplerFactory;
import io.transferqueue.testing.FlakyStorage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A sampler plugin that throws fails only the fetch that used it; producers and other consumers go on. */
class SamplerFailureTest {
    private static final SamplerFactory BOOM = factory("boom", c -> (ctx, ready, n, params) -> {
        throw new ClassCastException("plugin bug: tag is not a Number");
    });
    private static final SamplerFactory BROKEN = factory("broken", c -> {
        throw new IllegalStateException("plugin bug: cannot start");
    });

    private static SamplerFactory factory(String name, java.util.function.Function<TqConfig, Sampler> create) {
        return new SamplerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<ConfigOption<?>> options() {
                return List.of();
            }

            @Override
            public Sampler create(TqConfig config) {
                return create.apply(config);
            }
        };
    }

    private static Controller controller() {
        Map<String, SamplerFactory> all = new TreeMap<>(NamedPlugins.discover(SamplerFactory.class,
                SamplerFailureTest.class.getClassLoader(), "sampler", SamplerFactory::name).all());
        all.put(BOOM.name(), BOOM);
        all.put(BROKEN.name(), BROKEN);
        return Controller.create(TqConfig.defaults(), NamedPlugins.of("sampler", all));
    }

    private static Batch ints(int... v) {
        return Batch.builder().dense("x", Tensor.of(v, v.length, 1)).build();
    }

    @Test
    void aThrowingSamplerFailsOnlyItsParkedFetchAndNeverThePut() throws Exception {
        try (Controller c = controller(); FlakyStorage s = new FlakyStorage()) {
            QueueClient q = new QueueClient(new LocalControllerApi(c, false), s, Duration.ofSeconds(10));
            CompletableFuture<BatchMeta> a = q.getMeta(GetMetaRequest.fetch("p", "A", List.of("x"), 2)
                    .withWait(Duration.ofSeconds(30)));
            CompletableFuture<BatchMeta> b = q.getMeta(GetMetaRequest.fetch("p", "B", List.of("x"), 2)
                    .withSampler("boom").withWait(Duration.ofSeconds(30)));

            q.sync().put("p", ints(1, 2));

            BatchMeta gotA = a.get(10, TimeUnit.SECONDS);
            assertThat(gotA.size()).isEqualTo(2);
            assertThat(q.sync().get(gotA).size()).isEqualTo(2);
            assertThatThrownBy(() -> b.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(InvalidRequestException.class).hasMessageContaining("sampler 'boom'")
                    .hasMessageContaining("ClassCastException");
            assertThat(c.waitingFetches()).isZero();
            q.sync().put("p", ints(3));
            assertThat(q.sync().stats("p").rows()).isEqualTo(3);
            assertThat(q.sync().stats("p").consumedPerTask()).containsEntry("A", 2L);
            assertThat(q.sync().stats("p").consumedPerTask().getOrDefault("B", 0L)).isZero();
        }
    }

    @Test
    void aDirectFetchWithAThrowingSamplerGetsATypedErrorAndConsumesNothing() {
        try (Controller c = controller(); FlakyStorage s = new FlakyStorage()) {
            QueueClient q = new QueueClient(new LocalControllerApi(c, false), s, Duration.ofSeconds(10));
            q.sync().put("p", ints(1, 2));

            assertThatThrownBy(() -> q.sync().getMeta(GetMetaRequest.fetch("p", "B", List.of("x"), 2)
                    .withSampler("boom"))).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("sampler 'boom'");
            assertThatThrownBy(() -> q.sync().getMeta(GetMetaRequest.fetch("p", "B", List.of("x"), 2)
                    .withSampler("broken"))).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("sampler 'broken'").hasMessageContaining("could not be created");

            assertThat(q.sync().stats("p").consumedPerTask().getOrDefault("B", 0L)).isZero();
            assertThat(q.sync().getMeta(GetMetaRequest.fetch("p", "B", List.of("x"), 2)).size()).isEqualTo(2);
        }
    }
}
