package io.transferqueue.backend.simple;

import static io.transferqueue.backend.simple.TestData.await;
import static io.transferqueue.backend.simple.TestData.failure;
import static io.transferqueue.backend.simple.TestData.meta;
import static io.transferqueue.backend.simple.TestData.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.StorageStats;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Row and byte limits per unit with the block and reject policies (lessons M1, need 8). */
class CapacityTest {
    private final Random rnd = new Random(31);

    private Batch rows(int n, int bytesPerRow) {
        return Batch.builder().add("x", TestData.dense(rnd, DType.UINT8, n, bytesPerRow)).build();
    }

    private static SimpleStorageManager manager(long rowsPerUnit, long bytesPerUnit, FullPolicy policy) {
        return new SimpleStorageManager(SimpleStorageConfig.unlimited(1).withCapacity(rowsPerUnit, bytesPerUnit,
                policy));
    }

    /** Runs a no-op clear through the unit: once it completes, everything submitted before it has run. */
    private static void drain(SimpleStorageManager m) {
        await(m.clear(meta(Long.MAX_VALUE - 1)));
    }

    @Test
    void rejectFailsAtOnceWhenRowsRunOut() {
        try (SimpleStorageManager m = manager(2, -1, FullPolicy.REJECT)) {
            TestData.put(m, rows(2, 4), meta(0, 1));
            Throwable t = failure(m.put(rows(1, 4), meta(2), PutOptions.defaults()));
            assertThat(t).isInstanceOf(CapacityExceededException.class).hasMessageContaining("policy reject")
                    .hasMessageContaining("2 rows");
            assertThat(m.stats()).isEqualTo(new StorageStats(2, 8, 2, -1));
        }
    }

    @Test
    void rejectFailsAtOnceWhenBytesRunOut() {
        try (SimpleStorageManager m = manager(-1, 100, FullPolicy.REJECT)) {
            TestData.put(m, rows(3, 30), meta(0, 1, 2));
            assertThat(failure(m.put(rows(1, 30), meta(3), PutOptions.defaults())))
                    .isInstanceOf(CapacityExceededException.class).hasMessageContaining("90 bytes");
            // an overwrite that shrinks a row needs no room and frees some
            TestData.put(m, rows(1, 10), meta(0));
            TestData.put(m, rows(1, 30), meta(3));
            assertThat(m.stats()).isEqualTo(new StorageStats(4, 100, -1, 100));
        }
    }

    @Test
    void overwritingStoredRowsNeedsNoNewRoom() {
        try (SimpleStorageManager m = manager(2, 64, FullPolicy.REJECT)) {
            TestData.put(m, rows(2, 32), meta(0, 1));
            TestData.put(m, rows(2, 32), meta(0, 1));
            assertThat(m.stats().rows()).isEqualTo(2);
            assertThat(m.stats().bytes()).isEqualTo(64);
        }
    }

    @Test
    void aPutThatCanNeverFitFailsAtOnceEvenWhenBlocking() {
        try (SimpleStorageManager m = manager(2, 1000, FullPolicy.BLOCK)) {
            assertThat(failure(m.put(rows(3, 1), meta(0, 1, 2), PutOptions.defaults())))
                    .isInstanceOf(CapacityExceededException.class).hasMessageContaining("can never fit");
            assertThat(failure(m.put(rows(1, 1001), meta(0), PutOptions.defaults())))
                    .isInstanceOf(CapacityExceededException.class).hasMessageContaining("can never fit");
        }
    }

    @Test
    void aBlockedPutCompletesWhenAClearFreesRoom() {
        try (SimpleStorageManager m = manager(2, -1, FullPolicy.BLOCK)) {
            BatchMeta first = TestData.put(m, rows(2, 8), meta(0, 1));
            Batch third = rows(1, 8);
            CompletableFuture<PutResult> blocked = m.put(third, meta(2), PutOptions.defaults().withTimeout(
                    Duration.ofMinutes(5)));
            drain(m);
            assertThat(blocked).isNotDone();
            assertThat(m.stats().rows()).isEqualTo(2);

            await(m.clear(first.selectRows(0)));

            BatchMeta thirdMeta = meta(2).withSchema(await(blocked).schema(), true);
            assertThat(TestData.get(m, thirdMeta)).isEqualTo(third);
            assertThat(m.stats().rows()).isEqualTo(2);
        }
    }

    @Test
    void blockedPutsAreServedInArrivalOrder() {
        try (SimpleStorageManager m = manager(-1, 100, FullPolicy.BLOCK)) {
            BatchMeta full = TestData.put(m, rows(2, 50), meta(0, 1));
            PutOptions wait = PutOptions.defaults().withTimeout(Duration.ofMinutes(5));
            CompletableFuture<PutResult> big = m.put(rows(1, 80), meta(2), wait);
            CompletableFuture<PutResult> small = m.put(rows(1, 10), meta(3), wait);
            drain(m);
            assertThat(big).isNotDone();
            assertThat(small).as("a later put does not overtake a waiting one").isNotDone();

            await(m.clear(full.selectRows(0)));
            drain(m);
            assertThat(big).isNotDone();
            assertThat(small).isNotDone();

            await(m.clear(full.selectRows(1)));
            await(big);
            await(small);
            assertThat(m.stats().bytes()).isEqualTo(90);
        }
    }

    @Test
    void aBlockedPutFailsWhenItsTimeoutPasses() {
        try (SimpleStorageManager m = manager(1, -1, FullPolicy.BLOCK)) {
            TestData.put(m, rows(1, 8), meta(0));
            Throwable t = failure(m.put(rows(1, 8), meta(1), PutOptions.defaults().withTimeout(Duration.ofMillis(50))));
            assertThat(t).isInstanceOf(CapacityExceededException.class).hasMessageContaining("waited PT0.05S");
            assertThat(m.stats().rows()).isEqualTo(1);
            assertThat(m.unit(0).row(TestData.PARTITION, 1)).isNull();
            // the unit still works, and the expired put left no claim on room
            await(m.clear(meta(0)));
            TestData.put(m, rows(1, 8), meta(1));
        }
    }

    @Test
    void aTimeoutTooLongForNanosecondsWaitsAndLeavesNoGhostWaiter() {
        try (SimpleStorageManager m = manager(1, -1, FullPolicy.BLOCK)) {
            TestData.put(m, rows(1, 4), meta(0));
            // Long.MAX_VALUE ms does not fit a long of nanoseconds: the wait saturates instead of failing half queued
            CompletableFuture<PutResult> forever = m.put(rows(1, 4), meta(1), PutOptions.defaults().withTimeout(
                    Duration.ofMillis(Long.MAX_VALUE)));
            CompletableFuture<PutResult> waiting = m.put(rows(1, 4), meta(2), PutOptions.defaults().withTimeout(
                    Duration.ofSeconds(30)));
            drain(m);
            assertThat(forever).isNotDone();
            assertThat(waiting).isNotDone();

            await(m.clear(meta(0)));
            await(forever);
            assertThat(waiting).isNotDone();
            await(m.clear(meta(1)));
            await(waiting);
            assertThat(m.stats().rows()).isEqualTo(1);
            assertThat(m.unit(0).row(TestData.PARTITION, 2)).isNotNull();
        }
    }

    @Test
    void aZeroTimeoutFailsAtOnceWhenFull() {
        try (SimpleStorageManager m = manager(1, -1, FullPolicy.BLOCK)) {
            TestData.put(m, rows(1, 8), meta(0));
            assertThat(failure(m.put(rows(1, 8), meta(1), PutOptions.defaults().withTimeout(Duration.ZERO))))
                    .isInstanceOf(CapacityExceededException.class).hasMessageContaining("zero timeout");
        }
    }

    @Test
    void closingFailsWaitingPuts() {
        SimpleStorageManager m = manager(1, -1, FullPolicy.BLOCK);
        TestData.put(m, rows(1, 8), meta(0));
        CompletableFuture<PutResult> blocked = m.put(rows(1, 8), meta(1), PutOptions.defaults().withTimeout(
                Duration.ofMinutes(5)));
        drain(m);
        m.close();
        assertThat(failure(blocked)).isInstanceOf(ClosedException.class);
    }

    @Test
    void capacitiesAreSummedOverUnits() {
        try (SimpleStorageManager m = new SimpleStorageManager(SimpleStorageConfig.unlimited(3).withCapacity(10, 1000,
                FullPolicy.REJECT))) {
            TestData.put(m, rows(6, 5), meta(range(0, 6)));
            assertThat(m.stats()).isEqualTo(new StorageStats(6, 30, 30, 3000));
            assertThat(m.stats().isUnlimited()).isFalse();
        }
    }

    @Test
    void eachUnitHasItsOwnLimit() {
        // 2 units of 2 rows: rows 0, 2, 4 all go to unit 0
        try (SimpleStorageManager m = new SimpleStorageManager(SimpleStorageConfig.unlimited(2).withCapacity(2, -1,
                FullPolicy.REJECT))) {
            TestData.put(m, rows(2, 1), meta(0, 2));
            assertThat(failure(m.put(rows(1, 1), meta(4), PutOptions.defaults())))
                    .isInstanceOf(CapacityExceededException.class).hasMessageContaining("storage unit 0");
            TestData.put(m, rows(2, 1), meta(1, 3));
            assertThat(m.stats().rows()).isEqualTo(4);
        }
    }
}
