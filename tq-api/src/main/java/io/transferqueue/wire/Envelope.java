package io.transferqueue.wire;

import io.transferqueue.error.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from a decoded envelope map. A missing or mistyped entry is a {@link WireFormatException}
 * naming the key, never a ClassCastException.
 */
public final class Envelope {
    private Envelope() {
    }

    /** The entry, which must be present (it may be null only if {@code nullable}). */
    public static Object get(Map<String, Object> m, String key, boolean nullable) {
        if (!m.containsKey(key)) {
            throw new WireFormatException("envelope entry '" + key + "' is missing");
        }
        Object v = m.get(key);
        if (v == null && !nullable) {
            throw new WireFormatException("envelope entry '" + key + "' is null");
        }
        return v;
    }

    public static long getLong(Map<String, Object> m, String key) {
        Object v = get(m, key, false);
        if (!(v instanceof Long l)) {
            throw mistyped(key, "an integer", v);
        }
        return l;
    }

    /** An int in {@code [min, max]}. */
    public static int getInt(Map<String, Object> m, String key, int min, int max) {
        long v = getLong(m, key);
        if (v < min || v > max) {
            throw new WireFormatException("envelope entry '" + key + "' = " + v + " is outside [" + min + ", " + max
                    + "]");
        }
        return (int) v;
    }

    public static String getString(Map<String, Object> m, String key) {
        Object v = get(m, key, false);
        if (!(v instanceof String s)) {
            throw mistyped(key, "a string", v);
        }
        return s;
    }

    /** A string or null (the entry must be present). */
    public static String getNullableString(Map<String, Object> m, String key) {
        Object v = get(m, key, true);
        if (v != null && !(v instanceof String)) {
            throw mistyped(key, "a string", v);
        }
        return (String) v;
    }

    /** A string, or {@code dflt} if the entry is absent or null. */
    public static String optString(Map<String, Object> m, String key, String dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s)) {
            throw mistyped(key, "a string", v);
        }
        return s;
    }

    public static boolean getBoolean(Map<String, Object> m, String key) {
        Object v = get(m, key, false);
        if (!(v instanceof Boolean b)) {
            throw mistyped(key, "a boolean", v);
        }
        return b;
    }

    public static byte[] getBytes(Map<String, Object> m, String key) {
        Object v = get(m, key, false);
        if (!(v instanceof byte[] b)) {
            throw mistyped(key, "binary", v);
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> getList(Map<String, Object> m, String key) {
        Object v = get(m, key, false);
        if (!(v instanceof List)) {
            throw mistyped(key, "a list", v);
        }
        return (List<Object>) v;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> getMap(Map<String, Object> m, String key) {
        Object v = get(m, key, false);
        if (!(v instanceof Map)) {
            throw mistyped(key, "a map", v);
        }
        return (Map<String, Object>) v;
    }

    /** Casts a list element to a map, or fails naming the context. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object v, String what) {
        if (!(v instanceof Map)) {
            throw new WireFormatException(what + " is not a map");
        }
        return (Map<String, Object>) v;
    }

    /** A payload index that must exist in {@code payloads}. */
    public static ByteBuffer payload(Map<String, Object> m, String key, List<ByteBuffer> payloads) {
        int idx = getInt(m, key, 0, Integer.MAX_VALUE);
        if (idx >= payloads.size()) {
            throw new WireFormatException("envelope entry '" + key + "' refers to payload " + idx + " but the message has "
                    + payloads.size());
        }
        return payloads.get(idx).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** int32 little-endian array packed as binary. */
    public static byte[] packInts(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b.array();
    }

    /** int64 little-endian array packed as binary. */
    public static byte[] packLongs(long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return b.array();
    }

    /** Reads an int32 array of exactly {@code expected} entries ({@code -1}: any). */
    public static int[] getInts(Map<String, Object> m, String key, long expected) {
        byte[] b = getBytes(m, key);
        if (b.length % 4 != 0 || (expected >= 0 && b.length != expected * 4)) {
            throw new WireFormatException("envelope entry '" + key + "' has " + b.length + " bytes, expected "
                    + (expected >= 0 ? expected + " int32 values" : "a multiple of 4"));
        }
        int[] out = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    /** Reads an int64 array of exactly {@code expected} entries. */
    public static long[] getLongs(Map<String, Object> m, String key, long expected) {
        byte[] b = getBytes(m, key);
        if (b.length != expected * 8) {
            throw new WireFormatException("envelope entry '" + key + "' has " + b.length + " bytes, expected "
                    + expected + " int64 values");
        }
        long[] out = new long[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }

    private static WireFormatException mistyped(String key, String expected, Object v) {
        return new WireFormatException("envelope entry '" + key + "' must be " + expected + ", got "
                + (v == null ? "null" : v.getClass().getSimpleName()));
    }
}
