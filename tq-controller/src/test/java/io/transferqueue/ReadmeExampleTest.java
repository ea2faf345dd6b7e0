package io.transferqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.KvData;
import io.transferqueue.client.KvGetOptions;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.loader.MicroBatch;
import io.transferqueue.loader.StreamingDataLoader;
import io.transferqueue.meta.BatchMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The code of README.md, kept identical to it (edit both together). */
class ReadmeExampleTest {

    @Test
    void theEmbeddedExampleRuns() {
        Batch[] result = new Batch[1];
        // --- README: embedded example
        try (TransferQueue tq = TransferQueue.embedded(TqConfig.load())) {
            Batch rollout = Batch.builder()
                    .jagged("responses", List.of(Tensor.of(new long[] {1, 2, 3}), Tensor.of(new long[] {4, 5})))
                    .dense("old_log_prob", Tensor.of(new float[] {-0.5f, -1.5f}))
                    .build();
            tq.sync().put("step-0", rollout);                                  // rows + fields, ready at once
            BatchMeta meta = tq.sync().getMeta(GetMetaRequest.fetch("step-0", "actor_update",
                    List.of("responses", "old_log_prob"), 2).withWait(Duration.ofSeconds(10)));
            Batch data = tq.sync().get(meta);                                  // jagged stays jagged, dense stays dense
            // --- end of the README code
            result[0] = data;
            assertThat(data).isEqualTo(rollout);
        }
        assertThat(result[0].size()).isEqualTo(2);
    }

    @Test
    void theKeyValueExampleRuns() {
        try (TransferQueue tq = TransferQueue.embedded(TqConfig.defaults())) {
            Batch batch = Batch.builder().dense("x", Tensor.of(new float[] {1, 2})).build();
            // --- README: key-value API
            tq.sync().kvBatchPut("prompts", List.of("q1", "q2"), batch, List.of(Map.of("source", "gsm8k"), Map.of()));
            KvData got = tq.sync().kvBatchGet("prompts", List.of("q2"), KvGetOptions.strict());
            tq.sync().kvList("prompts");
            tq.sync().kvClear("prompts", List.of("q1"));
            // --- end of the README code
            assertThat(got.batch()).isEqualTo(batch.rows(1));
            assertThat(tq.sync().kvList("prompts")).containsOnlyKeys("q2");
            assertThatThrownBy(() -> tq.sync().kvBatchGet("prompts", List.of("q1"), KvGetOptions.strict()))
                    .isInstanceOf(DataNotFoundException.class);
        }
    }

    @Test
    void theLoaderExampleRunsForTwoRanks() throws Exception {
        try (TransferQueue tq = TransferQueue.embedded(TqConfig.defaults())) {
            List<Tensor> responses = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                responses.add(Tensor.of(new long[1 + i % 7]));
            }
            float[] logp = new float[32];
            tq.sync().put("step-0", Batch.builder().jagged("responses", responses)
                    .dense("old_log_prob", Tensor.of(logp)).build());
            tq.sync().markComplete("step-0");
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> ranks = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                ranks.add(CompletableFuture.runAsync(() -> {
                    // --- README: streaming loader
                    try (StreamingDataLoader loader = StreamingDataLoader.builder().client(tq).partition("step-0")
                            .task("actor_update").fields("responses", "old_log_prob").batchSize(8).microBatchSize(2)
                            .dpRank(rank).dpSize(2).sampler("seqlen-balanced").build()) {
                        for (MicroBatch mb : loader) {
                            train(mb.data(), mb.meta(), seen);   // data and meta always cover the same rows
                        }
                    }
                    // --- end of the README code
                }));
            }
            for (CompletableFuture<Void> f : ranks) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(seen).hasSize(32);
        }
    }

    private static void train(Batch data, BatchMeta meta, List<Integer> seen) {
        assertThat(data.size()).isEqualTo(meta.size());
        for (int i = 0; i < meta.size(); i++) {
            seen.add((int) meta.globalIndex(i));
        }
    }
}
