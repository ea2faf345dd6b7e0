package io.transferqueue.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.meta.BatchMeta;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PutBenchmarkWorkloadTest {

    @Test
    void evenFieldsAreDenseOddFieldsJaggedWithTheSameElementCountAndRotatingDtypes() {
        Batch b = PutBenchmarkWorkload.batch(32, 128, 6, "field_", 42);

        assertThat(b.size()).isEqualTo(32);
        assertThat(b.fieldNames()).containsExactly("field_0", "field_1", "field_2", "field_3", "field_4", "field_5");
        DType[] dtypes = {DType.FLOAT32, DType.INT64, DType.FLOAT64, DType.INT32, DType.FLOAT16, DType.FLOAT32};
        for (int f = 0; f < 6; f++) {
            var c = b.column("field_" + f);
            assertThat(c.byteSize()).as("field %d", f).isEqualTo(32L * 128 * dtypes[f].elementSize());
            if (f % 2 == 0) {
                assertThat(c).isInstanceOf(DenseColumn.class);
                assertThat(((DenseColumn) c).dtype()).isEqualTo(dtypes[f]);
                assertThat(((DenseColumn) c).rowShape()).containsExactly(128);
            } else {
                JaggedColumn j = (JaggedColumn) c;
                assertThat(j.dtype()).isEqualTo(dtypes[f]);
                int total = 0;
                for (int i = 0; i < 32; i++) {
                    assertThat(j.rowShape(i)[0]).isGreaterThanOrEqualTo(1);
                    total += j.rowShape(i)[0];
                }
                assertThat(total).isEqualTo(32 * 128);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
        Batch a = PutBenchmarkWorkload.batch(16, 64, 2, "f", 7);
        Batch same = PutBenchmarkWorkload.batch(16, 64, 2, "f", 7);
        Batch other = PutBenchmarkWorkload.batch(16, 64, 2, "f", 8);

        assertThat(same.column("f0")).isEqualTo(a.column("f0"));
        assertThat(same.column("f1")).isEqualTo(a.column("f1"));
        assertThat(other.column("f0")).isNotEqualTo(a.column("f0"));
        assertThat(other.column("f1")).isNotEqualTo(a.column("f1"));
    }

    @Test
    void randomLengthsAreAtLeastOneAndSumToTheTotal() {
        SplittableRandom r = new SplittableRandom(1);
        for (int[] c : new int[][] {{1, 1}, {3, 3}, {64, 65536}, {1000, 1003}}) {
            int[] lengths = PutBenchmarkWorkload.randomLengths(c[0], c[1], r);
            assertThat(lengths).hasSize(c[0]);
            assertThat(Arrays.stream(lengths).min().getAsInt()).isGreaterThanOrEqualTo(1);
            assertThat(Arrays.stream(lengths).sum()).isEqualTo(c[1]);
        }
        assertThatThrownBy(() -> PutBenchmarkWorkload.randomLengths(4, 3, r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 elements into 4 rows");
    }

    @Test
    void cellsArePerFieldPerRowViewsAndCountThePayload() {
        Batch b = PutBenchmarkWorkload.batch(8, 16, 2, "f", 3);

        List<ByteBuffer> cells = PutBenchmarkWorkload.cells(b);
        List<byte[]> arrays = PutBenchmarkWorkload.cellArrays(b);

        assertThat(cells).hasSize(16);
        assertThat(cells.get(0)).isEqualTo(((DenseColumn) b.column("f0")).rowData(0));
        assertThat(cells.get(8 + 5)).isEqualTo(((JaggedColumn) b.column("f1")).rowData(5));
        assertThat(ByteBuffer.wrap(arrays.get(13))).isEqualTo(cells.get(13));
        assertThat(PutBenchmarkWorkload.payloadBytes(b)).isEqualTo(8L * 16 * 4 + 8L * 16 * 8);
    }

    @Test
    void rowsAndMedian() {
        BatchMeta m = PutBenchmarkWorkload.rows("p", 3);
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.handle(2).partition()).isEqualTo("p");
        assertThat(m.handle(2).globalIndex()).isEqualTo(2);

        assertThat(PutBenchmarkWorkload.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(PutBenchmarkWorkload.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThatThrownBy(() -> PutBenchmarkWorkload.median(new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesEmptyShapes() {
        assertThatThrownBy(() -> PutBenchmarkWorkload.batch(0, 4, 2, "f", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("≥ 1");
    }
}
