package io.transferqueue.client;

import io.transferqueue.data.Batch;
import java.util.List;

/**
 * Result of a KV read: row {@code i} of {@code batch} belongs to {@code keys.get(i)}.
 *
 * @param keys the keys read, in request order
 * @param batch their fields
 * @param missing requested keys that do not exist (only with {@link KvGetOptions#skipMissing()})
 */
public record KvData(List<String> keys, Batch batch, List<String> missing) {
    public KvData {
        keys = List.copyOf(keys);
        missing = List.copyOf(missing);
    }
}
