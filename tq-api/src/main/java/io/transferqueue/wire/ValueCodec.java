package io.transferqueue.wire;

import io.transferqueue.error.WireFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * One safe value (see {@link io.transferqueue.data.ObjectValues}) as msgpack bytes: how key-value backends
 * store object cells. Decoding checks lengths before allocating, like the envelope decoder. Stateless.
 */
public final class ValueCodec {
    private ValueCodec() {
    }

    /**
     * Encodes a safe value.
     *
     * @throws IllegalArgumentException if the value is not a safe value type
     */
    public static byte[] encode(Object value) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            MsgpackValues.write(p, value);
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory msgpack write failed", e);
        }
    }

    /**
     * Decodes the remaining bytes of {@code bytes} into one value (lists and maps unmodifiable).
     *
     * @throws WireFormatException if the bytes are not exactly one valid value
     */
    public static Object decode(ByteBuffer bytes) {
        ByteBuffer b = bytes.slice();
        if (!b.hasArray()) {
            // msgpack reads read-only heap buffers not at all, and direct ones only with --add-opens
            // java.base/sun.nio.ch (IllegalAccessError on JDK 17+): decode a copy of such bytes
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            b = ByteBuffer.wrap(copy);
        }
        long end = b.remaining();
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(b)) {
            Object v = MsgpackValues.read(u, end, 0, WireLimits.DEFAULT);
            if (u.getTotalReadBytes() != end) {
                throw new WireFormatException("value has " + (end - u.getTotalReadBytes()) + " trailing bytes");
            }
            return v;
        } catch (WireFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("malformed value: " + e, e);
        }
    }
}
