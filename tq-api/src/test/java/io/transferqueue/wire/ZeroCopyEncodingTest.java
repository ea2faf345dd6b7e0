package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves which code path each encoding takes (lessons S5, S6): {@code frames} hands the tensor's own memory to
 * the transport, {@code packed} copies it into one frame; the header and the frame count show the path.
 */
class ZeroCopyEncodingTest {

    private static final float[] VALUES = {1, 2, 3, 4, 5, 6};

    private static Tensor tensor() {
        return Tensor.of(VALUES.clone(), 3, 2);
    }

    private static List<ByteBuffer> encode(Batch b, Encoding e, List<ByteBuffer> payloads) {
        Map<String, Object> body = Map.of("batch", BatchCodec.encode(b, payloads));
        return WireCodec.encode(new WireMessage(1, 1, 0, body, payloads), e);
    }

    @Test
    void framesSharesTheTensorsMemory() {
        Tensor t = tensor();
        List<ByteBuffer> payloads = new ArrayList<>();
        List<ByteBuffer> frames = encode(Batch.builder().dense("x", t).build(), Encoding.FRAMES, payloads);
        ByteBuffer payloadFrame = frames.get(2);
        ByteBuffer source = t.data();
        assertThat(payloadFrame.hasArray()).isTrue();
        assertThat(payloadFrame.array()).as("the frame is the tensor's own array, not a copy").isSameAs(source.array());
        assertThat(payloadFrame.arrayOffset()).isEqualTo(source.arrayOffset());
        assertThat(payloadFrame.remaining()).isEqualTo(t.byteSize());
        // a write into the source after encoding shows in the frame: nothing was copied
        source.putFloat(4, 42f);
        assertThat(payloadFrame.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(4)).isEqualTo(42f);
        DenseColumn decoded = (DenseColumn) BatchCodec.decode(Envelope.getMap(WireCodec.decode(frames).body(), "batch"),
                WireCodec.decode(frames).payloads(), WireLimits.DEFAULT).column("x");
        assertThat(decoded.row(0).getFloat(1)).isEqualTo(42f);
    }

    @Test
    void framesOfAJaggedColumnAndASliceShareMemoryToo() {
        JaggedColumn j = JaggedColumn.of(List.of(Tensor.of(new long[] {1, 2}), Tensor.of(new long[] {3})));
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Batch b = Batch.builder().add("j", j).dense("x", t).build().slice(1, 2);
        List<ByteBuffer> frames = encode(b, Encoding.FRAMES, new ArrayList<>());
        assertThat(frames.get(2).array()).isSameAs(j.values().array());
        assertThat(frames.get(2).remaining()).isEqualTo(8);
        assertThat(frames.get(3).array()).isSameAs(t.data().array());
        assertThat(frames.get(3).remaining()).as("only the slice's bytes").isEqualTo(8);
    }

    @Test
    void packedCopiesThePayloadOnce() {
        Tensor t = tensor();
        List<ByteBuffer> frames = encode(Batch.builder().dense("x", t).build(), Encoding.PACKED, new ArrayList<>());
        ByteBuffer only = frames.get(0);
        assertThat(only.array()).isNotSameAs(t.data().array());
        t.data().putFloat(4, 42f);
        WireMessage back = WireCodec.decode(frames);
        DenseColumn decoded = (DenseColumn) BatchCodec.decode(Envelope.getMap(back.body(), "batch"), back.payloads(),
                WireLimits.DEFAULT).column("x");
        assertThat(decoded.row(0).getFloat(1)).as("the packed frame holds its own copy").isEqualTo(2f);
        // decoding packed is zero-copy over the received frame
        assertThat(back.payloads().get(0).array()).isSameAs(only.array());
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void eachEncodingsOwnPathRan(Encoding e) {
        Batch b = Batch.builder().dense("x", tensor()).dense("y", tensor()).objects("o", List.of("a", "b", "c")).build();
        List<ByteBuffer> payloads = new ArrayList<>();
        List<ByteBuffer> frames = encode(b, e, payloads);
        assertThat(payloads).hasSize(2);
        int expectedFrames = e == Encoding.FRAMES ? 2 + payloads.size() : 1;
        assertThat(frames).as("frame count of %s", e).hasSize(expectedFrames);
        assertThat(WireCodec.peekHeader(frames.get(0)).encodingCode()).as("header of %s", e).isEqualTo(e.code());
        if (e == Encoding.FRAMES) {
            assertThat(frames.get(0).remaining()).isEqualTo(WireCodec.HEADER_BYTES);
        } else {
            long total = 0;
            for (ByteBuffer p : payloads) {
                total += p.remaining();
            }
            assertThat(frames.get(0).remaining()).as("one frame holds header, envelope and every payload")
                    .isGreaterThan((int) total + WireCodec.HEADER_BYTES);
        }
        WireMessage back = WireCodec.decode(frames);
        Batch decoded = BatchCodec.decode(Envelope.getMap(back.body(), "batch"), back.payloads(), WireLimits.DEFAULT);
        assertThat(decoded).isEqualTo(b);
    }

    @Test
    void rowChunkedColumnsAboveTheLimitGoOutOneFramePerRowAndSmallerOnesAsOneGatheredFrame() {
        List<ByteBuffer> bigRows = new ArrayList<>();
        List<ByteBuffer> smallRows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bigRows.add(Tensor.of(new float[] {i, i + 1, i + 2, i + 3}, 4).data());
            smallRows.add(Tensor.of(new float[] {i}, 1).data());
        }
        DenseColumn big = DenseColumn.ofRows(io.transferqueue.data.DType.FLOAT32, new int[] {4}, bigRows);
        DenseColumn small = DenseColumn.ofRows(io.transferqueue.data.DType.FLOAT32, new int[] {1}, smallRows);
        Batch b = Batch.builder().add("big", big).add("small", small).build();
        long limit = small.byteSize(); // 16 bytes: "small" is at the limit, "big" (64 bytes) above it

        List<ByteBuffer> payloads = new ArrayList<>();
        Map<String, Object> body = Map.of("batch", BatchCodec.encode(b, payloads, limit));

        assertThat(payloads).as("four row frames of 'big', one gathered frame of 'small'").hasSize(5);
        for (int i = 0; i < 4; i++) {
            assertThat(payloads.get(i).array()).as("row %d is sent from its own array", i)
                    .isSameAs(bigRows.get(i).array());
        }
        assertThat(payloads.get(4).remaining()).isEqualTo(16);
        List<ByteBuffer> frames = WireCodec.encode(new WireMessage(1, 1, 0, body, payloads), Encoding.FRAMES);
        WireMessage back = WireCodec.decode(frames);
        assertThat(BatchCodec.decode(Envelope.getMap(back.body(), "batch"), back.payloads(), WireLimits.DEFAULT))
                .isEqualTo(b);

        List<ByteBuffer> gathered = new ArrayList<>();
        BatchCodec.encode(b, gathered, big.byteSize());
        assertThat(gathered).as("at a limit of the largest column every column is one frame").hasSize(2);
    }
}
