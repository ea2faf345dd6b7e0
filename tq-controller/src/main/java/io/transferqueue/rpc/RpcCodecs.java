package io.transferqueue.rpc;

import io.transferqueue.client.FetchMode;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.controller.KvRows;
import io.transferqueue.controller.ProduceNotice;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.SamplingParams;
import io.transferqueue.wire.BatchMetaCodec;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.SchemaCodec;
import io.transferqueue.wire.WireLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envelope forms of the controller protocol's request and response bodies. Every decoder checks types and
 * sizes and fails with {@link WireFormatException}, never with a ClassCastException; a well-formed request
 * outside the bounds of {@link GetMetaRequest} or {@link SamplingParams} fails with the same
 * {@link io.transferqueue.error.InvalidRequestException} an in-process caller gets.
 */
final class RpcCodecs {
    static final WireLimits LIMITS = WireLimits.DEFAULT;

    private RpcCodecs() {
    }

    static Map<String, Object> meta(BatchMeta m) {
        return BatchMetaCodec.encode(m, false);
    }

    /** A meta for a client: extra info (e.g. the exhausted flag) is part of the answer. */
    static Map<String, Object> metaForClient(BatchMeta m) {
        return BatchMetaCodec.encode(m, true);
    }

    static BatchMeta meta(Map<String, Object> body, String key) {
        return BatchMetaCodec.decode(Envelope.getMap(body, key), LIMITS);
    }

    static Map<String, Object> request(GetMetaRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partition", r.partition());
        m.put("mode", r.mode().name());
        m.put("fields", new ArrayList<Object>(r.fields()));
        m.put("batchSize", (long) r.batchSize());
        m.put("task", r.task());
        m.put("sampler", r.sampler());
        SamplingParams s = r.sampling();
        m.put("dpRank", s.dpRank() == null ? null : (long) s.dpRank());
        m.put("dpSize", s.dpSize() == null ? null : (long) s.dpSize());
        m.put("batchIndex", s.batchIndex() == null ? null : (long) s.batchIndex());
        m.put("extra", s.extra());
        m.put("waitMillis", r.maxWait().toMillis());
        return m;
    }

    static GetMetaRequest request(Map<String, Object> m) {
        FetchMode mode;
        try {
            mode = FetchMode.valueOf(Envelope.getString(m, "mode"));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("unknown fetch mode '" + m.get("mode") + "'");
        }
        SamplingParams s;
        try {
            s = new SamplingParams(optInt(m, "dpRank"), optInt(m, "dpSize"), optInt(m, "batchIndex"),
                    Envelope.getMap(m, "extra"));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("bad sampling parameters: " + e.getMessage());
        }
        long wait = Envelope.getLong(m, "waitMillis");
        if (wait < 0) {
            throw new WireFormatException("negative wait " + wait);
        }
        int batch = Envelope.getInt(m, "batchSize", 0, Integer.MAX_VALUE);
        return new GetMetaRequest(Envelope.getString(m, "partition"), mode, strings(m, "fields"), batch,
                Envelope.optString(m, "task", null), Envelope.optString(m, "sampler", null), s, Duration.ofMillis(wait));
    }

    static Map<String, Object> notice(ProduceNotice n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", meta(n.rows()));
        Map<String, Object> schema = new LinkedHashMap<>();
        n.schema().forEach((f, s) -> schema.put(f, SchemaCodec.encode(s)));
        m.put("schema", schema);
        Map<String, Object> backend = new LinkedHashMap<>();
        n.backendMeta().forEach((f, l) -> backend.put(f, new ArrayList<>(l)));
        m.put("backend", backend);
        m.put("tags", n.tags() == null ? null : new ArrayList<Object>(n.tags()));
        m.put("tagMode", n.tagMode().name());
        m.put("keys", n.keys() == null ? null : new ArrayList<Object>(n.keys()));
        return m;
    }

    @SuppressWarnings("unchecked")
    static ProduceNotice notice(Map<String, Object> m) {
        BatchMeta rows = meta(m, "rows");
        Map<String, FieldSchema> schema = new LinkedHashMap<>();
        Envelope.getMap(m, "schema").forEach((f, s) -> schema.put(f, SchemaCodec.decode(Envelope.asMap(s,
                "schema of '" + f + "'"), rows.size())));
        Map<String, List<Object>> backend = new LinkedHashMap<>();
        Envelope.getMap(m, "backend").forEach((f, l) -> {
            if (!(l instanceof List)) {
                throw new WireFormatException("backend meta of '" + f + "' is not a list");
            }
            backend.put(f, (List<Object>) l);
        });
        List<Map<String, Object>> tags = null;
        if (m.get("tags") != null) {
            tags = new ArrayList<>();
            for (Object t : Envelope.getList(m, "tags")) {
                tags.add(t == null ? null : Envelope.asMap(t, "tags"));
            }
        }
        TagMode mode;
        try {
            mode = TagMode.valueOf(Envelope.getString(m, "tagMode"));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("unknown tag mode '" + m.get("tagMode") + "'");
        }
        List<String> keys = m.get("keys") == null ? null : strings(m, "keys");
        try {
            return new ProduceNotice(rows, schema, backend, tags, mode, keys);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("bad notice: " + e.getMessage());
        }
    }

    /** A check before a write: the rows and, per field, only kind, dtype and rank (no per-row shapes). */
    static Map<String, Object> checkProduce(BatchMeta rows, Map<String, FieldSchema> schema) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", meta(rows));
        Map<String, Object> types = new LinkedHashMap<>();
        schema.forEach((f, s) -> types.put(f, SchemaCodec.encode(s.kind() == ColumnKind.JAGGED
                ? FieldSchema.jaggedFlat(s.dtype(), s.rank(), new int[0]) : s)));
        m.put("schema", types);
        return m;
    }

    static Map<String, FieldSchema> schemaTypes(Map<String, Object> m) {
        Map<String, FieldSchema> schema = new LinkedHashMap<>();
        Envelope.getMap(m, "schema").forEach((f, s) -> schema.put(f, SchemaCodec.decode(Envelope.asMap(s,
                "schema of '" + f + "'"), 0)));
        return schema;
    }

    static Map<String, Object> held(Map<String, boolean[]> held) {
        Map<String, Object> flags = new LinkedHashMap<>();
        held.forEach((f, h) -> {
            byte[] b = new byte[h.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (h[i] ? 1 : 0);
            }
            flags.put(f, b);
        });
        return Map.of("held", flags);
    }

    static Map<String, boolean[]> held(Map<String, Object> m, int rows) {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        Envelope.getMap(m, "held").forEach((f, v) -> {
            if (!(v instanceof byte[] b) || b.length != rows) {
                throw new WireFormatException("held flags of '" + f + "' are not " + rows + " bytes");
            }
            boolean[] h = new boolean[rows];
            for (int i = 0; i < rows; i++) {
                h[i] = b[i] != 0;
            }
            out.put(f, h);
        });
        return out;
    }

    static Map<String, Object> kvRows(KvRows r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("meta", meta(r.meta()));
        m.put("keys", new ArrayList<Object>(r.keys()));
        m.put("missing", new ArrayList<Object>(r.missing()));
        byte[] created = new byte[r.created().length];
        for (int i = 0; i < created.length; i++) {
            created[i] = (byte) (r.created()[i] ? 1 : 0);
        }
        m.put("created", created);
        return m;
    }

    static KvRows kvRows(Map<String, Object> m) {
        BatchMeta meta = meta(m, "meta");
        byte[] c = Envelope.getBytes(m, "created");
        List<String> keys = strings(m, "keys");
        if (keys.size() != meta.size() || c.length != meta.size()) {
            throw new WireFormatException("KV rows: " + keys.size() + " keys and " + c.length + " flags for "
                    + meta.size() + " rows");
        }
        boolean[] created = new boolean[c.length];
        for (int i = 0; i < c.length; i++) {
            created[i] = c[i] != 0;
        }
        return new KvRows(meta, keys, strings(m, "missing"), created);
    }

    static Map<String, Object> stats(PartitionStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partition", s.partition());
        m.put("rows", s.rows());
        m.put("produced", new LinkedHashMap<String, Object>(s.producedPerField()));
        m.put("consumed", new LinkedHashMap<String, Object>(s.consumedPerTask()));
        m.put("complete", s.complete());
        m.put("expectedRows", s.expectedRows());
        return m;
    }

    static PartitionStats stats(Map<String, Object> m) {
        return new PartitionStats(Envelope.getString(m, "partition"), Envelope.getLong(m, "rows"),
                longs(Envelope.getMap(m, "produced")), longs(Envelope.getMap(m, "consumed")),
                Envelope.getBoolean(m, "complete"), Envelope.getLong(m, "expectedRows"));
    }

    static List<String> strings(Map<String, Object> m, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : Envelope.getList(m, key)) {
            if (!(o instanceof String s)) {
                throw new WireFormatException("entry of '" + key + "' is not a string");
            }
            out.add(s);
        }
        return out;
    }

    static Map<String, String> stringMap(Map<String, Object> m, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        Envelope.getMap(m, key).forEach((k, v) -> {
            if (!(v instanceof String s)) {
                throw new WireFormatException("value of '" + k + "' in '" + key + "' is not a string");
            }
            out.put(k, s);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> tagsByKey(Map<String, Object> m) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, Envelope.asMap(v, "tags of '" + k + "'")));
        return out;
    }

    private static Map<String, Long> longs(Map<String, Object> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (!(v instanceof Long l)) {
                throw new WireFormatException("count of '" + k + "' is not an integer");
            }
            out.put(k, l);
        });
        return out;
    }

    private static Integer optInt(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new WireFormatException("'" + key + "' must be an int");
        }
        return l.intValue();
    }
}
