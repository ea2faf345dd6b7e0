package io.transferqueue.wire;

import io.transferqueue.error.WireFormatException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envelope form of a {@link BatchMeta}: columnar, with the per-row arrays (global indexes, generations,
 * partition numbers, ready flags) as little-endian binary, so a meta of B rows costs O(B) bytes and no
 * per-row objects. Stateless.
 */
public final class BatchMetaCodec {
    private BatchMetaCodec() {
    }

    /**
     * @param includeExtraInfo false for messages to the controller, which never sees extra info
     */
    public static Map<String, Object> encode(BatchMeta meta, boolean includeExtraInfo) {
        int n = meta.size();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", (long) n);
        List<String> parts = meta.distinctPartitions();
        m.put("parts", new ArrayList<Object>(parts));
        if (parts.size() > 1) {
            Map<String, Integer> idx = new HashMap<>();
            for (int i = 0; i < parts.size(); i++) {
                idx.put(parts.get(i), i);
            }
            int[] pidx = new int[n];
            for (int i = 0; i < n; i++) {
                pidx[i] = idx.get(meta.partition(i));
            }
            m.put("pidx", Envelope.packInts(pidx));
        }
        m.put("gi", Envelope.packLongs(meta.globalIndexes()));
        m.put("gen", Envelope.packInts(meta.generations()));
        byte[] ready = new byte[n];
        for (int i = 0; i < n; i++) {
            ready[i] = (byte) (meta.isReady(i) ? 1 : 0);
        }
        m.put("ready", ready);
        Map<String, Object> schema = new LinkedHashMap<>();
        meta.schema().forEach((f, s) -> schema.put(f, SchemaCodec.encode(s)));
        m.put("schema", schema);
        if (meta.hasTags()) {
            m.put("tags", new ArrayList<Object>(meta.tagsList()));
        }
        if (!meta.backendMetaFields().isEmpty()) {
            Map<String, Object> bm = new LinkedHashMap<>();
            for (String f : meta.backendMetaFields()) {
                bm.put(f, new ArrayList<>(meta.backendMetaColumn(f)));
            }
            m.put("backend", bm);
        }
        if (includeExtraInfo && !meta.extraInfo().isEmpty()) {
            m.put("extra", meta.extraInfo());
        }
        return m;
    }

    /**
     * @throws WireFormatException on any inconsistency
     */
    public static BatchMeta decode(Map<String, Object> m, WireLimits limits) {
        int n = Envelope.getInt(m, "n", 0, limits.maxRows());
        // the per-row arrays are checked against n before anything of size n is allocated: n alone is just a
        // number a peer claims, the arrays are bytes that arrived
        long[] gi = Envelope.getLongs(m, "gi", n);
        int[] gen = Envelope.getInts(m, "gen", n);
        byte[] readyBytes = Envelope.getBytes(m, "ready");
        if (readyBytes.length != n) {
            throw new WireFormatException("ready flags: " + readyBytes.length + " bytes for " + n + " rows");
        }
        List<Object> partsRaw = Envelope.getList(m, "parts");
        String[] parts = new String[partsRaw.size()];
        for (int i = 0; i < parts.length; i++) {
            if (!(partsRaw.get(i) instanceof String s)) {
                throw new WireFormatException("partition name " + i + " is not a string");
            }
            parts[i] = s;
        }
        String[] partitions = new String[n];
        if (m.containsKey("pidx")) {
            int[] pidx = Envelope.getInts(m, "pidx", n);
            for (int i = 0; i < n; i++) {
                if (pidx[i] < 0 || pidx[i] >= parts.length) {
                    throw new WireFormatException("row " + i + " refers to partition " + pidx[i] + " of " + parts.length);
                }
                partitions[i] = parts[pidx[i]];
            }
        } else if (n > 0) {
            if (parts.length != 1) {
                throw new WireFormatException("rows without partition numbers need exactly one partition, got "
                        + parts.length);
            }
            Arrays.fill(partitions, parts[0]);
        }
        boolean[] ready = new boolean[n];
        for (int i = 0; i < n; i++) {
            ready[i] = readyBytes[i] != 0;
        }
        BatchMeta.Builder b = BatchMeta.builder();
        try {
            b.rows(partitions, gi, gen).ready(ready);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("bad rows: " + e.getMessage());
        }
        Map<String, Object> schema = Envelope.getMap(m, "schema");
        schema.forEach((f, s) -> {
            FieldSchema fs = SchemaCodec.decode(Envelope.asMap(s, "schema of field '" + f + "'"), n);
            b.field(f, fs);
        });
        if (m.get("tags") != null) {
            List<Object> tags = Envelope.getList(m, "tags");
            if (tags.size() != n) {
                throw new WireFormatException(tags.size() + " tag maps for " + n + " rows");
            }
            List<Map<String, Object>> tg = new ArrayList<>(n);
            for (Object t : tags) {
                tg.add(t == null ? Map.of() : Envelope.asMap(t, "tags"));
            }
            b.tags(tg);
        }
        if (m.get("backend") != null) {
            Map<String, Object> bm = Envelope.getMap(m, "backend");
            bm.forEach((f, col) -> {
                if (!(col instanceof List<?> list) || list.size() != n) {
                    throw new WireFormatException("backend meta of field '" + f + "' is not a list of " + n + " values");
                }
                b.backendMeta(f, list);
            });
        }
        if (m.get("extra") != null) {
            b.extraInfo(Envelope.getMap(m, "extra"));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("bad batch meta: " + e.getMessage(), e);
        }
    }
}
