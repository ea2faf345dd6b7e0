package io.transferqueue.sampler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Results a sampler remembers per partition, keyed by (task, dp rank, batch index) or any other key, dropped
 * with the partition. Thread-safe.
 *
 * @param <V> cached value
 */
final class SamplerCache<V> {
    private final Map<String, Map<Object, V>> byPartition = new ConcurrentHashMap<>();

    V get(String partition, Object key) {
        Map<Object, V> m = byPartition.get(partition);
        return m == null ? null : m.get(key);
    }

    V putIfAbsent(String partition, Object key, V value) {
        V prev = byPartition.computeIfAbsent(partition, p -> new ConcurrentHashMap<>()).putIfAbsent(key, value);
        return prev == null ? value : prev;
    }

    V computeIfAbsent(String partition, Object key, Supplier<V> value) {
        return byPartition.computeIfAbsent(partition, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(key, k -> value.get());
    }

    void drop(String partition) {
        byPartition.remove(partition);
    }

    int size(String partition) {
        Map<Object, V> m = byPartition.get(partition);
        return m == null ? 0 : m.size();
    }
}
