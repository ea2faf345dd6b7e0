package io.transferqueue.backend.npu;

import static io.transferqueue.backend.npu.TestData.assertSameCells;
import static io.transferqueue.backend.npu.TestData.dense;
import static io.transferqueue.backend.npu.TestData.failure;
import static io.transferqueue.backend.npu.TestData.get;
import static io.transferqueue.backend.npu.TestData.jagged;
import static io.transferqueue.backend.npu.TestData.put;
import static io.transferqueue.backend.npu.TestData.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageStats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the npu backend beyond the conformance kit, on the host runtime. */
class NpuStorageManagerTest {
    private final List<StorageManager> open = new ArrayList<>();

    private NpuStorageManager create(TqConfig config) {
        StorageManager m = new NpuStorageFactory().create(config, StorageContext.of("npu-test", getClass().getClassLoader()));
        open.add(m);
        return m.unwrap(NpuStorageManager.class);
    }

    @AfterEach
    void closeAll() {
        open.forEach(StorageManager::close);
    }

    private static String partition() {
        return "p-" + UUID.randomUUID();
    }

    // ------------------------------------------------------------------ capacity

    @Test
    void aPutThatDoesNotFitIsRejectedWholeAndClearingMakesRoom() {
        NpuStorageManager m = create(NpuTestConfigs.host().with(NpuOptions.CAPACITY, DataSize.ofKibibytes(16))
                .with(NpuOptions.CHUNK_SIZE, DataSize.ofKibibytes(16)));
        String p = partition();
        Batch three = Batch.builder().add("x", dense(3, 4096, 1)).build();
        BatchMeta stored = put(m, three, rows(p, 0, 3));
        StorageStats before = m.stats();
        assertThat(before.bytes()).isEqualTo(3 * 4096);
        assertThat(before.byteCapacity()).isEqualTo(16 * 1024);
        assertThat(before.rows()).as("cells held").isEqualTo(3);

        Batch two = Batch.builder().add("x", dense(2, 4096, 2)).build();
        assertThat(failure(m.put(two, rows(p, 3, 2), PutOptions.defaults())))
                .isInstanceOf(CapacityExceededException.class)
                .hasMessageContaining("tq.storage.npu.capacity")
                .hasMessageContaining("nothing was written");
        assertThat(m.stats()).isEqualTo(before);
        assertThat(failure(m.get(rows(p, 3, 1).withSchema(stored.schema(), true), ReadOptions.copy())))
                .as("the first row of the rejected put").isInstanceOf(DataNotFoundException.class);

        m.clear(stored.selectRows(0)).join();
        BatchMeta more = put(m, two, rows(p, 3, 2));
        assertSameCells(get(m, more), two);
        assertSameCells(get(m, stored.selectRows(1, 2)), three.rows(1, 2));
    }

    @Test
    void deviceMemoryIsReusedAcrossPutsAndClears() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        NpuKvStorageClient client = m.unwrap(NpuKvStorageClient.class);
        String p = partition();
        for (int round = 0; round < 50; round++) {
            Batch b = Batch.builder().add("d", dense(8, 3000 + round, round)).add("j", jagged(round, 5, round, 700, 1, 2, 3, 4, round % 3))
                    .build();
            BatchMeta meta = put(m, b, rows(p, round * 8L, 8));
            assertSameCells(get(m, meta), b);
            m.clear(meta).join();
        }
        assertThat(client.chunkAllocations()).as("chunks taken from the runtime over 50 put/clear rounds").isEqualTo(1);
        assertThat(m.stats().bytes()).isZero();
    }

    @Test
    void theDeviceRefusingMemoryIsACapacityErrorWithTheRuntimesMessage() {
        // the fake runtime holds 4 GiB; a 5 GiB chunk is refused with ACL_ERROR_RT_MEMORY_ALLOCATION
        NpuStorageManager m = create(NpuTestConfigs.fakeAcl().with(NpuOptions.CAPACITY, DataSize.ofGibibytes(6))
                .with(NpuOptions.CHUNK_SIZE, DataSize.ofGibibytes(5)));

        assertThat(failure(m.put(Batch.builder().add("x", dense(1, 16, 1)).build(), rows(partition(), 0, 1),
                PutOptions.defaults())))
                .isInstanceOf(CapacityExceededException.class)
                .hasMessageContaining("ACL_ERROR_RT_MEMORY_ALLOCATION")
                .hasMessageContaining("fake acl: out of device memory")
                .hasCauseInstanceOf(NpuNativeException.class);
        assertThat(m.stats().bytes()).isZero();
    }

    // ------------------------------------------------------------------ handles

    @Test
    void forgedOrStaleHandlesAreTypedErrorsAndTheCellStaysReadable() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        String p = partition();
        Batch first = Batch.builder().add("x", dense(2, 100, 1)).build();
        BatchMeta old = put(m, first, rows(p, 0, 2));
        Batch second = Batch.builder().add("x", dense(2, 100, 2)).build();
        BatchMeta meta = put(m, second, rows(p, 0, 2));
        @SuppressWarnings("unchecked")
        List<Long> h = (List<Long>) meta.backendMeta("x", 0);
        assertThat(h).hasSize(4);
        assertThat(h.get(0)).as("device id").isZero();
        assertThat(h.get(3)).as("length").isEqualTo(100);

        assertThat(failure(m.get(old, ReadOptions.copy()))).as("the handle of the overwritten value")
                .isInstanceOf(StaleHandleException.class).hasMessageContaining("written again");
        assertThat(failure(m.get(forged(meta, List.of(7L, h.get(1), h.get(2), h.get(3))), ReadOptions.copy())))
                .as("another device").isInstanceOf(InvalidRequestException.class).hasMessageContaining("forged");
        assertThat(failure(m.get(forged(meta, List.of(h.get(0), h.get(1), h.get(2) + 512, h.get(3))), ReadOptions.copy())))
                .as("another offset").isInstanceOf(InvalidRequestException.class).hasMessageContaining("forged");
        assertThat(failure(m.get(forged(meta, List.of(h.get(0), h.get(1), h.get(2), 1L << 40)), ReadOptions.copy())))
                .as("a longer length").isInstanceOf(InvalidRequestException.class).hasMessageContaining("forged");
        assertThat(failure(m.get(forged(meta, List.of(h.get(0), h.get(1) + 1, h.get(2), h.get(3))), ReadOptions.copy())))
                .as("another handle").isInstanceOf(StaleHandleException.class);
        assertThat(failure(m.get(forged(meta, List.of(1L, 2L)), ReadOptions.copy()))).as("not a handle")
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not an npu cell handle");
        assertThat(failure(m.get(forged(meta, List.of("0", "1", "2", "3")), ReadOptions.copy()))).as("strings")
                .isInstanceOf(InvalidRequestException.class);
        assertThat(failure(m.getOnDevice(forged(meta, List.of(h.get(0), h.get(1), h.get(2) + 512, h.get(3))))))
                .as("a device read checks handles too").isInstanceOf(InvalidRequestException.class);

        assertSameCells(get(m, meta), second);
        m.clear(meta).join();
        assertThat(failure(m.get(meta, ReadOptions.copy()))).as("the handle of a freed allocation")
                .isInstanceOf(DataNotFoundException.class);
        assertThat(m.unwrap(NpuKvStorageClient.class).outstandingLeases()).isZero();
    }

    /** {@code meta} with row 0's handle of field x replaced. */
    private static BatchMeta forged(BatchMeta meta, Object handle) {
        List<Object> perRow = new ArrayList<>(meta.backendMetaColumn("x"));
        perRow.set(0, handle);
        return meta.withBackendMeta("x", perRow);
    }

    @Test
    void theJniLayerRejectsBadPointersAndRangesWithTypedErrors() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        NpuDevice d = m.unwrap(NpuDevice.class);
        long rt = d.nativeHandle();
        d.enter();
        try {
            assertThatThrownBy(() -> d.copyIn(0x1000, ByteBuffer.allocate(8)))
                    .isInstanceOf(NpuNativeException.class)
                    .hasMessageContaining("host runtime (device 0): copy host to device failed")
                    .hasMessageContaining("not a live allocation of this host device")
                    .satisfies(e -> assertThat(((NpuNativeException) e).category())
                            .isEqualTo(NpuNativeException.Category.INVALID));
            long ptr = d.malloc(4096);
            try {
                assertThatThrownBy(() -> NpuNative.copyFromArray(rt, ptr, new byte[10], 5, 10))
                        .isInstanceOf(NpuNativeException.class).hasMessageContaining("out of bounds");
                assertThatThrownBy(() -> NpuNative.copyToDirect(rt, ptr, ByteBuffer.allocateDirect(8), 4, 8))
                        .isInstanceOf(NpuNativeException.class).hasMessageContaining("out of bounds");
                assertThatThrownBy(() -> NpuNative.copyToDirect(rt, ptr, ByteBuffer.allocate(8), 0, 8))
                        .isInstanceOf(NpuNativeException.class).hasMessageContaining("not a direct buffer");
                assertThatThrownBy(() -> NpuNative.copyToArray(rt, ptr + 4000, new byte[200], 0, 200))
                        .isInstanceOf(NpuNativeException.class).hasMessageContaining("past the end");
                assertThatThrownBy(() -> NpuNative.copyToArray(0, ptr, new byte[8], 0, 8))
                        .isInstanceOf(NpuNativeException.class).hasMessageContaining("null runtime handle");
            } finally {
                d.free(ptr);
            }
            assertThatThrownBy(() -> d.free(ptr)).as("a double free").isInstanceOf(NpuNativeException.class);
        } finally {
            d.exit();
        }
    }

    // ------------------------------------------------------------------ device buffers

    @Test
    void deviceReadsLeaseReadOnlyCellsThatOutliveAClear() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        Batch b = Batch.builder().add("d", dense(3, 64, 1)).add("j", jagged(2, 3, 0, 9)).build();
        BatchMeta meta = put(m, b, rows(partition(), 0, 3));
        long usedBefore = m.stats().bytes();

        try (DeviceBatch onDevice = m.getOnDevice(meta.reorder(2, 0, 1)).join()) {
            assertThat(onDevice.size()).isEqualTo(3);
            assertThat(onDevice.fieldNames()).containsExactlyInAnyOrder("d", "j");
            DeviceBuffer cell = onDevice.cell("j", 0);
            assertThat(cell.length()).isEqualTo(9 * 4);
            assertThat(cell.isReadOnly()).isTrue();
            assertThat(cell.deviceId()).isZero();
            assertThat(cell.runtime()).isEqualTo(NpuRuntimeKind.HOST);
            assertThat(cell.devicePointer()).isNotZero();
            assertThat(onDevice.cell("j", 2).length()).as("an empty row").isZero();
            assertThat(cell.toHost()).isEqualTo(((JaggedColumn) b.column("j")).rowData(2));
            assertThat(onDevice.cell("d", 1).toHost()).isEqualTo(((DenseColumn) b.column("d")).rowData(0));
            ByteBuffer direct = ByteBuffer.allocateDirect(100).order(ByteOrder.LITTLE_ENDIAN);
            direct.position(10);
            onDevice.cell("d", 2).copyTo(direct);
            assertThat(direct.position()).isEqualTo(74);
            assertThat(direct.flip().position(10)).isEqualTo(((DenseColumn) b.column("d")).rowData(1));
            assertThatThrownBy(() -> cell.copyTo(ByteBuffer.allocate(8))).isInstanceOf(InvalidRequestException.class);
            assertThat(m.unwrap(NpuKvStorageClient.class).outstandingLeases()).isEqualTo(6);

            m.clear(meta).join();
            put(m, Batch.builder().add("j", jagged(99, 5, 5, 5)).build(), rows(meta.partition(0), 0, 3));

            assertThat(cell.toHost()).as("a leased cell after its row was cleared and rewritten")
                    .isEqualTo(((JaggedColumn) b.column("j")).rowData(2));
            assertThat(m.stats().bytes()).as("leased cells stay accounted").isGreaterThanOrEqualTo(usedBefore);
        }
        DeviceBuffer released;
        try (DeviceBatch again = m.getOnDevice(put(m, b, rows(partition(), 0, 3)).selectFields("d")).join()) {
            released = again.cell("d", 0);
        }
        assertThat(released.isReleased()).isTrue();
        assertThatThrownBy(released::devicePointer).isInstanceOf(StaleHandleException.class);
        assertThatThrownBy(released::toHost).isInstanceOf(StaleHandleException.class);
        assertThat(m.unwrap(NpuKvStorageClient.class).outstandingLeases()).isZero();
    }

    @Test
    void deviceReadsOfObjectFieldsAndZeroCopyGetsAreInvalidRequests() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        BatchMeta meta = put(m, Batch.builder().add("d", dense(2, 8, 1)).objects("o", List.of("a", 1L)).build(),
                rows(partition(), 0, 2));

        assertThat(failure(m.getOnDevice(meta))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'o' is an object field");
        assertThat(failure(m.get(meta, ReadOptions.zeroCopy()))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("ZERO_COPY_READ");
        assertThat(m.unwrap(NpuKvStorageClient.class).outstandingLeases()).isZero();
    }

    // ------------------------------------------------------------------ close

    @Test
    void closingWithALeasedBufferIsReportedAndTheBufferDiesWithTheStorage() {
        NpuStorageManager m = create(NpuTestConfigs.host().with(NpuOptions.STRICT_CLOSE, false));
        NpuKvStorageClient client = m.unwrap(NpuKvStorageClient.class);
        DeviceBatch leased = m.getOnDevice(put(m, Batch.builder().add("d", dense(1, 32, 1)).build(),
                rows(partition(), 0, 1))).join();

        m.close();

        assertThat(client.leaksAtClose()).as("leaks reported by close").isEqualTo(1);
        DeviceBuffer b = leased.cell("d", 0);
        assertThatThrownBy(b::devicePointer).isInstanceOf(ClosedException.class);
        assertThatThrownBy(b::toHost).isInstanceOf(ClosedException.class);
        leased.close();
        m.close();
        assertThat(client.leaksAtClose()).isEqualTo(1);
    }

    @Test
    void strictCloseFailsOnALeakAfterReleasingEverything() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        NpuKvStorageClient client = m.unwrap(NpuKvStorageClient.class);
        DeviceBatch leased = m.getOnDevice(put(m, Batch.builder().add("d", dense(2, 32, 1)).build(),
                rows(partition(), 0, 2))).join();

        assertThatThrownBy(m::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 device buffers still leased");
        assertThat(client.leaksAtClose()).isEqualTo(2);
        assertThat(client.reservedBytes()).as("device memory held after close").isZero();
        assertThat(failure(m.put(Batch.builder().add("d", dense(1, 8, 1)).build(), rows(partition(), 0, 1),
                PutOptions.defaults()))).isInstanceOf(ClosedException.class);
        leased.close();
        m.close();
    }

    @Test
    void aCleanCloseReportsNothing() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        NpuKvStorageClient client = m.unwrap(NpuKvStorageClient.class);
        BatchMeta meta = put(m, Batch.builder().add("d", dense(2, 32, 1)).build(), rows(partition(), 0, 2));
        m.getOnDevice(meta).join().close();

        m.close();

        assertThat(client.leaksAtClose()).isZero();
        assertThat(client.isClosed()).isTrue();
    }

    // ------------------------------------------------------------------ buffers of every kind

    @Test
    void directReadOnlyAndSlicedSourcesRoundTrip() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        ByteBuffer direct = ByteBuffer.allocateDirect(3 * 40).order(ByteOrder.LITTLE_ENDIAN);
        direct.put(TestData.bytes(120, 5)).flip();
        ByteBuffer readOnlyHeap = TestData.bytes(3 * 8, 6).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer slicedHeap = TestData.bytes(100, 7).position(13).slice().order(ByteOrder.LITTLE_ENDIAN);
        Batch b = Batch.builder()
                .add("direct", DenseColumn.wrap(DType.FLOAT32, 3, new int[] {10}, direct))
                .add("ro", DenseColumn.wrap(DType.INT64, 3, new int[] {1}, readOnlyHeap))
                .add("sliced", JaggedColumn.wrap(DType.UINT8, new int[][] {{40}, {7}, {40}}, slicedHeap.limit(87)))
                .build();
        Batch expected = b.copy();

        BatchMeta meta = put(m, b, rows(partition(), 0, 3));

        assertSameCells(get(m, meta), expected);
    }

    @Test
    void clientReadsIntoDirectAndHeapDestinations() {
        NpuStorageManager m = create(NpuTestConfigs.host());
        NpuKvStorageClient c = m.unwrap(NpuKvStorageClient.class);
        ByteBuffer v0 = TestData.bytes(1000, 1);
        ByteBuffer v1 = TestData.bytes(0, 2);
        ByteBuffer v2 = TestData.bytes(70000, 3);
        List<Object> handles = c.mput(List.of("k0", "k1", "k2"), List.of(v0, v1, v2)).join();

        ByteBuffer d0 = ByteBuffer.allocateDirect(1010);
        d0.position(10);
        ByteBuffer d1 = ByteBuffer.allocate(0);
        ByteBuffer d2 = ByteBuffer.allocate(70000);
        c.mgetInto(List.of("k0", "k1", "k2"), handles, List.of(d0, d1, d2)).join();
        assertThat(d0.position()).as("destination positions are not moved").isEqualTo(10);
        assertThat(d0).isEqualTo(v0);
        assertThat(d2).isEqualTo(v2);
        assertThat(c.mget(List.of("k2", "k0"), null).join()).containsExactly(v2, v0);
        assertThat(failure(c.mgetInto(List.of("k0"), null, List.of(ByteBuffer.allocate(999)))))
                .isInstanceOf(io.transferqueue.error.BackendException.class).hasMessageContaining("'k0' has 1000 bytes");
        assertThat(failure(c.mget(List.of("k0", "nope", "k2"), null))).isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("'nope'");
        assertThat(c.outstandingLeases()).isZero();
    }

    // ------------------------------------------------------------------ unwrap

    @Test
    void unwrapGivesTheRuntimeHandleTheClientAndTheManagers() {
        NpuStorageManager m = create(NpuTestConfigs.host().with(NpuOptions.DEVICE_ID, 3));
        NpuDevice d = m.unwrap(NpuDevice.class);
        assertThat(d.runtime()).isEqualTo(NpuRuntimeKind.HOST);
        assertThat(d.deviceId()).isEqualTo(3);
        assertThat(d.memoryInfo().totalBytes()).isPositive();
        assertThat(d.memoryInfo().freeBytes()).isBetween(0L, d.memoryInfo().totalBytes());
        assertThat(m.unwrap(NpuKvStorageClient.class).device()).isSameAs(d);
        assertThat(m.unwrap(KvStorageManager.class).backendName()).isEqualTo("npu");
        assertThat(m.unwrap(StorageManager.class)).isSameAs(m);
        assertThatThrownBy(() -> m.unwrap(String.class)).isInstanceOf(IllegalArgumentException.class);
        BatchMeta meta = put(m, Batch.builder().add("d", dense(1, 8, 1)).build(), rows(partition(), 0, 1));
        @SuppressWarnings("unchecked")
        List<Long> h = (List<Long>) meta.backendMeta("d", 0);
        assertThat(h.get(0)).as("device id in the handle").isEqualTo(3);
        m.close();
        assertThatThrownBy(() -> m.unwrap(NpuDevice.class)).isInstanceOf(ClosedException.class);
        assertThatThrownBy(d::memoryInfo).isInstanceOf(ClosedException.class);
    }
}
