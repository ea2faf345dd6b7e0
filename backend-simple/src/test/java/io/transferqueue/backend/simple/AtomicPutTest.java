package io.transferqueue.backend.simple;

import static io.transferqueue.backend.simple.TestData.failure;
import static io.transferqueue.backend.simple.TestData.meta;
import static io.transferqueue.backend.simple.TestData.metaGen;
import static io.transferqueue.backend.simple.TestData.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.StaleHandleException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RoutingGroup;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.StorageStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A put changes a unit completely or not at all (lesson S8). */
class AtomicPutTest {
    private final Random rnd = new Random(21);

    @Test
    void aMalformedFieldLeavesTheStoreUnchanged() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch before = TestData.mixed(rnd, 4);
            BatchMeta stored = TestData.put(m, before, meta(range(0, 4)));
            StorageStats stats = m.stats();
            long copied = m.copiedBytes();

            // field "a" is fine, field "z" holds a value no store may keep (only a trusted decoder could build it)
            List<Object> bad = new ArrayList<>(List.of("ok", "ok", "ok", "ok"));
            bad.set(3, new StringBuilder("not a safe value"));
            Batch malformed = Batch.builder().add("a", TestData.dense(rnd, DType.FLOAT32, 4, 2))
                    .add("x", TestData.dense(rnd, DType.FLOAT32, 4, 4))
                    .add("z", ObjectColumn.ofTrusted(bad)).build();
            Throwable t = failure(m.put(malformed, meta(range(0, 4)), PutOptions.defaults()));

            assertThat(t).isInstanceOf(InvalidRequestException.class).hasMessageContaining("field 'z' row 3")
                    .hasMessageContaining("StringBuilder");
            assertThat(m.stats()).isEqualTo(stats);
            assertThat(m.copiedBytes()).isEqualTo(copied);
            assertThat(TestData.get(m, stored)).isEqualTo(before);
            for (long gi = 0; gi < 4; gi++) {
                StoredRow row = m.unit(RoutingGroup.unitOf(gi, 2)).row(TestData.PARTITION, gi);
                assertThat(row.cell("a")).isNull();
            }
        }
    }

    @Test
    void oneStaleRowKeepsItsWholeUnitUnchanged() {
        try (SimpleStorageManager m = TestData.manager(1)) {
            Batch before = Batch.builder().add("x", TestData.dense(rnd, DType.INT64, 3, 2)).build();
            BatchMeta stored = TestData.put(m, before, metaGen(1, 0, 1, 2));
            StorageStats stats = m.stats();

            // rows 0 and 1 would be fine overwrites, row 2 is older than what the unit holds
            Batch update = Batch.builder().add("x", TestData.dense(rnd, DType.INT64, 4, 2))
                    .add("y", TestData.dense(rnd, DType.INT8, 4, 1)).build();
            BatchMeta mixed = BatchMeta.builder().rows(TestData.PARTITION, new long[] {0, 1, 3, 2},
                    new int[] {1, 1, 0, 0}).build();
            assertThat(failure(m.put(update, mixed, PutOptions.defaults()))).isInstanceOf(StaleHandleException.class)
                    .hasMessageContaining("p/2.0");

            assertThat(m.stats()).isEqualTo(stats);
            assertThat(TestData.get(m, stored)).isEqualTo(before);
            assertThat(m.unit(0).row(TestData.PARTITION, 3)).isNull();
            assertThat(m.unit(0).row(TestData.PARTITION, 0).cell("y")).isNull();
        }
    }

    @Test
    void aPutThatDoesNotFitWritesNoRowOfItsUnit() {
        SimpleStorageConfig c = SimpleStorageConfig.unlimited(1).withCapacity(3, -1, FullPolicy.REJECT);
        try (SimpleStorageManager m = new SimpleStorageManager(c)) {
            TestData.put(m, Batch.builder().add("x", TestData.dense(rnd, DType.INT8, 2, 8)).build(), meta(0, 1));
            // row 1 is an overwrite, rows 2 and 3 are new: 4 rows > 3
            Batch three = Batch.builder().add("x", TestData.dense(rnd, DType.INT8, 3, 8)).build();
            assertThat(failure(m.put(three, meta(1, 2, 3), PutOptions.defaults())))
                    .isInstanceOf(CapacityExceededException.class);
            assertThat(m.stats().rows()).isEqualTo(2);
            assertThat(m.unit(0).row(TestData.PARTITION, 2)).isNull();
            assertThat(m.unit(0).row(TestData.PARTITION, 3)).isNull();
            assertThat(m.unit(0).row(TestData.PARTITION, 1).cell("x")).isNotNull();
        }
    }
}
