package io.transferqueue.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.Batch;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    private static final Scale DEBUG = Scale.parse("debug").get(0);
    private static final Scale TINY = Scale.parse("tiny").get(0);

    @Test
    void putBenchmarkDataIsDenseOnEvenAndJaggedOnOddFieldsWithRotatingDtypes() {
        Workload w = Workload.putBenchmark(TINY, 7);
        Batch b = w.batch();

        assertThat(b.fieldNames()).containsExactly("f0", "f1", "f2", "f3");
        assertThat(b.size()).isEqualTo(64);
        assertThat(b.column("f0")).isInstanceOf(DenseColumn.class);
        assertThat(((DenseColumn) b.column("f0")).rowShape()).containsExactly(1024);
        assertThat(b.column("f1")).isInstanceOf(JaggedColumn.class);
        assertThat(b.column("f2")).isInstanceOf(DenseColumn.class);
        assertThat(b.column("f3")).isInstanceOf(JaggedColumn.class);
        assertThat(List.of(b.column("f0").dtype(), b.column("f1").dtype(), b.column("f2").dtype(),
                b.column("f3").dtype())).containsExactly(DType.FLOAT32, DType.INT64, DType.FLOAT64, DType.INT32);
        JaggedColumn j = (JaggedColumn) b.column("f1");
        long elements = 0;
        for (int i = 0; i < j.size(); i++) {
            assertThat(j.rowNumel(i)).isGreaterThanOrEqualTo(1);
            elements += j.rowNumel(i);
        }
        assertThat(elements).isEqualTo(64 * 1024);
        assertThat(w.bytes()).isEqualTo(64L * 1024 * (4 + 8 + 8 + 4)).isEqualTo(Workload.bytesOf(TINY,
                Workload.PUT_BENCHMARK));
        assertThat(w.cells()).hasSize(4 * 64);
        assertThat(w.shape()).isEqualTo("64×1024×4");
    }

    @Test
    void theFifthFieldIsFloat16() {
        Scale five = new Scale("five", 4, 8, 5, 0, 1, false);
        assertThat(Workload.putBenchmark(five, 1).batch().column("f4").dtype()).isEqualTo(DType.FLOAT16);
    }

    @Test
    void theComplexCaseHasDenseJaggedAndStringFieldsOfTheUpstreamSizes() {
        Workload w = Workload.complex(TINY, 3);
        Batch b = w.batch();

        assertThat(b.fieldNames()).hasSize(6);
        assertThat(b.columns().values()).extracting(c -> c.kind()).containsExactly(ColumnKind.DENSE,
                ColumnKind.JAGGED, ColumnKind.OBJECT, ColumnKind.DENSE, ColumnKind.JAGGED, ColumnKind.OBJECT);
        JaggedColumn j = (JaggedColumn) b.column("f1");
        assertThat(j.rowNumel(0)).isEqualTo(1);
        assertThat(j.rowNumel(63)).isEqualTo(1024);
        Object s = ((ObjectColumn) b.column("f2")).value(5);
        assertThat(s).isInstanceOf(String.class);
        assertThat((String) s).hasSize(4096).matches("[0-9a-f]+");
        assertThat(w.bytes()).isEqualTo(Workload.bytesOf(TINY, Workload.COMPLEX));
        assertThat(w.label()).isEqualTo("tiny+complex");
    }

    @RepeatedTest(20)
    void randomLengthsAreAtLeastOneAndAddUp(RepetitionInfo info) {
        long seed = 1000 + info.getCurrentRepetition();
        SplittableRandom rnd = new SplittableRandom(seed);
        int rows = 1 + rnd.nextInt(300);
        long total = rows + rnd.nextInt(100_000);
        int[] lengths = Workload.randomLengths(rows, total, rnd);
        long sum = 0;
        for (int l : lengths) {
            assertThat(l).as("seed %d", seed).isGreaterThanOrEqualTo(1);
            sum += l;
        }
        assertThat(sum).as("seed %d", seed).isEqualTo(total);
    }

    @Test
    void theSameSeedMakesTheSameData() {
        assertThat(Workload.putBenchmark(DEBUG, 5).batch()).isEqualTo(Workload.putBenchmark(DEBUG, 5).batch());
        assertThat(Workload.putBenchmark(DEBUG, 5).batch()).isNotEqualTo(Workload.putBenchmark(DEBUG, 6).batch());
    }

    @Test
    void verifyAcceptsACopyAndNamesTheFieldOfAFlippedByte() {
        Workload w = Workload.complex(DEBUG, 9);
        w.verify(w.batch().copy(), "x");
        w.verifyCells(copies(w.cells()), "x");

        Batch bad = w.batch().copy();
        ByteBuffer f1 = ((JaggedColumn) bad.column("f1")).values();
        f1.put(100, (byte) (f1.get(100) ^ 1));
        assertThatThrownBy(() -> w.verify(bad, "simple")).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageStartingWith("checksum mismatch: simple, scale debug+complex, field f1: CRC32C");

        List<ByteBuffer> cells = copies(w.cells());
        ByteBuffer text = cells.get(2 * 32 + 3);
        text.put(7, (byte) 'x');
        assertThatThrownBy(() -> w.verifyCells(cells, "raw")).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("raw, scale debug+complex, field f2");
    }

    @Test
    void rowsMovedBetweenNeighboursOfAJaggedFieldDoNotPass() {
        Workload w = Workload.putBenchmark(DEBUG, 2);
        JaggedColumn j = (JaggedColumn) w.batch().column("f1");
        int[] dims = new int[j.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = j.rowNumel(i);
        }
        // the same bytes, one element moved from row 1 to row 0
        dims[0]++;
        dims[1]--;
        JaggedColumn shifted = JaggedColumn.wrapFlat(j.dtype(), j.size(), 1, dims, j.values());
        Batch moved = Batch.builder().add("f0", w.batch().column("f0")).add("f1", shifted).build();
        assertThatThrownBy(() -> w.verify(moved, "simple")).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("field f1");
    }

    @Test
    void theCorruptedCellDiffersFromTheFirstCellInOneByte() {
        Workload w = Workload.putBenchmark(DEBUG, 4);
        DenseColumn original = (DenseColumn) w.batch().column("f0");
        DenseColumn bad = (DenseColumn) w.corruptedFirstCell().column("f0");

        assertThat(bad.size()).isEqualTo(1);
        ByteBuffer a = original.rowData(0);
        ByteBuffer b = bad.rowData(0);
        int differing = 0;
        for (int i = 0; i < a.remaining(); i++) {
            differing += a.get(a.position() + i) != b.get(b.position() + i) ? 1 : 0;
        }
        assertThat(differing).isEqualTo(1);
    }

    @Test
    void scalesParseInTheGivenOrderAndUnknownOnesAreNamed() {
        assertThat(Scale.parse("small, debug,small")).extracting(Scale::name).containsExactly("small", "debug");
        assertThat(Scale.parse(Scale.DEFAULT)).noneMatch(Scale::onRequestOnly);
        assertThat(Scale.parse("large,xlarge,huge")).allMatch(Scale::onRequestOnly);
        assertThatThrownBy(() -> Scale.parse("debug,mega")).hasMessageContaining("unknown scale 'mega'");
    }

    private static List<ByteBuffer> copies(List<ByteBuffer> cells) {
        List<ByteBuffer> out = new ArrayList<>();
        for (ByteBuffer c : cells) {
            ByteBuffer d = ByteBuffer.allocate(c.remaining());
            d.put(c.duplicate()).flip();
            out.add(d);
        }
        return out;
    }
}
