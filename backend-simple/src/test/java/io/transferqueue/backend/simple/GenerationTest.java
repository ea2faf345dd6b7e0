package io.transferqueue.backend.simple;

import static io.transferqueue.backend.simple.TestData.await;
import static io.transferqueue.backend.simple.TestData.failure;
import static io.transferqueue.backend.simple.TestData.meta;
import static io.transferqueue.backend.simple.TestData.metaGen;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Row handles carry a generation; storage never mixes generations (lessons I3, C1, C4). */
class GenerationTest {
    private final Random rnd = new Random(11);

    private Batch one(String field) {
        return Batch.builder().add(field, TestData.dense(rnd, DType.FLOAT32, 1, 3)).build();
    }

    @Test
    void aStaleHandleNeverReadsTheRowThatReusedItsIndex() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            BatchMeta old = TestData.put(m, one("x"), metaGen(0, 7));
            await(m.clear(old));
            Batch fresh = one("x");
            BatchMeta current = TestData.put(m, fresh, metaGen(1, 7));

            assertThat(failure(m.get(old, ReadOptions.copy()))).isInstanceOf(StaleHandleException.class)
                    .hasMessageContaining("p/7.0").hasMessageContaining("generation 1");
            assertThat(failure(m.get(old, ReadOptions.zeroCopy()))).isInstanceOf(StaleHandleException.class);
            assertThat(TestData.get(m, current)).isEqualTo(fresh);
        }
    }

    @Test
    void aPutWithAnOlderGenerationFailsAndChangesNothing() {
        try (SimpleStorageManager m = TestData.manager(1)) {
            Batch stored = one("x");
            BatchMeta current = TestData.put(m, stored, metaGen(3, 4));
            Throwable t = failure(m.put(one("x"), metaGen(2, 4), PutOptions.defaults()));
            assertThat(t).isInstanceOf(StaleHandleException.class).hasMessageContaining("generation 3");
            assertThat(TestData.get(m, current)).isEqualTo(stored);
        }
    }

    @Test
    void aNewerGenerationReplacesTheWholeRow() {
        try (SimpleStorageManager m = TestData.manager(1)) {
            BatchMeta g0 = TestData.put(m, Batch.builder().add("a", TestData.dense(rnd, DType.INT8, 1, 5))
                    .add("b", TestData.dense(rnd, DType.INT8, 1, 5)).build(), metaGen(0, 2));
            Batch newer = one("a");
            BatchMeta g1 = TestData.put(m, newer, metaGen(1, 2));
            assertThat(TestData.get(m, g1)).isEqualTo(newer);
            assertThat(failure(m.get(g1.union(metaGen(1, 2).withSchema(java.util.Map.of("b",
                    g0.schema("b")), true)), ReadOptions.copy())))
                    .isInstanceOf(DataNotFoundException.class).hasMessageContaining("'b'");
            assertThat(m.stats().rows()).isEqualTo(1);
            assertThat(m.stats().bytes()).isEqualTo(newer.byteSize());
        }
    }

    @Test
    void aClearWithAStaleHandleDeletesNothing() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch b = Batch.builder().add("x", TestData.dense(rnd, DType.INT32, 4, 2)).build();
            BatchMeta current = TestData.put(m, b, metaGen(5, 10, 11, 12, 13));
            // rows 10 and 11 as the current generation, row 12 as a stale one: nothing may go
            BatchMeta mixed = BatchMeta.builder().rows(TestData.PARTITION, new long[] {10, 11, 12},
                    new int[] {5, 5, 4}).build();
            assertThat(failure(m.clear(mixed))).isInstanceOf(StaleHandleException.class)
                    .hasMessageContaining("p/12.4").hasMessageContaining("nothing was cleared");
            assertThat(TestData.get(m, current)).isEqualTo(b);
            assertThat(m.stats().rows()).isEqualTo(4);
        }
    }

    @Test
    void eachUnitChecksStalenessBeforeDeletingAnything() {
        try (SimpleStorageManager m = TestData.manager(1)) {
            StorageUnit unit = m.unit(0);
            TestData.put(m, Batch.builder().add("x", TestData.dense(rnd, DType.INT32, 3, 2)).build(),
                    metaGen(2, 0, 1, 2));
            BatchMeta mixed = BatchMeta.builder().rows(TestData.PARTITION, new long[] {0, 1, 2},
                    new int[] {2, 2, 1}).build();
            // straight to the unit, past the manager's up-front check
            Throwable t = failure(unit.clear(mixed, io.transferqueue.meta.RoutingGroup.route(mixed.globalIndexes(), 1)
                    .get(0)));
            assertThat(t).isInstanceOf(StaleHandleException.class);
            assertThat(unit.usedRows()).isEqualTo(3);
        }
    }

    @Test
    void aClearWithANewerHandleLeavesAnOlderRowAlone() {
        try (SimpleStorageManager m = TestData.manager(1)) {
            Batch b = one("x");
            BatchMeta g0 = TestData.put(m, b, metaGen(0, 1));
            await(m.clear(metaGen(1, 1)));
            assertThat(TestData.get(m, g0)).isEqualTo(b);
        }
    }

    @Test
    void aClearNamingFieldsDeletesThoseFieldsAndAClearNamingNoneDeletesWholeRows() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch b = Batch.builder().add("a", TestData.dense(rnd, DType.INT8, 3, 10))
                    .add("b", TestData.dense(rnd, DType.INT8, 3, 20)).build();
            BatchMeta meta = TestData.put(m, b, meta(0, 1, 2));

            await(m.clear(meta.selectRows(0).selectFields("a")));
            assertThat(TestData.get(m, meta.selectFields("b"))).isEqualTo(b.select("b"));
            assertThat(failure(m.get(meta.selectRows(0), ReadOptions.copy()))).isInstanceOf(DataNotFoundException.class)
                    .hasMessageContaining("'a'");
            assertThat(m.stats().rows()).isEqualTo(3);
            assertThat(m.stats().bytes()).isEqualTo(3 * 30 - 10);

            // the last field of row 0 goes: the row goes
            await(m.clear(meta.selectRows(0).selectFields("b")));
            assertThat(m.stats().rows()).isEqualTo(2);
            // handles without fields: whole rows
            await(m.clear(meta(1, 2)));
            assertThat(m.stats().rows()).isZero();
            assertThat(m.stats().bytes()).isZero();
        }
    }

    @Test
    void oneGlobalIndexInTwoPartitionsIsTwoRows() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch b1 = one("x");
            Batch b2 = one("x");
            BatchMeta p1 = TestData.put(m, b1, BatchMeta.builder().rows("p1", new long[] {4}, new int[] {0}).build());
            BatchMeta p2 = TestData.put(m, b2, BatchMeta.builder().rows("p2", new long[] {4}, new int[] {3}).build());
            assertThat(TestData.get(m, p1)).isEqualTo(b1);
            assertThat(TestData.get(m, p2)).isEqualTo(b2);
            await(m.clear(p1));
            assertThat(failure(m.get(p1, ReadOptions.copy()))).isInstanceOf(DataNotFoundException.class);
            assertThat(TestData.get(m, p2)).isEqualTo(b2);
        }
    }

    @Test
    void clearIsIdempotentAndIgnoresUnknownRows() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            BatchMeta meta = TestData.put(m, one("x"), meta(3));
            await(m.clear(meta));
            await(m.clear(meta));
            await(m.clear(meta(100, 200, 300)));
            assertThat(m.stats().rows()).isZero();
            assertThat(m.stats().bytes()).isZero();
        }
    }

    @Test
    void missingRowsAndFieldsNameIndexGenerationAndField() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            BatchMeta stored = TestData.put(m, one("x"), metaGen(4, 8));
            BatchMeta otherField = metaGen(4, 8).withSchema(java.util.Map.of("y", stored.schema("x")), true);
            assertThat(failure(m.get(otherField, ReadOptions.copy()))).isInstanceOf(DataNotFoundException.class)
                    .hasMessageContaining("global index 8").hasMessageContaining("generation 4")
                    .hasMessageContaining("'y'");
            BatchMeta missingRow = metaGen(0, 9).withSchema(java.util.Map.of("x", stored.schema("x")), true);
            assertThat(failure(m.get(missingRow, ReadOptions.zeroCopy()))).isInstanceOf(DataNotFoundException.class)
                    .hasMessageContaining("global index 9").hasMessageContaining("generation 0")
                    .hasMessageContaining("'x'");
            BatchMeta cleared = stored;
            await(m.clear(stored));
            assertThat(failure(m.get(cleared, ReadOptions.copy()))).isInstanceOf(DataNotFoundException.class)
                    .hasMessageContaining("global index 8");
            // a handle newer than what is stored: that generation was never written
            TestData.put(m, one("x"), metaGen(1, 5));
            BatchMeta ahead = metaGen(2, 5).withSchema(java.util.Map.of("x", stored.schema("x")), true);
            assertThat(failure(m.get(ahead, ReadOptions.copy()))).isInstanceOf(DataNotFoundException.class)
                    .hasMessageContaining("generation 2");
        }
    }
}
