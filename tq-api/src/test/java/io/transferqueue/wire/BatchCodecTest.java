package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.WireFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link BatchCodec} refuses to decode, and how it splits columns into payloads. */
class BatchCodecTest {

    private static Batch twoDenseFields() {
        return Batch.builder().dense("a", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2))
                .dense("b", Tensor.of(new float[] {5, 6, 7, 8}, 2, 2)).build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> field(Map<String, Object> encoded, int i) {
        return (Map<String, Object>) ((List<Object>) encoded.get("fields")).get(i);
    }

    @Test
    void twoFieldsOnOnePayloadAreRefusedNamingTheField() {
        List<ByteBuffer> payloads = new ArrayList<>();
        Map<String, Object> m = BatchCodec.encode(twoDenseFields(), payloads);
        assertThat(BatchCodec.decode(m, payloads, WireLimits.DEFAULT)).isEqualTo(twoDenseFields());

        // a hostile sender points "b" at "a"'s payload: decoding it would store those bytes once per field
        field(m, 1).put("data", 0L);
        assertThatThrownBy(() -> BatchCodec.decode(m, payloads, WireLimits.DEFAULT))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("field 'b'")
                .hasMessageContaining("payload 0 is already used");
    }

    @Test
    void rowPayloadsSharedWithAnotherFieldAreRefused() {
        List<ByteBuffer> rows = List.of(Tensor.of(new float[] {1, 2}, 2).data(), Tensor.of(new float[] {3, 4}, 2).data());
        Batch b = Batch.builder().add("r", DenseColumn.ofRows(DType.FLOAT32, new int[] {2}, rows))
                .dense("d", Tensor.of(new float[] {5, 6, 7, 8}, 2, 2)).build();
        List<ByteBuffer> payloads = new ArrayList<>();
        Map<String, Object> m = BatchCodec.encode(b, payloads, true);
        assertThat(payloads).hasSize(3);
        assertThat(BatchCodec.decode(m, payloads, WireLimits.DEFAULT)).isEqualTo(b);

        // the row column's rows 0..1 and a second row column overlapping them at payload 1
        Map<String, Object> overlapping = new LinkedHashMap<>(field(m, 0));
        overlapping.put("name", "r2");
        overlapping.put("rows", 1L);
        List<ByteBuffer> extra = new ArrayList<>(payloads);
        extra.add(rows.get(0));
        @SuppressWarnings("unchecked")
        List<Object> fields = (List<Object>) m.get("fields");
        fields.add(overlapping);
        assertThatThrownBy(() -> BatchCodec.decode(m, extra, WireLimits.DEFAULT))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("field 'r2'")
                .hasMessageContaining("payload 1 is already used");

        // and one field's data pointing into another's rows
        fields.remove(2);
        field(m, 1).put("data", 1L);
        assertThatThrownBy(() -> BatchCodec.decode(m, payloads, WireLimits.DEFAULT))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("field 'd'")
                .hasMessageContaining("payload 1 is already used");
    }

    /** A row-chunked FLOAT32 column of {@code rows} rows of {@code width} values (row i holds i, i+1, ...). */
    private static DenseColumn rowChunked(int rows, int width) {
        List<ByteBuffer> data = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            float[] v = new float[width];
            for (int k = 0; k < width; k++) {
                v[k] = i + k;
            }
            data.add(Tensor.of(v, width).data());
        }
        return DenseColumn.ofRows(DType.FLOAT32, new int[] {width}, data);
    }

    private static Batch roundTrip(Map<String, Object> encoded, List<ByteBuffer> payloads) {
        List<ByteBuffer> frames = WireCodec.encode(new WireMessage(1, 1, 0, Map.of("batch", encoded), payloads),
                Encoding.FRAMES);
        WireMessage back = WireCodec.decode(frames, WireLimits.DEFAULT);
        return BatchCodec.decode(Envelope.getMap(back.body(), "batch"), back.payloads(), WireLimits.DEFAULT);
    }

    @Test
    void aColumnOfMoreRowsThanTheFrameBudgetIsGatheredAndDecodesToTheSameBatch() {
        Batch b = Batch.builder().add("x", rowChunked(70_000, 1)).build();
        List<ByteBuffer> payloads = new ArrayList<>();
        Map<String, Object> encoded = BatchCodec.encode(b, payloads, true);
        assertThat(payloads).as("70,000 row frames would pass the receivers' frame limit").hasSize(1);
        assertThat(roundTrip(encoded, payloads)).isEqualTo(b);
    }

    @Test
    void rowFramesStopAtTheBudgetCountingPayloadsAlreadyThereAndColumnsToCome() {
        int n = (BatchCodec.ROW_FRAME_BUDGET - 2) / 2;
        Batch b = Batch.builder().add("a", rowChunked(n, 2)).add("b", rowChunked(n, 2)).add("c", rowChunked(n, 2))
                .build();
        List<ByteBuffer> payloads = new ArrayList<>();
        payloads.add(ByteBuffer.allocate(1)); // payloads of the caller's own
        payloads.add(ByteBuffer.allocate(1));
        Map<String, Object> encoded = BatchCodec.encode(b, payloads, true);
        // 'a' goes out as rows; 'b' as rows would fill the budget exactly, leaving no payload for 'c': gathered
        assertThat(field(encoded, 0)).containsEntry("rows", 2L);
        assertThat(field(encoded, 1)).containsKey("data").doesNotContainKey("rows");
        assertThat(field(encoded, 2)).containsKey("data").doesNotContainKey("rows");
        assertThat(payloads).hasSize(2 + n + 2);
        assertThat(roundTrip(encoded, payloads)).isEqualTo(b);
    }

    @Test
    void commonShapesStillGoOutOneFramePerRow() {
        Batch.Builder builder = Batch.builder();
        List<DenseColumn> columns = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            DenseColumn c = rowChunked(1024, 16);
            columns.add(c);
            builder.add("f" + f, c);
        }
        Batch b = builder.build();
        List<ByteBuffer> payloads = new ArrayList<>();
        Map<String, Object> encoded = BatchCodec.encode(b, payloads, true);
        assertThat(payloads).hasSize(4 * 1024);
        for (int f = 0; f < 4; f++) {
            assertThat(payloads.get(f * 1024 + 7).array()).as("field %d row 7 is sent from its own array", f)
                    .isSameAs(columns.get(f).rowData(7).array());
        }
        assertThat(roundTrip(encoded, payloads)).isEqualTo(b);
    }
}
