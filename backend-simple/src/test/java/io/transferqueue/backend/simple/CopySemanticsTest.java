package io.transferqueue.backend.simple;

import static io.transferqueue.backend.simple.TestData.await;
import static io.transferqueue.backend.simple.TestData.meta;
import static io.transferqueue.backend.simple.TestData.metaGen;
import static io.transferqueue.backend.simple.TestData.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Who owns which bytes after put and get (lessons Z1, Z2, Z3, S7). */
class CopySemanticsTest {
    private final Random rnd = new Random(41);

    @Test
    void theCallerMayOverwriteItsBuffersOncePutReturns() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch batch = TestData.mixed(rnd, 5);
            Batch expected = TestData.deepCopy(batch);
            BatchMeta meta = TestData.put(m, batch, meta(range(0, 5)));

            ((DenseColumn) batch.column("x")).data().put(0, (byte) 99).put(7, (byte) 98);
            ByteBuffer ids = ((JaggedColumn) batch.column("ids")).values();
            for (int i = 0; i < ids.limit(); i++) {
                ids.put(i, (byte) 0);
            }
            ((byte[]) ((ObjectColumn) batch.column("uid")).value(0))[0] = 77;

            assertThat(TestData.get(m, meta)).isEqualTo(expected);
            assertThat(TestData.getZeroCopy(m, meta)).isEqualTo(expected);
        }
    }

    @Test
    void twoConsumersOfOneRowDoNotSeeEachOthersWrites() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch batch = TestData.mixed(rnd, 4);
            Batch expected = TestData.deepCopy(batch);
            BatchMeta meta = TestData.put(m, batch, meta(range(0, 4)));
            Batch a = TestData.get(m, meta);
            Batch b = TestData.get(m, meta);
            Batch view = TestData.getZeroCopy(m, meta);

            // consumer A writes into everything it received
            DenseColumn ax = (DenseColumn) a.column("x");
            for (int r = 0; r < ax.size(); r++) {
                ax.rowData(r).put(0, (byte) -1);
            }
            JaggedColumn aids = (JaggedColumn) a.column("ids");
            for (int r = 0; r < aids.size(); r++) {
                aids.rowData(r).put(0, (byte) -1);
            }
            ((byte[]) ((ObjectColumn) a.column("uid")).value(0))[1] = 55;

            assertThat(a).isNotEqualTo(expected);
            assertThat(b).isEqualTo(expected);
            assertThat(view).isEqualTo(expected);
            assertThat(TestData.get(m, meta)).isEqualTo(expected);
        }
    }

    @Test
    void zeroCopyViewsCannotBeWritten() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            BatchMeta meta = TestData.put(m, TestData.mixed(rnd, 3), meta(range(0, 3)));
            Batch view = TestData.getZeroCopy(m, meta);
            DenseColumn x = (DenseColumn) view.column("x");
            JaggedColumn ids = (JaggedColumn) view.column("ids");
            assertThat(x.isReadOnly()).isTrue();
            assertThatThrownBy(() -> x.rowData(0).put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> x.data().put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> ids.rowData(1).putLong(0, 1L)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> ids.values().put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThat(x.rowData(0).hasArray()).as("no way to the stored array").isFalse();
        }
    }

    @Test
    void byteArrayValuesAreNeverSharedBetweenReaders() {
        try (SimpleStorageManager m = TestData.manager(1)) {
            Batch batch = Batch.builder().objects("b", List.of(new byte[] {1, 2, 3}, List.of(new byte[] {4}))).build();
            BatchMeta meta = TestData.put(m, batch, meta(0, 1));
            ObjectColumn v1 = (ObjectColumn) TestData.getZeroCopy(m, meta).column("b");
            ObjectColumn v2 = (ObjectColumn) TestData.getZeroCopy(m, meta).column("b");
            assertThat(v1.value(0)).isNotSameAs(v2.value(0));
            ((byte[]) v1.value(0))[0] = 9;
            ((byte[]) ((List<?>) v1.value(1)).get(0))[0] = 9;
            assertThat(TestData.get(m, meta)).isEqualTo(batch);
            assertThat(v2).isEqualTo(batch.column("b"));
        }
    }

    @Test
    void aHeldZeroCopyViewNeverShowsOtherDataLater() {
        try (SimpleStorageManager m = TestData.manager(2)) {
            Batch first = Batch.builder().add("x", TestData.dense(rnd, DType.FLOAT64, 4, 16)).build();
            Batch expected = TestData.deepCopy(first);
            BatchMeta meta = TestData.put(m, first, meta(range(0, 4)));
            Batch view = TestData.getZeroCopy(m, meta);

            await(m.clear(meta));
            for (int round = 1; round <= 20; round++) {
                // new rows on the same indexes (newer generations) and on others
                TestData.put(m, Batch.builder().add("x", TestData.dense(rnd, DType.FLOAT64, 8, 16)).build(),
                        metaGen(round, range(0, 8)));
            }
            assertThat(view).isEqualTo(expected);
        }
    }

    @Test
    void transferredRowArraysAreKeptAndEverythingElseIsCopied() {
        // proves each mode's path ran: the copy/adopt counters move, not just the results
        int rowBytes = 64;
        try (SimpleStorageManager m = TestData.manager(2)) {
            List<ByteBuffer> rows = List.of(TestData.randomBytes(rnd, rowBytes), TestData.randomBytes(rnd, rowBytes),
                    TestData.randomBytes(rnd, rowBytes));
            Batch chunked = Batch.builder().add("x", DenseColumn.ofRows(DType.UINT8, new int[] {rowBytes}, rows))
                    .build();
            Batch expected = TestData.deepCopy(chunked);

            TestData.put(m, chunked, meta(range(0, 3)));
            assertThat(m.copiedBytes()).isEqualTo(3 * rowBytes);
            assertThat(m.adoptedBytes()).isZero();

            BatchMeta meta = meta(range(10, 3)).withSchema(await(m.put(chunked, meta(range(10, 3)),
                    PutOptions.defaults().withTransferOwnership())).schema(), true);
            assertThat(m.copiedBytes()).isEqualTo(3 * rowBytes);
            assertThat(m.adoptedBytes()).isEqualTo(3 * rowBytes);
            assertThat(TestData.get(m, meta)).isEqualTo(expected);

            // one contiguous buffer: keeping it for a row would keep every row, so it is copied
            Batch contiguous = Batch.builder().add("x", TestData.dense(rnd, DType.UINT8, 3, rowBytes)).build();
            await(m.put(contiguous, meta(range(20, 3)), PutOptions.defaults().withTransferOwnership()));
            assertThat(m.copiedBytes()).isEqualTo(6 * rowBytes);
            assertThat(m.adoptedBytes()).isEqualTo(3 * rowBytes);
        }
    }
}
