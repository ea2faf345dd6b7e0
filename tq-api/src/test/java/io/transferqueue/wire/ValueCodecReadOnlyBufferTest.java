package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.ObjectValues;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueCodecReadOnlyBufferTest {
    private static final Object VALUE = Map.of("k", List.of(1L, "ü", new byte[] {1, 2}));

    @Test
    void decodesReadOnlyHeapAndDirectBuffers() {
        byte[] encoded = ValueCodec.encode(VALUE);
        ByteBuffer direct = ByteBuffer.allocateDirect(encoded.length + 3).put(new byte[3]).put(encoded).position(3);

        for (ByteBuffer b : List.of(ByteBuffer.wrap(encoded).asReadOnlyBuffer(), direct, direct.asReadOnlyBuffer())) {
            assertThat(ObjectValues.deepEquals(ValueCodec.decode(b), VALUE)).as(b.toString()).isTrue();
        }
    }
}
