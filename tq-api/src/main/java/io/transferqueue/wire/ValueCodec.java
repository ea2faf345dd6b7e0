package io.transferqueue.wire;

import io.transferqueue.error.WireFormatException;
import java.nio.ByteBuffer;

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
        return MsgpackValues.encode(value, WireLimits.DEFAULT.maxDepth());
    }

    /**
     * Decodes the remaining bytes of {@code bytes} (any kind of buffer, read-only and direct included; it is
     * not modified) into one value (lists and maps unmodifiable).
     *
     * @throws WireFormatException if the bytes are not exactly one valid value
     */
    public static Object decode(ByteBuffer bytes) {
        try {
            return MsgpackValues.decode(bytes, WireLimits.DEFAULT);
        } catch (WireFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new WireFormatException("malformed value: " + e, e);
        }
    }
}
