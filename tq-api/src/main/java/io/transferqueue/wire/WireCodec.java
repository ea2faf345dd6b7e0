package io.transferqueue.wire;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.ProtocolVersionException;
import io.transferqueue.error.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Encodes and decodes {@link WireMessage}s. Every message starts with a fixed 16-byte header:
 *
 * <pre>
 *  0  2  magic "TQ"
 *  2  1  format version ({@value #FORMAT_VERSION})
 *  3  1  encoding (0 frames, 1 packed)
 *  4  2  message type (little-endian)
 *  6  2  flags
 *  8  8  request id
 * </pre>
 *
 * In {@link Encoding#FRAMES} the header is frame 0, the msgpack envelope frame 1 and each payload its own
 * frame, the caller's buffer itself (no copy). In {@link Encoding#PACKED} everything is one frame: header,
 * {@code u32} payload count, {@code u32} envelope length, {@code u64} length of each payload, the envelope,
 * then the payloads back to back.
 *
 * <p>Decoding checks every length against the bytes that arrived before it allocates, and raises
 * {@link WireFormatException} (and nothing else) on any malformed input. Stateless and thread-safe.
 */
public final class WireCodec {
    /** Version of the frame layout; a peer with another version is refused with both named. */
    public static final int FORMAT_VERSION = 1;
    /** Bytes of the fixed header. */
    public static final int HEADER_BYTES = 16;
    private static final byte MAGIC_0 = 'T';
    private static final byte MAGIC_1 = 'Q';

    private WireCodec() {
    }

    /** Encodes into frames; {@link Encoding#PACKED} allocates its frame on the heap. */
    public static List<ByteBuffer> encode(WireMessage message, Encoding encoding) {
        return encode(message, encoding, size -> ByteBuffer.allocate(size));
    }

    /**
     * Encodes into frames.
     *
     * @param packedAllocator gives the single frame of {@link Encoding#PACKED} (at least the requested
     *     capacity); lets a caller reuse memory. Unused for {@link Encoding#FRAMES}.
     * @return frames positioned at 0; the payload frames of {@link Encoding#FRAMES} share memory with the
     *     message's buffers (no copy)
     * @throws IllegalArgumentException if the body holds a value that is not a safe value type, is nested
     *     deeper than {@link WireLimits#DEFAULT} allows, or the allocator's buffer is too small or read-only
     */
    public static List<ByteBuffer> encode(WireMessage message, Encoding encoding, IntFunction<ByteBuffer> packedAllocator) {
        requireNonNull(message, "message is null");
        requireNonNull(encoding, "encoding is null");
        byte[] envelope = envelope(message.body());
        if (encoding == Encoding.FRAMES) {
            List<ByteBuffer> frames = new ArrayList<>(2 + message.payloads().size());
            frames.add(header(ByteBuffer.allocate(HEADER_BYTES), message, encoding).flip());
            frames.add(ByteBuffer.wrap(envelope));
            for (ByteBuffer p : message.payloads()) {
                frames.add(p.slice());
            }
            return frames;
        }
        int n = message.payloads().size();
        long total = HEADER_BYTES + 8L + 8L * n + envelope.length;
        for (ByteBuffer p : message.payloads()) {
            total += p.remaining();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a packed message holds at most 2 GiB, this one needs " + total
                    + " bytes; use the frames encoding");
        }
        ByteBuffer out = packedAllocator.apply((int) total);
        if (out == null || out.capacity() < total || out.isReadOnly()) {
            throw new IllegalArgumentException("the packed allocator must return a writable buffer of at least "
                    + total + " bytes, got " + (out == null ? "null" : (out.isReadOnly() ? "a read-only buffer of "
                    : "") + out.capacity() + " bytes"));
        }
        out.clear();
        out.limit((int) total);
        header(out, message, encoding);
        out.order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(n);
        out.putInt(envelope.length);
        for (ByteBuffer p : message.payloads()) {
            out.putLong(p.remaining());
        }
        out.put(envelope);
        for (ByteBuffer p : message.payloads()) {
            out.put(p.duplicate());
        }
        out.flip();
        return List.of(out);
    }

    private static ByteBuffer header(ByteBuffer b, WireMessage m, Encoding e) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC_0).put(MAGIC_1).put((byte) FORMAT_VERSION).put((byte) e.code());
        b.putShort((short) m.type()).putShort((short) m.flags()).putLong(m.requestId());
        return b;
    }

    private static byte[] envelope(Map<String, Object> body) {
        return MsgpackValues.encode(body, WireLimits.DEFAULT.maxDepth());
    }

    /** Decodes with {@link WireLimits#DEFAULT}. */
    public static WireMessage decode(List<ByteBuffer> frames) {
        return decode(frames, WireLimits.DEFAULT);
    }

    /**
     * Decodes a message in either encoding. Payloads are views of the frames (no copy).
     *
     * @throws ProtocolVersionException if the message has another format version (naming both)
     * @throws WireFormatException for any other malformed input
     */
    public static WireMessage decode(List<ByteBuffer> frames, WireLimits limits) {
        try {
            return decodeUnchecked(frames, limits);
        } catch (WireFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new WireFormatException("malformed message: " + e, e);
        }
    }

    /** Reads only the header of frame 0: useful to answer a message whose body cannot be decoded. */
    public static Header peekHeader(ByteBuffer frame0) {
        ByteBuffer h = frame0.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (h.remaining() < HEADER_BYTES) {
            throw new WireFormatException("header frame has " + h.remaining() + " bytes, expected at least "
                    + HEADER_BYTES);
        }
        int start = h.position();
        if (h.get(start) != MAGIC_0 || h.get(start + 1) != MAGIC_1) {
            throw new WireFormatException("not a TransferQueue message (bad magic " + hex(h.get(start)) + " "
                    + hex(h.get(start + 1)) + ")");
        }
        int version = h.get(start + 2) & 0xff;
        int enc = h.get(start + 3) & 0xff;
        int type = h.getShort(start + 4) & 0xffff;
        int flags = h.getShort(start + 6) & 0xffff;
        long requestId = h.getLong(start + 8);
        return new Header(version, enc, type, flags, requestId);
    }

    /** The fixed header fields. */
    public record Header(int version, int encodingCode, int type, int flags, long requestId) {
    }

    private static WireMessage decodeUnchecked(List<ByteBuffer> frames, WireLimits limits) {
        if (frames == null || frames.isEmpty()) {
            throw new WireFormatException("empty message");
        }
        if (frames.size() > limits.maxFrames()) {
            throw new WireFormatException("message has " + frames.size() + " frames, at most " + limits.maxFrames()
                    + " allowed");
        }
        long totalBytes = 0;
        for (ByteBuffer f : frames) {
            if (f == null) {
                throw new WireFormatException("null frame");
            }
            totalBytes += f.remaining();
        }
        if (totalBytes > limits.maxMessageBytes()) {
            throw new WireFormatException("message of " + totalBytes + " bytes exceeds the limit of "
                    + limits.maxMessageBytes());
        }
        ByteBuffer f0 = frames.get(0);
        Header h = peekHeader(f0);
        if (h.version != FORMAT_VERSION) {
            throw new ProtocolVersionException("message has wire format version " + h.version
                    + ", this peer reads version " + FORMAT_VERSION);
        }
        Encoding enc = Encoding.fromCode(h.encodingCode);
        if (enc == null) {
            throw new WireFormatException("unknown encoding code " + h.encodingCode);
        }
        if (enc == Encoding.FRAMES) {
            if (f0.remaining() != HEADER_BYTES) {
                throw new WireFormatException("frames encoding: header frame has " + f0.remaining() + " bytes, expected "
                        + HEADER_BYTES);
            }
            if (frames.size() < 2) {
                throw new WireFormatException("frames encoding: envelope frame missing");
            }
            Map<String, Object> body = readEnvelope(frames.get(1).slice(), limits);
            List<ByteBuffer> payloads = new ArrayList<>(frames.size() - 2);
            for (int i = 2; i < frames.size(); i++) {
                payloads.add(frames.get(i).slice().order(ByteOrder.LITTLE_ENDIAN));
            }
            return new WireMessage(h.type, h.requestId, h.flags, body, payloads);
        }
        if (frames.size() != 1) {
            throw new WireFormatException("packed encoding: expected 1 frame, got " + frames.size());
        }
        ByteBuffer b = f0.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < HEADER_BYTES + 8) {
            throw new WireFormatException("packed message truncated: " + b.remaining() + " bytes");
        }
        b.position(HEADER_BYTES);
        long count = Integer.toUnsignedLong(b.getInt());
        long envLen = Integer.toUnsignedLong(b.getInt());
        if (count > limits.maxFrames() || count * 8 > b.remaining()) {
            throw new WireFormatException("packed message claims " + count + " payloads, " + b.remaining()
                    + " bytes remain");
        }
        long[] lengths = new long[(int) count];
        long sum = envLen;
        for (int i = 0; i < count; i++) {
            lengths[i] = b.getLong();
            if (lengths[i] < 0 || lengths[i] > Integer.MAX_VALUE) {
                throw new WireFormatException("payload " + i + " claims " + Long.toUnsignedString(lengths[i])
                        + " bytes");
            }
            sum += lengths[i];
        }
        if (sum != b.remaining()) {
            throw new WireFormatException("packed message lengths add up to " + sum + " bytes, " + b.remaining()
                    + " bytes remain");
        }
        int pos = b.position();
        Map<String, Object> body = readEnvelope(b.slice(pos, (int) envLen), limits);
        pos += (int) envLen;
        List<ByteBuffer> payloads = new ArrayList<>((int) count);
        for (long len : lengths) {
            payloads.add(b.slice(pos, (int) len).order(ByteOrder.LITTLE_ENDIAN));
            pos += (int) len;
        }
        return new WireMessage(h.type, h.requestId, h.flags, body, payloads);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readEnvelope(ByteBuffer env, WireLimits limits) {
        if (!env.hasRemaining()) {
            throw new WireFormatException("empty envelope");
        }
        Object body = MsgpackValues.decode(env, limits);
        if (!(body instanceof Map)) {
            throw new WireFormatException("envelope is not a map");
        }
        return (Map<String, Object>) body;
    }

    private static String hex(byte b) {
        return String.format("0x%02x", b & 0xff);
    }
}
