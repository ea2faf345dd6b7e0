package io.transferqueue.controller;

import static java.util.Objects.requireNonNull;

import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.TagMode;
import java.util.List;
import java.util.Map;

/**
 * "These cells are now stored": the one transition that makes rows ready, carrying everything a sampler
 * may look at, so no reader ever sees a ready row without its tags or backend meta.
 *
 * @param rows the rows (handles only are read; rows may span partitions)
 * @param schema field → schema of the rows written (jagged schemas aligned with {@code rows})
 * @param backendMeta field → per-row backend meta aligned with {@code rows} (may be empty)
 * @param tags per-row tags aligned with {@code rows}, or null
 * @param tagMode how {@code tags} combine with existing tags
 * @param keys per-row KV keys to make visible (reserved by {@code kvPrepare}), or null
 */
public record ProduceNotice(BatchMeta rows, Map<String, FieldSchema> schema, Map<String, List<Object>> backendMeta,
        List<Map<String, Object>> tags, TagMode tagMode, List<String> keys) {
    public ProduceNotice {
        requireNonNull(rows, "rows is null");
        schema = Map.copyOf(requireNonNull(schema, "schema is null"));
        backendMeta = backendMeta == null ? Map.of() : Map.copyOf(backendMeta);
        tagMode = tagMode == null ? TagMode.MERGE : tagMode;
        int n = rows.size();
        schema.forEach((f, s) -> {
            if (s.rowCount() >= 0 && s.rowCount() != n) {
                throw new IllegalArgumentException("schema of field '" + f + "' covers " + s.rowCount() + " rows, notice "
                        + "has " + n);
            }
        });
        backendMeta.forEach((f, l) -> {
            if (l.size() != n) {
                throw new IllegalArgumentException("backend meta of field '" + f + "' has " + l.size() + " entries for "
                        + n + " rows");
            }
        });
        if (tags != null && tags.size() != n) {
            throw new IllegalArgumentException(tags.size() + " tag maps for " + n + " rows");
        }
        if (keys != null && keys.size() != n) {
            throw new IllegalArgumentException(keys.size() + " keys for " + n + " rows");
        }
    }

    /** Fields only. */
    public static ProduceNotice of(BatchMeta rows, Map<String, FieldSchema> schema,
            Map<String, List<Object>> backendMeta) {
        return new ProduceNotice(rows, schema, backendMeta, null, TagMode.MERGE, null);
    }
}
