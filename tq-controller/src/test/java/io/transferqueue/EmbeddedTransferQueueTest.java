package io.transferqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.KvData;
import io.transferqueue.client.KvGetOptions;
import io.transferqueue.client.SyncTransferQueueClient;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.ConfigException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.KvBatchMeta;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.ReadOptions;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The embedded default (controller + simple backend in one JVM), sync and async. */
class EmbeddedTransferQueueTest {
    private final TransferQueue tq = TransferQueue.embedded(TqConfig.defaults());
    private final SyncTransferQueueClient c = tq.sync();

    @AfterEach
    void close() {
        tq.close();
    }

    private static Batch batch(int rows, int seed) {
        List<Tensor> jag = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            long[] ids = new long[(i + seed) % 5];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = seed * 1000L + i * 10 + k;
            }
            jag.add(Tensor.of(ids));
        }
        float[] dense = new float[rows * 3];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = seed + i * 0.5f;
        }
        return Batch.builder().dense("x", Tensor.of(dense, rows, 3)).jagged("ids", jag)
                .objects("uid", java.util.stream.IntStream.range(0, rows).mapToObj(i -> "s" + seed + "r" + i).toList())
                .build();
    }

    @Test
    void theSimpleBackendIsTheDefault() {
        assertThat(tq.storage().getClass().getSimpleName()).isEqualTo("SimpleStorageManager");
    }

    @Test
    void putFetchGetClearAcrossPartitionsAndTasks() {
        Batch a = batch(5, 1);
        Batch b = batch(3, 2);
        BatchMeta pa = c.put("train", a);
        BatchMeta pb = c.put("val", b);
        assertThat(pa.isReady()).isTrue();
        assertThat(pa.fieldNames()).containsExactly("ids", "uid", "x");
        BatchMeta actor = c.getMeta(GetMetaRequest.fetch("train", "actor", List.of("x", "ids", "uid"), 5));
        Batch got = c.get(actor);
        assertThat(got.column("x")).isInstanceOf(DenseColumn.class);
        assertThat(got.column("ids")).isInstanceOf(JaggedColumn.class);
        assertThat(got.select("x", "ids", "uid")).isEqualTo(a.select("x", "ids", "uid"));
        BatchMeta critic = c.getMeta(GetMetaRequest.fetch("train", "critic", List.of("x"), 2));
        assertThat(c.get(critic)).isEqualTo(a.rows(0, 1).select("x"));
        assertThat(c.get(c.getMeta(GetMetaRequest.fetch("val", "actor", List.of("uid"), 3)))).isEqualTo(b.select("uid"));
        c.clearSamples(actor.selectRows(0, 1));
        assertThat(c.stats("train").rows()).isEqualTo(3);
        assertThatThrownBy(() -> c.get(actor)).isInstanceOfAny(StaleHandleException.class, DataNotFoundException.class);
        c.clearPartition("train");
        assertThat(c.partitions()).containsExactly("val");
        c.clearPartition("train");
        assertThat(pb.size()).isEqualTo(3);
    }

    @Test
    void asyncApiChainsWithoutBlocking() throws Exception {
        Batch a = batch(4, 3);
        CompletableFuture<Batch> roundTrip = tq.put("p", a)
                .thenCompose(m -> tq.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 4)))
                .thenCompose(tq::get);
        assertThat(roundTrip.get(10, TimeUnit.SECONDS)).isEqualTo(a.select("x"));
    }

    @Test
    void addingAFieldToExistingRowsKeepsTheirOtherFields() {
        BatchMeta rows = c.put("p", batch(3, 1).select("x"));
        Batch reward = Batch.builder().dense("reward", Tensor.of(new float[] {1, 2, 3})).build();
        BatchMeta more = c.put(reward, rows, List.of(Map.of("r", 1), Map.of(), Map.of()), TagMode.MERGE);
        assertThat(more.fieldNames()).containsExactly("reward", "x");
        BatchMeta got = c.getMeta(GetMetaRequest.fetch("p", "t", List.of("x", "reward"), 3));
        assertThat(got.tags(0)).containsEntry("r", 1L);
        assertThat(c.get(got).column("reward")).isEqualTo(reward.column("reward"));
    }

    @Test
    void twoConsumersOfOneRowAreIndependentAndZeroCopyViewsAreReadOnly() {
        Batch a = batch(2, 5);
        BatchMeta rows = c.put("p", a);
        BatchMeta meta = c.getMeta(GetMetaRequest.forceFetch("p", List.of("x")));
        Batch first = c.get(meta);
        Batch second = c.get(meta);
        ((DenseColumn) first.column("x")).rowData(0).putFloat(0, 42f);
        assertThat(second.column("x")).isEqualTo(a.column("x"));
        assertThat(c.get(meta).column("x")).isEqualTo(a.column("x"));
        Batch view = c.get(meta, ReadOptions.zeroCopy());
        assertThat(view.column("x")).isEqualTo(a.column("x"));
        assertThatThrownBy(() -> ((DenseColumn) view.column("x")).rowData(0).putFloat(0, 1f))
                .isInstanceOf(ReadOnlyBufferException.class);
        assertThat(rows.size()).isEqualTo(2);
    }

    @Test
    void kvPutGetListClearWithTagsMissingKeysAndUnevenFields() {
        KvBatchMeta m = c.kvBatchPut("kv", List.of("a", "b"), batch(2, 1).select("x"),
                List.of(Map.of("t", "a"), Map.of("t", "b")));
        assertThat(m.fields()).containsExactly("x");
        KvBatchMeta again = c.kvPut("kv", "a", batch(1, 9).select("uid"), Map.of("v", 2));
        assertThat(again.fields()).containsExactly("uid", "x");
        assertThat(c.kvList("kv")).containsOnlyKeys("a", "b");
        assertThat(c.kvList("kv").get("a")).containsEntry("t", "a").containsEntry("v", 2L);

        assertThatThrownBy(() -> c.kvBatchGet("kv", List.of("a", "b"), KvGetOptions.strict()))
                .isInstanceOf(DataNotFoundException.class).hasMessageContaining("'b'").hasMessageContaining("'uid'");
        KvData common = c.kvBatchGet("kv", List.of("b", "a"), KvGetOptions.strict().withCommonFieldsOnly());
        assertThat(common.keys()).containsExactly("b", "a");
        assertThat(common.batch().fieldNames()).containsExactly("x");
        assertThat(common.batch().column("x")).isEqualTo(batch(2, 1).rows(1, 0).column("x"));
        assertThatThrownBy(() -> c.kvBatchGet("kv", List.of("a", "zz"), KvGetOptions.fields(List.of("x"))))
                .isInstanceOf(DataNotFoundException.class).hasMessageContaining("zz");
        KvData skipping = c.kvBatchGet("kv", List.of("a", "zz"), KvGetOptions.fields(List.of("x")).withSkipMissing());
        assertThat(skipping.keys()).containsExactly("a");
        assertThat(skipping.missing()).containsExactly("zz");

        c.kvClear("kv", List.of("a", "zz"));
        assertThat(c.kvList("kv")).containsOnlyKeys("b");
        c.kvClear("kv", List.of("a"));
        assertThatThrownBy(() -> c.kvBatchPut("kv", List.of("c"), null, null)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> c.kvBatchPut("kv", List.of("c", "d"), batch(3, 1), null))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(c.kvList("kv")).containsOnlyKeys("b");
    }

    @Test
    void twoInstancesInOneJvmNeverSeeEachOther() {
        try (TransferQueue other = TransferQueue.embedded(TqConfig.defaults())) {
            c.put("p", batch(2, 1));
            assertThat(other.sync().partitions()).isEmpty();
            other.sync().put("p", batch(1, 2));
            assertThat(c.stats("p").rows()).isEqualTo(2);
            assertThat(other.sync().stats("p").rows()).isEqualTo(1);
        }
    }

    @Test
    void unknownKeysAndUnknownBackendsFailListingWhatExists() {
        assertThatThrownBy(() -> TransferQueue.embedded(TqConfig.defaults().with("tq.storage.nope", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tq.storage.simple.units");
        assertThatThrownBy(() -> TransferQueue.embedded(TqConfig.defaults().with("tq.storage.backend", "nope")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("simple");
    }

    @Test
    void closeReleasesEverythingItCreatedAndIsIdempotent() {
        TransferQueue q = TransferQueue.embedded(TqConfig.defaults());
        q.sync().put("p", batch(1, 1));
        q.close();
        q.close();
        assertThatThrownBy(() -> q.sync().partitions()).isInstanceOf(io.transferqueue.error.ClosedException.class);
    }
}
