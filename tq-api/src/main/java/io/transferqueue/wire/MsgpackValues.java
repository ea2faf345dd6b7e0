package io.transferqueue.wire;

import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads the safe value tree of an envelope in msgpack (the subset the safe value types need: nil,
 * boolean, int, float, str, bin, array, map). Reading checks every length against the bytes that are left
 * before allocating and rejects what the envelope never holds (ext types, non-string map keys, duplicate keys,
 * malformed UTF-8). Stateless.
 *
 * <p>Written here rather than with msgpack-java, which on JDK 24+ warns that its {@code sun.misc.Unsafe} use
 * will stop working, and which cannot read direct buffers without {@code --add-opens}.
 */
final class MsgpackValues {
    private MsgpackValues() {
    }

    // ------------------------------------------------------------------ writing

    /** A growable big-endian byte sink (msgpack is big-endian). */
    static final class Writer {
        private byte[] buf = new byte[256];
        private int pos;

        private void ensure(int n) {
            if (pos + n > buf.length) {
                long want = Math.max((long) buf.length * 2, (long) pos + n);
                if (want > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("envelope larger than 2 GiB");
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
        }

        private void put(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        private void put16(int v) {
            ensure(2);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        private void put32(int v) {
            ensure(4);
            for (int s = 24; s >= 0; s -= 8) {
                buf[pos++] = (byte) (v >>> s);
            }
        }

        private void put64(long v) {
            ensure(8);
            for (int s = 56; s >= 0; s -= 8) {
                buf[pos++] = (byte) (v >>> s);
            }
        }

        private void putBytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }

        void nil() {
            put(0xc0);
        }

        void bool(boolean b) {
            put(b ? 0xc3 : 0xc2);
        }

        void integer(long v) {
            if (v >= 0 && v <= 127) {
                put((int) v);
            } else if (v < 0 && v >= -32) {
                put((int) v & 0xff);
            } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                put(0xd0);
                put((int) v);
            } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                put(0xd1);
                put16((int) v);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                put(0xd2);
                put32((int) v);
            } else {
                put(0xd3);
                put64(v);
            }
        }

        void float64(double d) {
            put(0xcb);
            put64(Double.doubleToRawLongBits(d));
        }

        void string(String s) {
            int bad = ObjectValues.firstUnpairedSurrogate(s);
            if (bad >= 0) {
                throw new IllegalArgumentException("envelope string has an unpaired surrogate "
                        + String.format("U+%04X", (int) s.charAt(bad)) + " at index " + bad
                        + "; it cannot be encoded as UTF-8");
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int n = b.length;
            if (n < 32) {
                put(0xa0 | n);
            } else if (n < 0x100) {
                put(0xd9);
                put(n);
            } else if (n < 0x10000) {
                put(0xda);
                put16(n);
            } else {
                put(0xdb);
                put32(n);
            }
            putBytes(b);
        }

        void binary(byte[] b) {
            int n = b.length;
            if (n < 0x100) {
                put(0xc4);
                put(n);
            } else if (n < 0x10000) {
                put(0xc5);
                put16(n);
            } else {
                put(0xc6);
                put32(n);
            }
            putBytes(b);
        }

        void arrayHeader(int n) {
            if (n < 16) {
                put(0x90 | n);
            } else if (n < 0x10000) {
                put(0xdc);
                put16(n);
            } else {
                put(0xdd);
                put32(n);
            }
        }

        void mapHeader(int n) {
            if (n < 16) {
                put(0x80 | n);
            } else if (n < 0x10000) {
                put(0xde);
                put16(n);
            } else {
                put(0xdf);
                put32(n);
            }
        }
    }

    /**
     * Encodes a safe value tree.
     *
     * @throws IllegalArgumentException for a value that is not a safe value type, a string that is not
     *     well-formed UTF-16, or nesting deeper than {@code maxDepth} (a cycle included)
     */
    static byte[] encode(Object v, int maxDepth) {
        Writer w = new Writer();
        write(w, v, 0, maxDepth);
        return w.toByteArray();
    }

    private static void write(Writer w, Object v, int depth, int maxDepth) {
        if (v == null) {
            w.nil();
        } else if (v instanceof Boolean b) {
            w.bool(b);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            w.integer(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            w.float64(((Number) v).doubleValue());
        } else if (v instanceof String s) {
            w.string(s);
        } else if (v instanceof byte[] b) {
            w.binary(b);
        } else if (v instanceof List<?> list) {
            checkWriteDepth(depth, maxDepth);
            w.arrayHeader(list.size());
            for (Object e : list) {
                write(w, e, depth + 1, maxDepth);
            }
        } else if (v instanceof Map<?, ?> map) {
            checkWriteDepth(depth, maxDepth);
            w.mapHeader(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException("envelope map key " + e.getKey() + " is not a String");
                }
                w.string(k);
                write(w, e.getValue(), depth + 1, maxDepth);
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

    // ------------------------------------------------------------------ reading

    /**
     * Decodes exactly one value from the remaining bytes of {@code in} (any kind of buffer; it is not
     * modified).
     *
     * @throws WireFormatException for malformed input, limits exceeded, or trailing bytes
     */
    static Object decode(ByteBuffer in, WireLimits limits) {
        ByteBuffer b = in.slice().order(ByteOrder.BIG_ENDIAN);
        Object v = read(b, 0, limits);
        if (b.hasRemaining()) {
            throw new WireFormatException("value has " + b.remaining() + " trailing bytes");
        }
        return v;
    }

    private static void need(ByteBuffer b, long n, String what) {
        if (n < 0 || n > b.remaining()) {
            throw new WireFormatException(what + " claims " + n + " entries or bytes but only " + b.remaining()
                    + " bytes remain");
        }
    }

    private static int u8(ByteBuffer b) {
        need(b, 1, "value");
        return b.get() & 0xff;
    }

    private static int u16(ByteBuffer b) {
        need(b, 2, "value");
        return b.getShort() & 0xffff;
    }

    private static long u32(ByteBuffer b) {
        need(b, 4, "value");
        return b.getInt() & 0xffffffffL;
    }

    private static long i64(ByteBuffer b) {
        need(b, 8, "value");
        return b.getLong();
    }

    private static Object read(ByteBuffer b, int depth, WireLimits limits) {
        int t = u8(b);
        if (t <= 0x7f) {
            return (long) t;
        }
        if (t >= 0xe0) {
            return (long) (byte) t;
        }
        if ((t & 0xe0) == 0xa0) {
            return string(b, t & 0x1f);
        }
        if ((t & 0xf0) == 0x90) {
            return array(b, t & 0x0f, depth, limits);
        }
        if ((t & 0xf0) == 0x80) {
            return map(b, t & 0x0f, depth, limits);
        }
        switch (t) {
            case 0xc0:
                return null;
            case 0xc2:
                return Boolean.FALSE;
            case 0xc3:
                return Boolean.TRUE;
            case 0xc4:
                return binary(b, u8(b));
            case 0xc5:
                return binary(b, u16(b));
            case 0xc6:
                return binary(b, u32(b));
            case 0xca:
                need(b, 4, "float32");
                return (double) b.getFloat();
            case 0xcb:
                need(b, 8, "float64");
                return b.getDouble();
            case 0xcc:
                return (long) u8(b);
            case 0xcd:
                return (long) u16(b);
            case 0xce:
                return u32(b);
            case 0xcf: {
                long v = i64(b);
                if (v < 0) {
                    throw new WireFormatException("integer " + Long.toUnsignedString(v) + " does not fit in 64 signed "
                            + "bits");
                }
                return v;
            }
            case 0xd0:
                need(b, 1, "int8");
                return (long) b.get();
            case 0xd1:
                need(b, 2, "int16");
                return (long) b.getShort();
            case 0xd2:
                need(b, 4, "int32");
                return (long) b.getInt();
            case 0xd3:
                return i64(b);
            case 0xd9:
                return string(b, u8(b));
            case 0xda:
                return string(b, u16(b));
            case 0xdb:
                return string(b, u32(b));
            case 0xdc:
                return array(b, u16(b), depth, limits);
            case 0xdd:
                return array(b, u32(b), depth, limits);
            case 0xde:
                return map(b, u16(b), depth, limits);
            case 0xdf:
                return map(b, u32(b), depth, limits);
            default:
                throw new WireFormatException(String.format("unsupported msgpack type byte 0x%02x", t));
        }
    }

    private static String string(ByteBuffer b, long len) {
        need(b, len, "string");
        int start = b.position();
        int n = (int) len;
        b.position(start + n);
        boolean ascii = true;
        for (int i = start; i < start + n && ascii; i++) {
            ascii = b.get(i) >= 0;
        }
        if (ascii) {
            // keys, field names and tags: ASCII needs no validating decoder
            byte[] a = new byte[n];
            b.get(start, a);
            return new String(a, StandardCharsets.US_ASCII);
        }
        try {
            // a new decoder reports malformed and unmappable input (String's constructor would replace it)
            return StandardCharsets.UTF_8.newDecoder().decode(b.slice(start, n)).toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException("string is not valid UTF-8");
        }
    }

    private static byte[] binary(ByteBuffer b, long len) {
        need(b, len, "binary");
        byte[] out = new byte[(int) len];
        b.get(out);
        return out;
    }

    private static List<Object> array(ByteBuffer b, long n, int depth, WireLimits limits) {
        checkDepth(depth, limits);
        need(b, n, "array");
        List<Object> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(read(b, depth + 1, limits));
        }
        return Collections.unmodifiableList(out);
    }

    private static Map<String, Object> map(ByteBuffer b, long n, int depth, WireLimits limits) {
        checkDepth(depth, limits);
        need(b, 2 * n, "map");
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, (int) n * 2));
        for (long i = 0; i < n; i++) {
            Object k = read(b, depth + 1, limits);
            if (!(k instanceof String key)) {
                throw new WireFormatException("map key is not a string");
            }
            Object v = read(b, depth + 1, limits);
            int before = out.size();
            out.put(key, v);
            if (out.size() == before) {
                throw new WireFormatException("duplicate map key '" + key + "'");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static void checkDepth(int depth, WireLimits limits) {
        if (depth >= limits.maxDepth()) {
            throw new WireFormatException("envelope nested deeper than " + limits.maxDepth() + " levels");
        }
    }
}
