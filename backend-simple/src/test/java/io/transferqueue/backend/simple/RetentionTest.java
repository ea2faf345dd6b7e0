package io.transferqueue.backend.simple;

import static io.transferqueue.backend.simple.TestData.await;
import static io.transferqueue.backend.simple.TestData.meta;
import static io.transferqueue.backend.simple.TestData.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RoutingGroup;
import io.transferqueue.spi.PutOptions;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One surviving row keeps one row of memory, not the batch it arrived in (lesson Z4). */
class RetentionTest {
    private static final int ROWS = 8;
    private static final int ROW_BYTES = 1 << 20;
    private static final long SLACK = 4096;

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

    /** What the test keeps after the put: no strong reference to any source or stored array. */
    private record Setup(BatchMeta meta, WeakReference<Object> source, WeakReference<Object> clearedCell,
            long survivorChecksum) {
    }

    private Setup putRows(SimpleStorageManager m, boolean transfer) {
        Random rnd = new Random(51);
        Batch batch;
        Object source;
        if (transfer) {
            // one array per row, handed over: the store may keep the arrays themselves
            List<ByteBuffer> rows = new ArrayList<>();
            for (int i = 0; i < ROWS; i++) {
                rows.add(TestData.randomBytes(rnd, ROW_BYTES));
            }
            source = rows.get(0).array();
            batch = Batch.builder().add("x", DenseColumn.ofRows(DType.UINT8, new int[] {ROW_BYTES}, rows)).build();
        } else {
            // one buffer for the whole batch, as a decoded frame would be
            ByteBuffer all = TestData.randomBytes(rnd, ROWS * ROW_BYTES);
            source = all.array();
            batch = Batch.builder().add("x", DenseColumn.wrap(DType.UINT8, ROWS, new int[] {ROW_BYTES}, all)).build();
        }
        PutOptions options = transfer ? PutOptions.defaults().withTransferOwnership() : PutOptions.defaults();
        BatchMeta meta = meta(range(0, ROWS)).withSchema(await(m.put(batch, meta(range(0, ROWS)), options)).schema(),
                true);
        Object cell0 = Cells.data(m.unit(RoutingGroup.unitOf(0, m.unitCount())).row(TestData.PARTITION, 0).cell("x")).array();
        long survivor = TestData.checksum(((DenseColumn) batch.column("x")).rowData(ROWS - 1));
        return new Setup(meta, new WeakReference<>(source, queue), new WeakReference<>(cell0, queue), survivor);
    }

    @ParameterizedTest(name = "transferOwnership={0}")
    @ValueSource(booleans = {false, true})
    void clearingAllButOneRowFreesAllButOneRow(boolean transfer) {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Setup s = putRows(m, transfer);
            if (transfer) {
                assertThat(m.adoptedBytes()).isEqualTo((long) ROWS * ROW_BYTES);
            } else {
                assertThat(m.copiedBytes()).isEqualTo((long) ROWS * ROW_BYTES);
            }
            assertThat(m.stats().bytes()).isEqualTo((long) ROWS * ROW_BYTES);

            await(m.clear(s.meta().slice(0, ROWS - 1)));

            assertThat(m.stats().rows()).isEqualTo(1);
            assertThat(m.stats().bytes()).isLessThanOrEqualTo(ROW_BYTES + SLACK);
            awaitCollected(s.clearedCell(), "the array of a cleared row");
            if (!transfer) {
                awaitCollected(s.source(), "the batch buffer the rows arrived in");
            }
            Batch left = TestData.get(m, s.meta().slice(ROWS - 1, ROWS));
            assertThat(TestData.checksum(((DenseColumn) left.column("x")).rowData(0))).isEqualTo(s.survivorChecksum());
        }
    }

    @Test
    void aCopyingGetKeepsNoStoredArrayAlive() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Setup s = putRows(m, false);
            Batch copy = TestData.get(m, s.meta());
            await(m.clear(s.meta()));
            awaitCollected(s.clearedCell(), "the array of a cleared row read by a copying get");
            assertThat(copy.size()).isEqualTo(ROWS);
        }
    }

    /** Asks for GCs until {@code ref} is cleared, waiting at most 10 s in bounded steps. */
    private void awaitCollected(WeakReference<Object> ref, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ref.get() != null) {
            if (System.nanoTime() > deadline) {
                fail(what + " is still reachable 10 s after it was released");
            }
            System.gc();
            try {
                queue.remove(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
