package io.transferqueue.backend.simple;

import static io.transferqueue.backend.simple.TestData.await;
import static io.transferqueue.backend.simple.TestData.failure;
import static io.transferqueue.backend.simple.TestData.meta;
import static io.transferqueue.backend.simple.TestData.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SimpleStorageManagerTest {

    @Test
    void mixedBatchRoundTripsInBothReadModes() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch batch = TestData.mixed(new Random(1), 9);
            BatchMeta meta = TestData.put(m, batch, meta(range(100, 9)));

            Batch copy = TestData.get(m, meta);
            Batch view = TestData.getZeroCopy(m, meta);

            assertThat(copy).isEqualTo(batch);
            assertThat(view).isEqualTo(batch);
            assertThat(copy.column("x").isReadOnly()).isFalse();
            assertThat(view.column("x").isReadOnly()).isTrue();
            assertThat(view.column("ids").isReadOnly()).isTrue();
            assertThat(copy.column("x").kind()).isEqualTo(ColumnKind.DENSE);
            assertThat(copy.column("ids").kind()).isEqualTo(ColumnKind.JAGGED);
            assertThat(copy.column("uid").kind()).isEqualTo(ColumnKind.OBJECT);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeRoundTripsDenseAndJagged(DType dtype) {
        Random rnd = new Random(dtype.ordinal());
        try (SimpleStorageManager m = TestData.manager(3)) {
            Batch batch = Batch.builder()
                    .add("d", TestData.dense(rnd, dtype, 5, 2, 3))
                    .add("j", TestData.jagged(rnd, dtype, 1, 0, 4, 2, 7))
                    .build();
            BatchMeta meta = TestData.put(m, batch, meta(range(0, 5)));
            assertThat(TestData.get(m, meta)).isEqualTo(batch);
            assertThat(TestData.getZeroCopy(m, meta)).isEqualTo(batch);
        }
    }

    @Test
    void putReportsTheSchemaOfEveryFieldAndNoBackendMeta() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch batch = TestData.mixed(new Random(2), 4);
            PutResult r = await(m.put(batch, meta(range(0, 4)), PutOptions.defaults()));
            assertThat(r.schema()).containsOnlyKeys("x", "ids", "uid");
            assertThat(r.schema().get("x").rowShape()).containsExactly(4);
            assertThat(r.schema().get("ids").kind()).isEqualTo(ColumnKind.JAGGED);
            assertThat(r.backendMeta()).isEmpty();
        }
    }

    @Test
    void aSubsetOfFieldsAndRowsCanBeRead() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch batch = TestData.mixed(new Random(3), 6);
            BatchMeta meta = TestData.put(m, batch, meta(range(10, 6)));
            BatchMeta part = meta.selectRows(4, 1).selectFields("ids");
            assertThat(TestData.get(m, part)).isEqualTo(batch.rows(4, 1).select("ids"));
        }
    }

    @Test
    void aGetThatRepeatsARowReturnsItAtEveryPosition() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch batch = TestData.mixed(new Random(4), 4);
            BatchMeta meta = TestData.put(m, batch, meta(range(0, 4)));
            BatchMeta repeated = meta.selectRows(2, 0, 2, 3, 2);
            Batch expected = batch.rows(2, 0, 2, 3, 2);
            assertThat(TestData.get(m, repeated)).isEqualTo(expected);
            assertThat(TestData.getZeroCopy(m, repeated)).isEqualTo(expected);
        }
    }

    /** A meta of {@code rows} rows from global index 1000 (none stored) naming {@code fields} dense fields. */
    private static BatchMeta unstoredRows(int rows, int fields) {
        Map<String, FieldSchema> schema = new LinkedHashMap<>();
        for (int f = 0; f < fields; f++) {
            schema.put("f" + f, FieldSchema.dense(DType.FLOAT32, new int[] {1}));
        }
        return meta(range(1000, rows)).withSchema(schema, true);
    }

    @Test
    void aGetOfRowsThatAreNotStoredFailsBeforeAllocatingItsAnswer() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (SimpleStorageManager m = TestData.manager(2)) {
            TestData.put(m, TestData.mixed(new Random(5), 2), meta(0, 1));
            BatchMeta missing = unstoredRows(100_000, 600); // 60 M cells, within the limit
            for (ReadOptions options : List.of(ReadOptions.zeroCopy(), ReadOptions.copy())) {
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                Throwable t = failure(m.get(missing, options));
                long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                assertThat(t).isInstanceOf(DataNotFoundException.class).hasMessageContaining("global index 1000 ");
                assertThat(allocated).as("bytes allocated by a get of 100,000 missing rows of 600 fields")
                        .isLessThan(16L << 20);
            }
        }
    }

    @Test
    void aGetOfMoreCellsThanTheLimitIsRefused() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            BatchMeta huge = unstoredRows(100_000, 1000);
            assertThat(failure(m.get(huge, ReadOptions.zeroCopy()))).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("100000000 cells").hasMessageContaining(String.valueOf(ReadPlan.MAX_CELLS));
        }
    }

    @Test
    void fieldsPutSeparatelyAccumulateOnTheSameRows() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Random rnd = new Random(5);
            BatchMeta rows = meta(range(0, 3));
            DenseColumn a = TestData.dense(rnd, DType.INT32, 3, 2);
            JaggedColumn b = TestData.jagged(rnd, DType.FLOAT16, 3, 1, 2);
            BatchMeta m1 = TestData.put(m, Batch.builder().add("a", a).build(), rows);
            BatchMeta m2 = TestData.put(m, Batch.builder().add("b", b).build(), rows);
            assertThat(TestData.get(m, m1.union(m2))).isEqualTo(Batch.builder().add("a", a).add("b", b).build());
            assertThat(m.stats().rows()).isEqualTo(3);
            assertThat(m.stats().bytes()).isEqualTo(a.byteSize() + b.byteSize());
        }
    }

    @Test
    void jaggedRowsOfHigherRankKeepTheirShapes() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            int[][] shapes = {{2, 3}, {1, 4}, {0, 2}, {3, 1}};
            int elements = 6 + 4 + 0 + 3;
            JaggedColumn j = JaggedColumn.wrap(DType.INT16, shapes, TestData.randomBytes(new Random(9), elements * 2));
            Batch batch = Batch.builder().add("img", j).build();
            BatchMeta meta = TestData.put(m, batch, meta(range(0, 4)));
            assertThat(TestData.get(m, meta)).isEqualTo(batch);
            JaggedColumn back = (JaggedColumn) TestData.getZeroCopy(m, meta).column("img");
            assertThat(back.rowShape(1)).containsExactly(1, 4);
            assertThat(back).isEqualTo(j);
        }
    }

    @Test
    void rewritingSomeFieldsOfRowsKeepsTheOthers() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Random rnd = new Random(10);
            BatchMeta rows = meta(range(0, 4));
            DenseColumn a = TestData.dense(rnd, DType.INT32, 4, 2);
            DenseColumn b1 = TestData.dense(rnd, DType.INT32, 4, 3);
            DenseColumn b2 = TestData.dense(rnd, DType.INT32, 4, 5);
            JaggedColumn c = TestData.jagged(rnd, DType.INT8, 1, 2, 3, 4);
            TestData.put(m, Batch.builder().add("a", a).add("b", b1).build(), rows);
            BatchMeta second = TestData.put(m, Batch.builder().add("b", b2).add("c", c).build(), rows);
            BatchMeta all = second.union(rows.withSchema(java.util.Map.of("a",
                    io.transferqueue.meta.FieldSchema.of(a)), true));
            assertThat(TestData.get(m, all)).isEqualTo(Batch.builder().add("a", a).add("b", b2).add("c", c).build());
            assertThat(m.stats().bytes()).isEqualTo(a.byteSize() + b2.byteSize() + c.byteSize());
        }
    }

    @Test
    void metadataThatContradictsTheStoredCellsFailsWithSchemaConflict() {
        try (SimpleStorageManager m = TestData.manager(1)) {
            BatchMeta meta = TestData.put(m, Batch.builder().add("x", TestData.dense(new Random(12), DType.FLOAT32, 2, 4))
                    .objects("o", List.of("a", "b")).build(), meta(0, 1));
            BatchMeta wrongDtype = meta.withSchema(java.util.Map.of("x",
                    io.transferqueue.meta.FieldSchema.dense(DType.INT32, new int[] {4})), true);
            BatchMeta wrongShape = meta.withSchema(java.util.Map.of("x",
                    io.transferqueue.meta.FieldSchema.dense(DType.FLOAT32, new int[] {2, 2})), true);
            BatchMeta wrongKind = meta.withSchema(java.util.Map.of("o",
                    io.transferqueue.meta.FieldSchema.dense(DType.FLOAT32, new int[] {4})), true);
            for (BatchMeta bad : List.of(wrongDtype, wrongShape, wrongKind)) {
                assertThat(failure(m.get(bad, ReadOptions.copy())))
                        .isInstanceOf(io.transferqueue.error.SchemaConflictException.class)
                        .hasMessageContaining("p/0.0");
            }
        }
    }

    @Test
    void denseRowsReadBackAsJaggedWhenTheMetaSaysSo() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            DenseColumn d = DenseColumn.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
            BatchMeta meta = TestData.put(m, Batch.builder().add("x", d).build(), meta(range(0, 3)));
            BatchMeta asJagged = meta.withSchema(java.util.Map.of("x",
                    io.transferqueue.meta.FieldSchema.jagged(DType.FLOAT32, new int[][] {{2}, {2}, {2}})), true);
            Batch back = TestData.get(m, asJagged);
            assertThat(back.column("x")).isInstanceOf(JaggedColumn.class);
            assertThat(((JaggedColumn) back.column("x")).toDense()).isEqualTo(d);
        }
    }

    @Test
    void badPutsFailWithATypedErrorAndStoreNothing() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch three = TestData.mixed(new Random(6), 3);
            assertThat(failure(m.put(three, meta(range(0, 4)), PutOptions.defaults())))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("3 rows").hasMessageContaining("4");
            assertThat(failure(m.put(three, meta(5, 6, 5), PutOptions.defaults())))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("row p/5");
            assertThat(m.stats().rows()).isZero();
        }
    }

    @Test
    void emptyRequestsComplete() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            assertThat(await(m.put(Batch.empty(), BatchMeta.empty(), PutOptions.defaults())).schema()).isEmpty();
            assertThat(await(m.put(Batch.ofSize(2), meta(1, 2), PutOptions.defaults())).schema()).isEmpty();
            assertThat(TestData.get(m, BatchMeta.empty()).size()).isZero();
            assertThat(TestData.get(m, meta(1, 2)).size()).isEqualTo(2);
            await(m.clear(BatchMeta.empty()));
        }
    }

    @Test
    void declaresZeroCopyAndCapacity() {
        try (SimpleStorageManager m = TestData.manager(1)) {
            assertThat(m.capabilities()).containsExactlyInAnyOrder(Capability.ZERO_COPY_READ, Capability.CAPACITY_LIMIT);
        }
    }

    @Test
    void unlimitedStatsReportMinusOneCapacities() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            assertThat(m.stats().rowCapacity()).isEqualTo(-1);
            assertThat(m.stats().byteCapacity()).isEqualTo(-1);
            assertThat(m.stats().isUnlimited()).isTrue();
        }
    }

    @Test
    void operationsAfterCloseFailWithClosedAndCloseIsIdempotent() {
        SimpleStorageManager m = TestData.manager(2);
        Batch batch = TestData.mixed(new Random(7), 2);
        BatchMeta meta = TestData.put(m, batch, meta(range(0, 2)));
        m.close();
        m.close();
        assertThat(failure(m.put(batch, meta, PutOptions.defaults()))).isInstanceOf(ClosedException.class);
        assertThat(failure(m.get(meta, ReadOptions.copy()))).isInstanceOf(ClosedException.class);
        assertThat(failure(m.get(meta, ReadOptions.zeroCopy()))).isInstanceOf(ClosedException.class);
        assertThat(failure(m.clear(meta))).isInstanceOf(ClosedException.class);
        assertThat(m.stats().rows()).isZero();
        assertThat(m.stats().bytes()).isZero();
    }

    @Test
    void closeStopsTheUnitThreads() {
        SimpleStorageManager m = TestData.manager(2);
        TestData.put(m, TestData.mixed(new Random(8), 4), meta(range(0, 4)));
        m.close();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("tq-simple-unit-") && t.isAlive() && belongsTo(t, m));
    }

    private static boolean belongsTo(Thread t, SimpleStorageManager m) {
        for (int i = 0; i < m.unitCount(); i++) {
            if (m.unit(i).isThread(t)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void objectValuesKeepTheirTypes() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            List<Object> values = java.util.Arrays.asList("s", 3L, 2.5, true, null, List.of(1L, "a"),
                    java.util.Map.of("k", List.of(new byte[] {9})));
            Batch batch = Batch.builder().objects("o", values).build();
            BatchMeta meta = TestData.put(m, batch, meta(range(0, values.size())));
            ObjectColumn back = (ObjectColumn) TestData.get(m, meta).column("o");
            assertThat(back).isEqualTo(batch.column("o"));
            assertThat(((ObjectColumn) TestData.getZeroCopy(m, meta).column("o"))).isEqualTo(batch.column("o"));
        }
    }

    @Test
    void directBufferSourcesAreCopied() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            ByteBuffer direct = ByteBuffer.allocateDirect(6 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 6; i++) {
                direct.putLong(i * 8, 1000 + i);
            }
            DenseColumn d = DenseColumn.wrap(DType.INT64, 3, new int[] {2}, direct);
            BatchMeta meta = TestData.put(m, Batch.builder().add("x", d).build(), meta(range(0, 3)));
            direct.putLong(0, -1);
            Batch back = TestData.get(m, meta);
            assertThat(((DenseColumn) back.column("x")).row(0).getLong(0)).isEqualTo(1000);
        }
    }
}
