package io.transferqueue.wire;

import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.WireFormatException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * Writes and reads the safe value tree of an envelope in msgpack, checking every length against the bytes
 * that are left before allocating. Stateless.
 */
final class MsgpackValues {
    private MsgpackValues() {
    }

    /**
     * Writes a safe value tree.
     *
     * @throws IllegalArgumentException for a value that is not a safe value type, a string that is not
     *     well-formed UTF-16, or nesting deeper than {@code maxDepth} (a cycle included)
     */
    static void write(MessagePacker p, Object v, int depth, int maxDepth) throws IOException {
        if (v == null) {
            p.packNil();
        } else if (v instanceof Boolean b) {
            p.packBoolean(b);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            p.packLong(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            p.packDouble(((Number) v).doubleValue());
        } else if (v instanceof String s) {
            packString(p, s);
        } else if (v instanceof byte[] b) {
            p.packBinaryHeader(b.length);
            p.writePayload(b);
        } else if (v instanceof List<?> list) {
            checkWriteDepth(depth, maxDepth);
            p.packArrayHeader(list.size());
            for (Object e : list) {
                write(p, e, depth + 1, maxDepth);
            }
        } else if (v instanceof Map<?, ?> map) {
            checkWriteDepth(depth, maxDepth);
            p.packMapHeader(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException("envelope map key " + e.getKey() + " is not a String");
                }
                packString(p, k);
                write(p, e.getValue(), depth + 1, maxDepth);
            }
        } else {
            throw new IllegalArgumentException("envelope value of type " + v.getClass().getName()
                    + " is not a safe value type");
        }
    }

    private static void checkWriteDepth(int depth, int maxDepth) {
        if (depth >= maxDepth) {
            throw new IllegalArgumentException("envelope nested deeper than " + maxDepth
                    + " levels (or it contains itself); receivers would refuse it");
        }
    }

    /** msgpack-java replaces unpaired surrogates with '?' without a word; refuse them instead. */
    private static void packString(MessagePacker p, String s) throws IOException {
        int bad = ObjectValues.firstUnpairedSurrogate(s);
        if (bad >= 0) {
            throw new IllegalArgumentException("envelope string has an unpaired surrogate "
                    + String.format("U+%04X", (int) s.charAt(bad)) + " at index " + bad
                    + "; it cannot be encoded as UTF-8");
        }
        p.packString(s);
    }

    /**
     * Reads one value. {@code end} is the total number of bytes of the envelope, used to reject lengths
     * that claim more bytes than remain.
     */
    static Object read(MessageUnpacker u, long end, int depth, WireLimits limits) throws IOException {
        MessageFormat f = u.getNextFormat();
        switch (f.getValueType()) {
            case NIL:
                u.unpackNil();
                return null;
            case BOOLEAN:
                return u.unpackBoolean();
            case INTEGER:
                if (f == MessageFormat.UINT64) {
                    java.math.BigInteger big = u.unpackBigInteger();
                    if (big.bitLength() > 63) {
                        throw new WireFormatException("integer " + big + " does not fit in 64 signed bits");
                    }
                    return big.longValue();
                }
                return u.unpackLong();
            case FLOAT:
                return u.unpackDouble();
            case STRING: {
                int len = u.unpackRawStringHeader();
                checkLength(len, u, end, "string");
                byte[] bytes = u.readPayload(len);
                try {
                    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                } catch (CharacterCodingException e) {
                    throw new WireFormatException("string is not valid UTF-8");
                }
            }
            case BINARY: {
                int len = u.unpackBinaryHeader();
                checkLength(len, u, end, "binary");
                return u.readPayload(len);
            }
            case ARRAY: {
                checkDepth(depth, limits);
                int n = u.unpackArrayHeader();
                checkLength(n, u, end, "array");
                List<Object> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(read(u, end, depth + 1, limits));
                }
                return Collections.unmodifiableList(out);
            }
            case MAP: {
                checkDepth(depth, limits);
                int n = u.unpackMapHeader();
                checkLength(2L * n, u, end, "map");
                Map<String, Object> out = new LinkedHashMap<>(Math.max(4, n * 2));
                for (int i = 0; i < n; i++) {
                    Object k = read(u, end, depth + 1, limits);
                    if (!(k instanceof String key)) {
                        throw new WireFormatException("map key is not a string");
                    }
                    if (out.put(key, read(u, end, depth + 1, limits)) != null || out.size() != i + 1) {
                        throw new WireFormatException("duplicate map key '" + key + "'");
                    }
                }
                return Collections.unmodifiableMap(out);
            }
            default:
                throw new WireFormatException("unsupported msgpack type " + f.getValueType());
        }
    }

    private static void checkDepth(int depth, WireLimits limits) {
        if (depth >= limits.maxDepth()) {
            throw new WireFormatException("envelope nested deeper than " + limits.maxDepth() + " levels");
        }
    }

    private static void checkLength(long claimed, MessageUnpacker u, long end, String what) {
        long left = end - u.getTotalReadBytes();
        if (claimed < 0 || claimed > left) {
            throw new WireFormatException(what + " claims " + claimed + " entries or bytes but only " + left
                    + " bytes remain");
        }
    }
}
