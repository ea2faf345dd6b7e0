package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.error.WireFormatException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strings and map keys as the envelope decoder reads them. */
class MsgpackStringsTest {
    private static Object decode(byte... bytes) {
        return MsgpackValues.decode(ByteBuffer.wrap(bytes), WireLimits.DEFAULT);
    }

    @Test
    void asciiAndOtherUtf8StringsRoundTrip() {
        for (String s : List.of("", "field_0", "tq.exhausted", "ä€𝄞 mixed", "日本語")) {
            assertThat(MsgpackValues.decode(ByteBuffer.wrap(MsgpackValues.encode(s, 8)), WireLimits.DEFAULT))
                    .isEqualTo(s);
        }
    }

    @Test
    void invalidUtf8IsRefusedNotReplaced() {
        // fixstr of 2 bytes: a lone continuation byte, then a truncated 2-byte sequence
        assertThatThrownBy(() -> decode((byte) 0xa2, (byte) 0x80, (byte) 0x41))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> decode((byte) 0xa1, (byte) 0xc3))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void aMapWithARepeatedKeyIsRefusedAndOneWithDistinctKeysKeepsItsOrder() {
        // fixmap of 2: "a" -> 1, "a" -> 2
        assertThatThrownBy(() -> decode((byte) 0x82, (byte) 0xa1, (byte) 'a', (byte) 1, (byte) 0xa1, (byte) 'a',
                (byte) 2)).isInstanceOf(WireFormatException.class).hasMessageContaining("duplicate map key 'a'");
        // a null value is a value: "a" -> nil, "a" -> 2 is still a repeat
        assertThatThrownBy(() -> decode((byte) 0x82, (byte) 0xa1, (byte) 'a', (byte) 0xc0, (byte) 0xa1, (byte) 'a',
                (byte) 2)).isInstanceOf(WireFormatException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) decode((byte) 0x82, (byte) 0xa1, (byte) 'b', (byte) 0xc0,
                (byte) 0xa1, (byte) 'a', (byte) 2);
        assertThat(m.keySet()).containsExactly("b", "a");
        assertThat(m).containsEntry("b", null).containsEntry("a", 2L);
    }
}
