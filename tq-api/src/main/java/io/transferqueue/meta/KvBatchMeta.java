package io.transferqueue.meta;

import static java.util.Objects.requireNonNull;

import io.transferqueue.data.Batch;
import io.transferqueue.data.ObjectValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Metadata returned by the key-value API: the keys of one partition, their tags, the fields they all
 * have, and client-side extra info. Immutable.
 */
public final class KvBatchMeta {
    private final List<String> keys;
    private final List<Map<String, Object>> tags;
    private final String partition;
    private final List<String> fields;
    private final Map<String, Object> extraInfo;

    /**
     * @param keys distinct keys
     * @param tags one map per key (null or empty list: no tags)
     * @param partition the partition of every key
     * @param fields distinct field names (null: none)
     * @param extraInfo client-side info (null: none)
     * @throws IllegalArgumentException on duplicate keys or fields, or a tags list of another length
     */
    public KvBatchMeta(List<String> keys, List<? extends Map<String, ?>> tags, String partition, List<String> fields,
            Map<String, ?> extraInfo) {
        requireNonNull(keys, "keys is null");
        this.partition = requireNonNull(partition, "partition is null");
        if (new HashSet<>(keys).size() != keys.size()) {
            throw new IllegalArgumentException("duplicate keys in " + keys);
        }
        this.keys = List.copyOf(keys);
        List<Map<String, Object>> tg = new ArrayList<>(keys.size());
        if (tags == null || tags.isEmpty()) {
            for (int i = 0; i < keys.size(); i++) {
                tg.add(Map.of());
            }
        } else {
            if (tags.size() != keys.size()) {
                throw new IllegalArgumentException("keys and tags must have the same length, got " + keys.size()
                        + " and " + tags.size());
            }
            for (int i = 0; i < tags.size(); i++) {
                tg.add(ObjectValues.normalizeMap(tags.get(i), "tags of key '" + keys.get(i) + "'"));
            }
        }
        this.tags = Collections.unmodifiableList(tg);
        List<String> fs = fields == null ? List.of() : List.copyOf(fields);
        if (new HashSet<>(fs).size() != fs.size()) {
            throw new IllegalArgumentException("duplicate fields in " + fs);
        }
        this.fields = fs;
        this.extraInfo = ObjectValues.normalizeMap(extraInfo, "extra info");
    }

    public List<String> keys() {
        return keys;
    }

    public List<Map<String, Object>> tags() {
        return tags;
    }

    public String partition() {
        return partition;
    }

    /** The fields every key has (sorted as given). */
    public List<String> fields() {
        return fields;
    }

    public Map<String, Object> extraInfo() {
        return extraInfo;
    }

    public int size() {
        return keys.size();
    }

    /**
     * The given keys in the given order, with their tags.
     *
     * @throws IllegalArgumentException on duplicates or keys this meta does not have (naming them)
     */
    public KvBatchMeta selectKeys(List<String> selected) {
        if (new HashSet<>(selected).size() != selected.size()) {
            throw new IllegalArgumentException("duplicate keys in " + selected);
        }
        Map<String, Integer> pos = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            pos.put(keys.get(i), i);
        }
        Set<String> missing = new TreeSet<>();
        List<Map<String, Object>> tg = new ArrayList<>();
        for (String k : selected) {
            Integer p = pos.get(k);
            if (p == null) {
                missing.add(k);
            } else {
                tg.add(tags.get(p));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("keys " + missing + " not found in this batch");
        }
        return new KvBatchMeta(selected, tg, partition, fields, extraInfo);
    }

    /**
     * Keys (and tags) permuted: position {@code j} of the result is position {@code order[j]} here.
     *
     * @throws IllegalArgumentException if {@code order} is not a permutation of {@code [0, size)}
     */
    public KvBatchMeta reorder(int... order) {
        if (order.length != size()) {
            throw new IllegalArgumentException("reorder needs " + size() + " positions, got " + order.length);
        }
        boolean[] seen = new boolean[size()];
        List<String> ks = new ArrayList<>(size());
        List<Map<String, Object>> tg = new ArrayList<>(size());
        for (int p : order) {
            if (p < 0 || p >= size() || seen[p]) {
                throw new IllegalArgumentException("reorder positions must be a permutation of [0, " + size()
                        + "), got " + p + (p >= 0 && p < size() ? " twice" : ""));
            }
            seen[p] = true;
            ks.add(keys.get(p));
            tg.add(tags.get(p));
        }
        return new KvBatchMeta(ks, tg, partition, fields, extraInfo);
    }

    /** Splits into {@code n} chunks with the balanced rule (10 keys in 3: 4, 3, 3). */
    public List<KvBatchMeta> chunk(int n) {
        int[] b = Batch.chunkBounds(size(), n);
        List<KvBatchMeta> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new KvBatchMeta(keys.subList(b[i], b[i + 1]), tags.subList(b[i], b[i + 1]), partition, fields,
                    extraInfo));
        }
        return out;
    }

    /**
     * Appends key lists of one partition with the same fields. Extra info values must agree (a null value
     * conflicts with any other). Parts without keys are skipped; if no part has keys the first is returned.
     *
     * @throws IllegalArgumentException on different partitions, field sets, duplicate keys or conflicting
     *     extra info
     */
    public static KvBatchMeta concat(List<KvBatchMeta> parts) {
        requireNonNull(parts, "parts is null");
        List<KvBatchMeta> ps = new ArrayList<>();
        for (KvBatchMeta m : parts) {
            if (m != null && m.size() > 0) {
                ps.add(m);
            }
        }
        if (ps.isEmpty()) {
            // no keys anywhere: the first part still says which partition and fields
            for (KvBatchMeta m : parts) {
                if (m != null) {
                    return m;
                }
            }
            throw new IllegalArgumentException("KvBatchMeta.concat needs at least one part (to know the partition)");
        }
        KvBatchMeta first = ps.get(0);
        List<String> ks = new ArrayList<>();
        List<Map<String, Object>> tg = new ArrayList<>();
        Map<String, Object> extra = new LinkedHashMap<>();
        for (KvBatchMeta m : ps) {
            if (!m.partition.equals(first.partition)) {
                throw new IllegalArgumentException("partitions differ in concat: " + first.partition + " vs "
                        + m.partition);
            }
            if (!new HashSet<>(m.fields).equals(new HashSet<>(first.fields))) {
                throw new IllegalArgumentException("fields differ in concat: " + first.fields + " vs " + m.fields);
            }
            for (Map.Entry<String, Object> e : m.extraInfo.entrySet()) {
                if (!extra.containsKey(e.getKey())) {
                    extra.put(e.getKey(), e.getValue());
                } else if (!ObjectValues.deepEquals(extra.get(e.getKey()), e.getValue())) {
                    throw new IllegalArgumentException("extra info key '" + e.getKey()
                            + "' has conflicting values across parts");
                }
            }
            ks.addAll(m.keys);
            tg.addAll(m.tags);
        }
        return new KvBatchMeta(ks, tg, first.partition, first.fields, extra);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof KvBatchMeta m && keys.equals(m.keys) && partition.equals(m.partition)
                && fields.equals(m.fields) && ObjectValues.deepEquals(tags, m.tags)
                && ObjectValues.deepEquals(extraInfo, m.extraInfo));
    }

    @Override
    public int hashCode() {
        return 31 * keys.hashCode() + partition.hashCode();
    }

    @Override
    public String toString() {
        return "KvBatchMeta(" + partition + ", " + keys.size() + " keys, fields " + fields + ")";
    }
}
