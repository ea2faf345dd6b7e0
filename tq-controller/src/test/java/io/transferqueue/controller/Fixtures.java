package io.transferqueue.controller;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.DType;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Shortcuts for controller tests: insert rows and mark dense fields produced without any storage. */
final class Fixtures {
    private Fixtures() {
    }

    static Controller controller() {
        return Controller.create(TqConfig.defaults());
    }

    static Controller controller(String sampler) {
        return Controller.create(TqConfig.defaults().with(ControllerOptions.SAMPLER, sampler));
    }

    static BatchMeta insert(Controller c, String partition, int n) {
        return c.getMeta(GetMetaRequest.insert(partition, n)).join();
    }

    /** Marks dense float32 fields of shape [4] produced for {@code rows}. */
    static void produce(Controller c, BatchMeta rows, String... fields) {
        Map<String, FieldSchema> schema = new TreeMap<>();
        for (String f : fields) {
            schema.put(f, FieldSchema.dense(DType.FLOAT32, new int[] {4}));
        }
        c.notifyProduced(ProduceNotice.of(rows, schema, Map.of()));
    }

    static BatchMeta fetch(Controller c, String partition, String task, int n, String... fields) {
        return c.getMeta(GetMetaRequest.fetch(partition, task, List.of(fields), n)).join();
    }

    static BatchMeta await(java.util.concurrent.CompletableFuture<BatchMeta> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future did not complete: " + e, e);
        }
    }

    static GetMetaRequest waitingFetch(String partition, String task, int n, String... fields) {
        return GetMetaRequest.fetch(partition, task, List.of(fields), n).withWait(Duration.ofSeconds(30));
    }
}
