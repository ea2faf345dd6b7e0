package io.transferqueue.spi;

import static java.util.Objects.requireNonNull;

import io.transferqueue.meta.FieldSchema;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a put produced, for the controller's one-transition notify: the schema of every field written
 * (O(F) for dense fields) and, per field, the backend meta of every row (null entries where a backend
 * needs none; the map is empty for backends that route without meta).
 */
public record PutResult(SortedMap<String, FieldSchema> schema, Map<String, List<Object>> backendMeta) {
    public PutResult {
        schema = Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(schema, "schema is null")));
        backendMeta = Map.copyOf(requireNonNull(backendMeta, "backendMeta is null"));
    }

    /** A result without backend meta. */
    public static PutResult of(Map<String, FieldSchema> schema) {
        return new PutResult(new TreeMap<>(schema), Map.of());
    }
}
