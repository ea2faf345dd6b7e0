package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.Shapes;
import io.transferqueue.data.Tensor;
import io.transferqueue.testing.RandomData;
import io.transferqueue.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Batches of every dtype, shape and column kind survive both encodings unchanged. */
class WireRoundTripTest {

    /** Batched tensor shapes {@code [B, ...]}: 0-d rows, empty batch, one row, zero-sized rows, rank 1-3 rows. */
    private static final int[][] SHAPES = {{5}, {0}, {1}, {4, 3}, {1, 1}, {3, 0}, {0, 7}, {2, 2, 3}, {2, 1, 2, 2},
        {1, 0, 3}};

    static Stream<Arguments> dtypeShapeEncoding() {
        List<Arguments> out = new ArrayList<>();
        for (DType t : DType.values()) {
            for (int[] shape : SHAPES) {
                for (Encoding e : Encoding.values()) {
                    out.add(Arguments.of(t, shape, e));
                }
            }
        }
        return out.stream();
    }

    /** Encodes {@code batch} under "batch", decodes, and checks the encoding actually used. */
    static Batch roundTrip(Batch batch, Encoding e) {
        List<ByteBuffer> payloads = new ArrayList<>();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("batch", BatchCodec.encode(batch, payloads));
        List<ByteBuffer> frames = WireCodec.encode(new WireMessage(3, 9L, 0, body, payloads), e);
        assertThat(WireCodec.peekHeader(frames.get(0)).encodingCode()).isEqualTo(e.code());
        assertThat(frames).hasSize(e == Encoding.FRAMES ? 2 + payloads.size() : 1);
        WireMessage back = WireCodec.decode(frames);
        assertThat(back.payloads()).hasSize(payloads.size());
        return BatchCodec.decode(Envelope.getMap(back.body(), "batch"), back.payloads(), WireLimits.DEFAULT);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dtypeShapeEncoding")
    void denseColumnOfEveryDtypeAndShape(DType dtype, int[] shape, Encoding encoding) {
        Random r = new Random(Arrays.hashCode(shape) * 31L + dtype.code());
        int bytes = Shapes.byteSize(dtype, shape);
        Tensor t = Tensor.wrap(dtype, shape, RandomData.bytes(r, bytes));
        Batch batch = Batch.builder().dense("x", t).build();
        Batch back = roundTrip(batch, encoding);
        assertThat(back).isEqualTo(batch);
        assertThat(back.size()).isEqualTo(shape[0]);
        DenseColumn d = (DenseColumn) back.column("x");
        assertThat(d.dtype()).isEqualTo(dtype);
        assertThat(d.rowShape()).containsExactly(Shapes.tail(shape));
        assertThat(d.tensor().shape()).as("a [B] tensor stays 1-d").containsExactly(shape);
        assertThat(Buffers.checksum(d.data())).isEqualTo(Buffers.checksum(t.data()));
        if (shape.length == 1 && shape[0] > 0) {
            assertThat(d.row(0).rank()).isZero();
            assertThat(Double.compare(d.row(shape[0] - 1).getDouble(0), t.getDouble(shape[0] - 1))).isZero();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dtypeAndEncoding")
    void jaggedColumnWithEmptyRows(DType dtype, Encoding encoding) {
        Random r = new Random(dtype.code());
        List<Tensor> rows = new ArrayList<>();
        int[][] shapes = {{3}, {0}, {1}, {0}, {5}};
        for (int[] s : shapes) {
            rows.add(Tensor.wrap(dtype, s, RandomData.bytes(r, Shapes.byteSize(dtype, s))));
        }
        Batch batch = Batch.builder().jagged("j", rows).build();
        Batch back = roundTrip(batch, encoding);
        assertThat(back).isEqualTo(batch);
        JaggedColumn j = (JaggedColumn) back.column("j");
        for (int i = 0; i < shapes.length; i++) {
            assertThat(j.rowShape(i)).containsExactly(shapes[i]);
            assertThat(j.row(i)).isEqualTo(rows.get(i));
        }
        // rank-2 rows, including every row empty
        JaggedColumn allEmpty = JaggedColumn.wrap(dtype, new int[][] {{0, 2}, {3, 0}}, ByteBuffer.allocate(0));
        Batch b2 = Batch.builder().add("e", allEmpty).build();
        assertThat(roundTrip(b2, encoding)).isEqualTo(b2);
    }

    static Stream<Arguments> dtypeAndEncoding() {
        List<Arguments> out = new ArrayList<>();
        for (DType t : DType.values()) {
            for (Encoding e : Encoding.values()) {
                out.add(Arguments.of(t, e));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void objectValuesNestedUnicodeAndNull(Encoding encoding) {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("list", Arrays.asList(1, "two", null, List.of(List.of(3.5)), Map.of()));
        nested.put("ünïcödé 日本 😀", Map.of("deeper", Map.of("bytes", new byte[] {0, -1, 127})));
        nested.put("nothing", null);
        nested.put("", "empty key");
        List<Object> values = Arrays.asList(null, "", "plain", "日本語テキスト", "😀🎉 surrogate pairs", "x".repeat(70_000),
                Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, Double.NaN, -0.0, Double.MAX_VALUE, Double.MIN_VALUE,
                Double.NEGATIVE_INFINITY, true, false, new byte[0], new byte[] {1, 2, 3}, List.of(), nested,
                List.of(Arrays.asList(null, null)));
        Batch batch = Batch.builder().objects("o", values).build();
        Batch back = roundTrip(batch, encoding);
        assertThat(back).isEqualTo(batch);
        ObjectColumn o = (ObjectColumn) back.column("o");
        assertThat(o.value(0)).isNull();
        assertThat(o.value(3)).isEqualTo("日本語テキスト");
        assertThat(o.value(4)).isEqualTo("😀🎉 surrogate pairs");
        assertThat(o.value(6)).isEqualTo(Long.MIN_VALUE);
        assertThat(Double.doubleToRawLongBits((Double) o.value(11))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat((byte[]) o.value(18)).containsExactly(1, 2, 3);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o.value(20);
        assertThat(m).containsKey("ünïcödé 日本 😀").containsEntry("nothing", null).containsEntry("", "empty key");
        assertThat(new ArrayList<>(m.keySet())).as("map order is kept").containsExactlyElementsOf(nested.keySet());
    }

    @Test
    void stringsThatAreNotValidUnicodeAreRejectedInsteadOfSilentlyReplaced() {
        assertThatThrownBy(() -> Batch.builder().objects("o", List.of("lone \uD800 surrogate")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 'o'")
                .hasMessageContaining("row 0").hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Batch.builder().objects("o", List.of(Map.of("\uDC00", 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        Map<String, Object> body = Map.of("k", "bad \uDBFF");
        assertThatThrownBy(() -> WireCodec.encode(WireMessage.of(1, 1, body), Encoding.FRAMES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        Batch badName = Batch.builder().dense("\uD800", Tensor.of(new int[] {1})).build();
        assertThatThrownBy(() -> roundTrip(badName, Encoding.PACKED)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void emptyBatchesAndBatchesWithoutFields(Encoding encoding) {
        assertThat(roundTrip(Batch.empty(), encoding)).isEqualTo(Batch.empty());
        Batch sized = Batch.ofSize(7);
        Batch back = roundTrip(sized, encoding);
        assertThat(back.size()).isEqualTo(7);
        assertThat(back.fieldNames()).isEmpty();
        Batch zeroRowsWithFields = Batch.builder()
                .add("d", DenseColumn.wrap(DType.FLOAT32, 0, new int[] {3}, ByteBuffer.allocate(0)))
                .add("j", JaggedColumn.wrap(DType.INT64, new int[0][], ByteBuffer.allocate(0)))
                .objects("o", List.of()).build();
        Batch z = roundTrip(zeroRowsWithFields, encoding);
        assertThat(z).isEqualTo(zeroRowsWithFields);
        assertThat(z.fieldNames()).containsExactly("d", "j", "o");
        assertThat(((DenseColumn) z.column("d")).rowShape()).containsExactly(3);
        // an empty jagged column keeps the rank of its (absent) rows
        Batch rank3 = Batch.builder().add("j3", JaggedColumn.wrapFlat(DType.UINT8, 0, 3, new int[0],
                ByteBuffer.allocate(0))).build();
        assertThat(((JaggedColumn) roundTrip(rank3, encoding).column("j3")).rank()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void oneRowOfEveryKind(Encoding encoding) {
        Batch b = Batch.builder().dense("d", Tensor.of(new double[] {Math.PI}))
                .jagged("j", List.of(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)))
                .objects("o", List.of(Map.of("k", List.of("v")))).build();
        Batch back = roundTrip(b, encoding);
        assertThat(back).isEqualTo(b);
        assertThat(back.fieldNames()).containsExactly("d", "j", "o");
        assertThat(((JaggedColumn) back.column("j")).rowShape(0)).containsExactly(2, 2);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void randomBatchesRoundTrip(Encoding encoding) {
        long seed = Seeds.seed(77);
        Random r = new Random(seed);
        for (int k = 0; k < 300; k++) {
            Batch b = RandomData.batch(r, r.nextInt(9), 5);
            Batch back = roundTrip(b, encoding);
            assertThat(back).as("seed %d iteration %d", seed, k).isEqualTo(b);
            assertThat(back.fieldNames()).as("seed %d iteration %d", seed, k).containsExactlyElementsOf(b.fieldNames());
            for (Map.Entry<String, Column> e : b.columns().entrySet()) {
                assertThat(back.column(e.getKey()).kind()).as("seed %d: a GET returns the kind put", seed)
                        .isEqualTo(e.getValue().kind());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void slicedAndReadOnlyColumnsEncodeOnlyTheirOwnBytes(Encoding encoding) {
        Tensor t = Tensor.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2);
        Batch b = Batch.builder().dense("x", t).build().slice(1, 3).asReadOnly();
        Batch back = roundTrip(b, encoding);
        assertThat(((DenseColumn) back.column("x")).tensor().toLongArray()).containsExactly(2, 3, 4, 5);
        JaggedColumn j = JaggedColumn.of(List.of(Tensor.of(new long[] {1}), Tensor.of(new long[] {2, 3}),
                Tensor.of(new long[] {4})));
        Batch jb = Batch.builder().add("j", j).build().slice(1, 2);
        assertThat(((JaggedColumn) roundTrip(jb, encoding).column("j")).row(0).toLongArray()).containsExactly(2, 3);
    }
}
