package io.transferqueue.backend.redis;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 string keys and binary values, with no String round trip: a value is written straight from the
 * caller's buffer into Netty's output buffer (one copy, the one the socket needs), and read into a fresh heap
 * buffer. Writing never moves the caller's buffer position (a command may be written again after a reconnect).
 */
final class ByteBufferCodec implements RedisCodec<String, ByteBuffer>, ToByteBufEncoder<String, ByteBuffer> {
    static final ByteBufferCodec INSTANCE = new ByteBufferCodec();

    private ByteBufferCodec() {
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
        return StandardCharsets.UTF_8.decode(bytes).toString();
    }

    /** A new little-endian heap buffer holding the bytes (Lettuce's buffer is only valid during the call). */
    @Override
    public ByteBuffer decodeValue(ByteBuffer bytes) {
        ByteBuffer out = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(bytes);
        return out.flip();
    }

    @Override
    public ByteBuffer encodeKey(String key) {
        return StandardCharsets.UTF_8.encode(key);
    }

    @Override
    public ByteBuffer encodeValue(ByteBuffer value) {
        return value.duplicate();
    }

    @Override
    public void encodeKey(String key, ByteBuf target) {
        target.writeCharSequence(key, StandardCharsets.UTF_8);
    }

    @Override
    public void encodeValue(ByteBuffer value, ByteBuf target) {
        target.writeBytes(value.duplicate());
    }

    @Override
    public int estimateSize(Object keyOrValue) {
        if (keyOrValue instanceof ByteBuffer b) {
            return b.remaining();
        }
        if (keyOrValue instanceof CharSequence s) {
            return ByteBufUtil.utf8Bytes(s);
        }
        return 0;
    }

    @Override
    public boolean isEstimateExact() {
        return true;
    }
}
