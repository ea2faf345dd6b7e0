package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.ProtocolVersionException;
import io.transferqueue.error.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WireCodecTest {

    private static WireMessage message() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("op", "put");
        body.put("n", 3L);
        return new WireMessage(0xBEEF, -7L, WireMessage.FLAG_ERROR, body,
                List.of(ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.allocate(0), ByteBuffer.wrap(new byte[] {4})));
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void headerLayoutIsFixed(Encoding e) {
        ByteBuffer f0 = WireCodec.encode(message(), e).get(0).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(f0.get(0)).isEqualTo((byte) 'T');
        assertThat(f0.get(1)).isEqualTo((byte) 'Q');
        assertThat(f0.get(2)).isEqualTo((byte) WireCodec.FORMAT_VERSION);
        assertThat(f0.get(3)).isEqualTo((byte) e.code());
        assertThat(f0.getShort(4) & 0xffff).isEqualTo(0xBEEF);
        assertThat(f0.getShort(6) & 0xffff).isEqualTo(WireMessage.FLAG_ERROR);
        assertThat(f0.getLong(8)).isEqualTo(-7L);
        WireCodec.Header h = WireCodec.peekHeader(f0);
        assertThat(h).isEqualTo(new WireCodec.Header(1, e.code(), 0xBEEF, 1, -7L));
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void messageFieldsRoundTrip(Encoding e) {
        WireMessage back = WireCodec.decode(WireCodec.encode(message(), e));
        assertThat(back.type()).isEqualTo(0xBEEF);
        assertThat(back.requestId()).isEqualTo(-7L);
        assertThat(back.isError()).isTrue();
        assertThat(back.body()).containsEntry("op", "put").containsEntry("n", 3L);
        assertThat(back.payloads()).hasSize(3);
        assertThat(back.payloads().get(0).remaining()).isEqualTo(3);
        assertThat(back.payloads().get(1).remaining()).isZero();
        assertThat(back.payloads().get(2).get(0)).isEqualTo((byte) 4);
        assertThat(back.payloadBytes()).isEqualTo(4);
        assertThat(back.payloads().get(0).order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void anotherFormatVersionIsRefusedNamingBothVersions(Encoding e) {
        List<ByteBuffer> frames = new ArrayList<>(WireCodec.encode(message(), e));
        ByteBuffer f0 = copy(frames.get(0));
        f0.put(2, (byte) 7);
        frames.set(0, f0);
        assertThatThrownBy(() -> WireCodec.decode(frames)).isInstanceOf(ProtocolVersionException.class)
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("version 7").hasMessageContaining("version " + WireCodec.FORMAT_VERSION);
    }

    @Test
    void malformedHeadersFailWithWireFormatException() {
        List<ByteBuffer> frames = WireCodec.encode(message(), Encoding.FRAMES);
        ByteBuffer badMagic = copy(frames.get(0));
        badMagic.put(0, (byte) 'X');
        assertThatThrownBy(() -> WireCodec.decode(replace(frames, 0, badMagic))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("magic").hasMessageContaining("0x58");
        ByteBuffer badEncoding = copy(frames.get(0));
        badEncoding.put(3, (byte) 9);
        assertThatThrownBy(() -> WireCodec.decode(replace(frames, 0, badEncoding)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("encoding code 9");
        assertThatThrownBy(() -> WireCodec.decode(List.of())).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireCodec.decode(null)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> WireCodec.decode(frames.subList(0, 1))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("envelope frame missing");
        assertThatThrownBy(() -> WireCodec.peekHeader(ByteBuffer.allocate(3))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("3 bytes");
        List<ByteBuffer> withNull = new ArrayList<>(frames);
        withNull.add(null);
        assertThatThrownBy(() -> WireCodec.decode(withNull)).isInstanceOf(WireFormatException.class);
        List<ByteBuffer> packed = WireCodec.encode(message(), Encoding.PACKED);
        assertThatThrownBy(() -> WireCodec.decode(List.of(packed.get(0), packed.get(0))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("expected 1 frame");
    }

    @Test
    void limitsAreEnforcedBeforeAllocating() {
        WireLimits small = new WireLimits(4, 4, 10, 1024);
        List<ByteBuffer> frames = WireCodec.encode(message(), Encoding.FRAMES);
        assertThatThrownBy(() -> WireCodec.decode(frames, small)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("5 frames");
        WireMessage big = new WireMessage(1, 1, 0, Map.of(), List.of(ByteBuffer.allocate(2000)));
        assertThatThrownBy(() -> WireCodec.decode(WireCodec.encode(big, Encoding.PACKED), small))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("exceeds the limit of 1024");
        Object deep = 1L;
        for (int i = 0; i < 5; i++) {
            deep = List.of(deep);
        }
        WireMessage nested = WireMessage.of(1, 1, Map.of("d", deep));
        assertThatThrownBy(() -> WireCodec.decode(WireCodec.encode(nested, Encoding.PACKED), small))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("deeper than 4");
        assertThatThrownBy(() -> new WireLimits(0, 4, 10, 1024)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyValueTheDataModelAcceptsFitsTheDefaultDecoderDepth() {
        Object deep = "leaf";
        for (int i = 0; i < ObjectValues.MAX_DEPTH; i++) {
            deep = List.of(deep);
        }
        Object normalized = ObjectValues.normalize(deep, "test");
        // wrapped a few levels deeper by the protocol (body -> batch -> fields -> field -> values)
        Object wrapped = Map.of("a", List.of(Map.of("b", List.of(normalized))));
        WireMessage m = WireMessage.of(1, 1, Map.of("w", wrapped));
        for (Encoding e : Encoding.values()) {
            assertThat(WireCodec.decode(WireCodec.encode(m, e)).body()).containsKey("w");
        }
    }

    @Test
    void bodiesThatAreNotSafeValueTreesAreRejectedWhenEncoding() {
        assertThatThrownBy(() -> WireCodec.encode(WireMessage.of(1, 1, Map.of("x", new Object())), Encoding.FRAMES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> WireCodec.encode(WireMessage.of(1, 1, Map.of("x", Map.of(1, 2))), Encoding.FRAMES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a String");
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        assertThatThrownBy(() -> WireCodec.encode(WireMessage.of(1, 1, Map.of("c", cyclic)), Encoding.PACKED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper");
        assertThatThrownBy(() -> new WireMessage(70000, 1, 0, Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
        assertThatThrownBy(() -> new WireMessage(1, 1, -1, Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WireMessage(1, 1, 0, null, List.of())).isInstanceOf(NullPointerException.class)
                .hasMessage("body is null");
        assertThatThrownBy(() -> WireCodec.encode(message(), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("encoding is null");
    }

    @Test
    void packedEncodingWritesIntoTheAllocatorsBuffer() {
        WireMessage m = message();
        int size = WireCodec.encode(m, Encoding.PACKED).get(0).remaining();
        ByteBuffer reused = ByteBuffer.allocateDirect(size + 100);
        reused.position(50);
        List<ByteBuffer> frames = WireCodec.encode(m, Encoding.PACKED, n -> {
            assertThat(n).isEqualTo(size);
            return reused;
        });
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0)).isSameAs(reused);
        assertThat(reused.position()).isZero();
        assertThat(reused.limit()).isEqualTo(size);
        WireMessage back = WireCodec.decode(frames);
        assertThat(back.payloads().get(0).get(2)).isEqualTo((byte) 3);
        // a second message into the same buffer
        List<ByteBuffer> again = WireCodec.encode(m, Encoding.PACKED, n -> reused);
        assertThat(WireCodec.decode(again).body()).isEqualTo(m.body());
        assertThatThrownBy(() -> WireCodec.encode(m, Encoding.PACKED, n -> ByteBuffer.allocate(n - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(size));
        assertThatThrownBy(() -> WireCodec.encode(m, Encoding.PACKED, n -> ByteBuffer.allocate(n).asReadOnlyBuffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
    }

    @Test
    void payloadPositionsOfTheCallerAreRespectedAndUnchanged() {
        ByteBuffer p = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 9});
        p.position(2).limit(4);
        WireMessage m = new WireMessage(1, 1, 0, Map.of(), List.of(p));
        for (Encoding e : Encoding.values()) {
            WireMessage back = WireCodec.decode(WireCodec.encode(m, e));
            ByteBuffer got = back.payloads().get(0);
            assertThat(got.remaining()).isEqualTo(2);
            assertThat(got.get(got.position())).isEqualTo((byte) 1);
            assertThat(p.position()).isEqualTo(2);
            assertThat(p.limit()).isEqualTo(4);
        }
    }

    @Test
    void forZeroCopyChoosesTheEncoding() {
        assertThat(Encoding.forZeroCopy(true)).isEqualTo(Encoding.FRAMES);
        assertThat(Encoding.forZeroCopy(false)).isEqualTo(Encoding.PACKED);
        assertThat(Encoding.FRAMES.code()).isZero();
        assertThat(Encoding.PACKED.code()).isEqualTo(1);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    private static List<ByteBuffer> replace(List<ByteBuffer> frames, int i, ByteBuffer f) {
        List<ByteBuffer> out = new ArrayList<>(frames);
        out.set(i, f);
        return out;
    }
}
