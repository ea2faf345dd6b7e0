package io.transferqueue.wire;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * One message: a type, a request id, flags, an envelope body (a tree of safe values: Map with String keys,
 * List, Long, Double, String, byte[], Boolean, null) and payload buffers referenced from the body by index.
 *
 * <p>Ownership: payload buffers are borrowed by the encoder for the duration of the send (in
 * {@link Encoding#FRAMES} they go out as they are, so the caller must not change them until the send has
 * completed). Payloads of a decoded message are views over the received frames.
 *
 * @param type message type code (defined by the protocol layer)
 * @param requestId correlates a response with its request
 * @param flags protocol flags (bit 0: error response)
 * @param body the envelope
 * @param payloads the out-of-band buffers
 */
public record WireMessage(int type, long requestId, int flags, Map<String, Object> body, List<ByteBuffer> payloads) {
    /** Flag bit of a response that carries an error instead of a result. */
    public static final int FLAG_ERROR = 1;

    public WireMessage {
        if (type < 0 || type > 0xffff) {
            throw new IllegalArgumentException("message type " + type + " out of range [0, 65535]");
        }
        if (flags < 0 || flags > 0xffff) {
            throw new IllegalArgumentException("flags " + flags + " out of range [0, 65535]");
        }
        requireNonNull(body, "body is null");
        payloads = List.copyOf(requireNonNull(payloads, "payloads is null"));
    }

    /** A message without payloads. */
    public static WireMessage of(int type, long requestId, Map<String, Object> body) {
        return new WireMessage(type, requestId, 0, body, List.of());
    }

    /** True if this response carries an error. */
    public boolean isError() {
        return (flags & FLAG_ERROR) != 0;
    }

    /** Total payload bytes. */
    public long payloadBytes() {
        long n = 0;
        for (ByteBuffer b : payloads) {
            n += b.remaining();
        }
        return n;
    }
}
