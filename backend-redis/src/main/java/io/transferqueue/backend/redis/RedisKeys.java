package io.transferqueue.backend.redis;

import io.lettuce.core.cluster.SlotHash;

/**
 * The Redis key of a {@code KvStorageManager} key, and its hash slot.
 *
 * <p>Redis Cluster hashes only the part between the first {@code {} and the next {@code }} when that part is
 * not empty (a hash tag). A partition or field called {@code {x}} would therefore pull all its cells into one
 * slot, on one node. To keep every cell spread by its whole name, a key that contains {@code {} gets an empty
 * tag {@code {}} inserted before its first {@code {}: Redis then hashes the whole key. Keys without {@code {}
 * are used as they are. The mapping is injective (a key with {@code {} maps to one with {@code {}}, and the
 * inserted pair is recognisable as the first {@code {}), so distinct cells never share a Redis key. The same
 * names are used in standalone mode, so keys look the same in both modes.
 */
final class RedisKeys {
    private RedisKeys() {
    }

    /** The key sent to Redis for {@code key}. */
    static String redisKey(String key) {
        int brace = key.indexOf('{');
        if (brace < 0) {
            return key;
        }
        return new StringBuilder(key.length() + 2).append(key, 0, brace).append("{}").append(key, brace, key.length())
                .toString();
    }

    /** The hash slot of a Redis key (as Redis Cluster computes it, over its UTF-8 bytes). */
    static int slot(String redisKey) {
        return SlotHash.getSlot(redisKey);
    }
}
