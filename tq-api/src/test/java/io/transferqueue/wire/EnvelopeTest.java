package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.error.WireFormatException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final Map<String, Object> M;

    static {
        Map<String, Object> m = new HashMap<>();
        m.put("long", 5L);
        m.put("string", "s");
        m.put("null", null);
        m.put("bool", true);
        m.put("bytes", new byte[] {1});
        m.put("list", List.of(1L));
        m.put("map", Map.of("a", 1L));
        m.put("ints", Envelope.packInts(new int[] {1, -2, Integer.MAX_VALUE}));
        m.put("longs", Envelope.packLongs(new long[] {Long.MIN_VALUE, 7}));
        m.put("idx", 1L);
        M = Collections.unmodifiableMap(m);
    }

    @Test
    void typedReads() {
        assertThat(Envelope.getLong(M, "long")).isEqualTo(5L);
        assertThat(Envelope.getInt(M, "long", 0, 10)).isEqualTo(5);
        assertThat(Envelope.getString(M, "string")).isEqualTo("s");
        assertThat(Envelope.getNullableString(M, "null")).isNull();
        assertThat(Envelope.optString(M, "absent", "d")).isEqualTo("d");
        assertThat(Envelope.optString(M, "null", "d")).isEqualTo("d");
        assertThat(Envelope.getBoolean(M, "bool")).isTrue();
        assertThat(Envelope.getBytes(M, "bytes")).containsExactly(1);
        assertThat(Envelope.getList(M, "list")).containsExactly(1L);
        assertThat(Envelope.getMap(M, "map")).containsEntry("a", 1L);
        assertThat(Envelope.getInts(M, "ints", 3)).containsExactly(1, -2, Integer.MAX_VALUE);
        assertThat(Envelope.getInts(M, "ints", -1)).hasSize(3);
        assertThat(Envelope.getLongs(M, "longs", 2)).containsExactly(Long.MIN_VALUE, 7);
        List<ByteBuffer> payloads = List.of(ByteBuffer.allocate(1), ByteBuffer.allocate(2));
        assertThat(Envelope.payload(M, "idx", payloads).remaining()).isEqualTo(2);
    }

    @Test
    void missingOrMistypedEntriesFailNamingTheKey() {
        assertThatThrownBy(() -> Envelope.getLong(M, "absent")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("'absent' is missing");
        assertThatThrownBy(() -> Envelope.getLong(M, "string")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("'string' must be an integer, got String");
        assertThatThrownBy(() -> Envelope.getLong(M, "null")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("'null' is null");
        assertThatThrownBy(() -> Envelope.getInt(M, "long", 6, 10)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("outside [6, 10]");
        assertThatThrownBy(() -> Envelope.getString(M, "long")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Envelope.getNullableString(M, "long")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Envelope.optString(M, "long", "d")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Envelope.getBoolean(M, "long")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Envelope.getBytes(M, "list")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Envelope.getList(M, "map")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Envelope.getMap(M, "list")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Envelope.asMap(1L, "thing")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("thing");
        assertThatThrownBy(() -> Envelope.getInts(M, "ints", 2)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("12 bytes");
        assertThatThrownBy(() -> Envelope.getInts(M, "bytes", -1)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("multiple of 4");
        assertThatThrownBy(() -> Envelope.getLongs(M, "longs", 3)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Envelope.payload(M, "idx", List.of(ByteBuffer.allocate(1))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("payload 1");
    }
}
