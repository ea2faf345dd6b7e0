package io.transferqueue.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safe value types that object columns, tags, backend meta and extra info may hold, and the
 * one place that checks them: {@code null}, {@link Boolean}, {@link Long} (also {@link Integer},
 * {@link Short}, {@link Byte}, normalized to Long), {@link Double} (also {@link Float}, normalized to
 * Double), {@link String}, {@code byte[]}, {@link List} and {@link Map} with String keys, nested to at
 * most {@value #MAX_DEPTH} levels.
 *
 * <p>Every value that crosses a process boundary is one of these, encoded as msgpack: never a Java
 * serialized object.
 */
public final class ObjectValues {
    /** Maximum nesting of lists and maps. */
    public static final int MAX_DEPTH = 64;

    private static final String SUPPORTED = "supported: null, Boolean, Long/Integer, Double/Float, String, byte[], "
            + "List, Map<String, ?>";

    private ObjectValues() {
    }

    /**
     * Checks {@code value} and returns it normalized and immutable: integers become Long, floats Double,
     * lists and maps unmodifiable copies (which may hold null), byte arrays copies.
     *
     * @param where describes the value's place for the error message, e.g. {@code field 'x' row 3}
     * @throws IllegalArgumentException naming {@code where}, the path inside the value and the type
     */
    public static Object normalize(Object value, String where) {
        return normalize(value, where, "", 0);
    }

    private static Object normalize(Object v, String where, String path, int depth) {
        if (v instanceof String str) {
            checkUnicode(str, where, path);
            return str;
        }
        if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException(where + ": value nested deeper than " + MAX_DEPTH + " levels at "
                    + pathOrRoot(path));
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            int i = 0;
            for (Object e : list) {
                out.add(normalize(e, where, path + "[" + i + "]", depth + 1));
                i++;
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException(where + ": map key " + e.getKey() + " of type "
                            + typeName(e.getKey()) + " at " + pathOrRoot(path) + " is not a String");
                }
                checkUnicode(key, where, path + " (a key)");
                out.put(key, normalize(e.getValue(), where, path + "." + key, depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        throw new IllegalArgumentException(where + ": unsupported value of type " + typeName(v) + " at "
                + pathOrRoot(path) + "; " + SUPPORTED);
    }

    private static void checkUnicode(String s, String where, String path) {
        int bad = firstUnpairedSurrogate(s);
        if (bad >= 0) {
            throw new IllegalArgumentException(where + ": string at " + pathOrRoot(path) + " has an unpaired surrogate "
                    + String.format("U+%04X", (int) s.charAt(bad)) + " at index " + bad
                    + "; it cannot be encoded as UTF-8");
        }
    }

    /**
     * Index of the first unpaired surrogate in {@code s}, or -1 if {@code s} is well-formed UTF-16 (and so
     * has an exact UTF-8 encoding). Strings that are not would be silently changed by an encoder.
     */
    public static int firstUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Normalizes a String-keyed map (tags, extra info); {@code null} becomes an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> normalizeMap(Map<String, ?> map, String where) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        return (Map<String, Object>) normalize(map, where);
    }

    private static String pathOrRoot(String path) {
        return path.isEmpty() ? "the top level" : path;
    }

    private static String typeName(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    /** Deep equality that compares byte arrays by content. */
    public static boolean deepEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            while (i.hasNext()) {
                if (!deepEquals(i.next(), j.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Hash consistent with {@link #deepEquals}. */
    public static int deepHash(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof byte[] b) {
            return Arrays.hashCode(b);
        }
        if (v instanceof List<?> list) {
            int h = 1;
            for (Object e : list) {
                h = 31 * h + deepHash(e);
            }
            return h;
        }
        if (v instanceof Map<?, ?> map) {
            int h = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                h += e.getKey().hashCode() ^ deepHash(e.getValue());
            }
            return h;
        }
        return v.hashCode();
    }

    /**
     * Approximate payload bytes of a value: UTF-8 length of strings, length of byte arrays, 8 for
     * numbers, 1 for booleans, the sum for containers (keys included). Used for byte accounting.
     */
    public static long estimateSize(Object v) {
        if (v == null || v instanceof Boolean) {
            return 1;
        }
        if (v instanceof Number) {
            return 8;
        }
        if (v instanceof String s) {
            return utf8Length(s);
        }
        if (v instanceof byte[] b) {
            return b.length;
        }
        long n = 0;
        if (v instanceof List<?> list) {
            for (Object e : list) {
                n += estimateSize(e);
            }
        } else if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                n += utf8Length((String) e.getKey()) + estimateSize(e.getValue());
            }
        }
        return n;
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
