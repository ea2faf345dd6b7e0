package io.transferqueue.conformance.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;
import io.transferqueue.conformance.InMemoryKvStorageClient;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kit on an in-memory KV backend that declares zero-copy reads, returns backend meta (and checks it comes
 * back) and limits capacity in the capacity tests: proves the capability-dependent tests run and pass.
 */
class InMemoryKvAllCapabilitiesConformanceTest extends StorageManagerConformanceTest {
    @Override
    protected StorageManagerFactory factory() {
        return new InMemoryKvStorageManagerFactory();
    }

    /** Limited (generously), so the manager declares CAPACITY_LIMIT and the capacity tests run. */
    @Override
    protected TqConfig config() {
        return TqConfig.defaults()
                .with(InMemoryKvStorageManagerFactory.ZERO_COPY, true)
                .with(InMemoryKvStorageManagerFactory.BACKEND_META, true)
                .with(InMemoryKvStorageManagerFactory.MAX_BYTES, DataSize.ofMebibytes(64));
    }

    /** The store counts cells (one per row in the capacity test) and value bytes, in total. */
    @Override
    protected TqConfig configWithCapacity(long rowsPerUnitOrTotal, DataSize bytes) {
        return TqConfig.defaults()
                .with(InMemoryKvStorageManagerFactory.ZERO_COPY, true)
                .with(InMemoryKvStorageManagerFactory.BACKEND_META, true)
                .with(InMemoryKvStorageManagerFactory.MAX_KEYS, rowsPerUnitOrTotal)
                .with(InMemoryKvStorageManagerFactory.MAX_BYTES, bytes);
    }

    /** The modes this class exists for really ran: backend meta round trips, zero-copy reads use mget. */
    @Test
    void backendMetaAndZeroCopyReadsTookTheirOwnPaths() {
        InMemoryKvStorageClient client = manager().unwrap(InMemoryKvStorageClient.class);
        Batch batch = Batch.builder().add("x", DenseColumn.wrap(DType.INT32, 2, new int[] {2}, Buffers.allocate(16)))
                .objects("o", List.of("a", "b")).build();
        BatchMeta rows = BatchMeta.of(List.of(new RowHandle("self-test", 0, 0), new RowHandle("self-test", 1, 0)));

        PutResult r = manager().put(batch, rows, PutOptions.defaults()).join();
        assertThat(r.backendMeta()).containsOnlyKeys("x", "o");
        BatchMeta meta = rows.withSchema(r.schema(), true).withBackendMeta("x", r.backendMeta().get("x"))
                .withBackendMeta("o", r.backendMeta().get("o"));

        long mgetInto = client.mgetIntoCalls();
        long mget = client.mgetCalls();
        manager().get(meta, ReadOptions.zeroCopy()).join();
        assertThat(client.mgetIntoCalls()).isEqualTo(mgetInto);
        assertThat(client.mgetCalls()).isEqualTo(mget + 2);
        manager().get(meta, ReadOptions.copy()).join();
        assertThat(client.mgetIntoCalls()).isEqualTo(mgetInto + 1);
        assertThat(manager().get(meta.withBackendMeta("x", List.of(-1L, -1L)), ReadOptions.copy()))
                .as("a get with backend meta of another write").isCompletedExceptionally();
    }
}
