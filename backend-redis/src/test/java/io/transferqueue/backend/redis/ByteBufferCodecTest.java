package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteBufferCodecTest {
    private final ByteBufferCodec codec = ByteBufferCodec.INSTANCE;

    @Test
    void aValueIsWrittenAsItsRemainingBytesWithoutMovingTheCallersBuffer() {
        for (ByteBuffer v : new ByteBuffer[] {ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9}, 1, 3),
                ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip(),
                ByteBuffer.wrap(new byte[] {1, 2, 3}).asReadOnlyBuffer()}) {
            ByteBuf target = Unpooled.buffer();
            int position = v.position();

            codec.encodeValue(v, target);
            codec.encodeValue(v, target);

            assertThat(v.position()).as("position of the caller's buffer").isEqualTo(position);
            byte[] written = new byte[target.readableBytes()];
            target.readBytes(written);
            assertThat(written).containsExactly(1, 2, 3, 1, 2, 3);
            assertThat(codec.estimateSize(v)).isEqualTo(3);
            target.release();
        }
    }

    @Test
    void argumentsAreFramedWithTheExactSize() {
        ByteBuffer v = ByteBuffer.wrap(new byte[] {0, 0, 0});
        CommandArgs<String, ByteBuffer> args = new CommandArgs<>(codec).addKey("k€").addValue(v).addValue(
                ByteBuffer.allocate(0));
        ByteBuf target = Unpooled.buffer();

        args.encode(target);

        assertThat(target.toString(StandardCharsets.ISO_8859_1)).isEqualTo(
                "$4\r\nk\u00e2\u0082\u00ac\r\n$3\r\n\0\0\0\r\n$0\r\n\r\n");
        assertThat(codec.isEstimateExact()).isTrue();
        target.release();
    }

    @Test
    void aDecodedValueIsAnIndependentLittleEndianCopy() {
        ByteBuffer source = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});

        ByteBuffer v = codec.decodeValue(source);
        source.put(0, (byte) 99);

        assertThat(v.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(v.remaining()).isEqualTo(4);
        assertThat(v.get(0)).isEqualTo((byte) 1);
        assertThat(v.isReadOnly()).isFalse();
    }

    @Test
    void keysAreUtf8() {
        assertThat(codec.decodeKey(codec.encodeKey("tq:p€/1.0/f"))).isEqualTo("tq:p€/1.0/f");
        assertThat(codec.estimateSize("€")).isEqualTo(3);
    }
}
