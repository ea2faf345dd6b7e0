package io.transferqueue.controller;

import io.transferqueue.meta.BatchMeta;
import java.util.List;

/**
 * Rows of KV keys.
 *
 * @param meta one row per found key, in request order
 * @param keys the key of each row of {@code meta}
 * @param missing requested keys that do not exist (only when the caller asked to skip them)
 * @param created per row, true if this call reserved a new row for the key ({@code kvPrepare})
 */
public record KvRows(BatchMeta meta, List<String> keys, List<String> missing, boolean[] created) {
    public KvRows {
        keys = List.copyOf(keys);
        missing = List.copyOf(missing);
    }
}
