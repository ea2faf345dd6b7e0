package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.CRC16;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.KvStorageManager;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisKeysTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tq:p/0.0/f|tq:p/0.0/f",
        "tq:{p}/0.0/f|tq:{}{p}/0.0/f",
        "tq:p/0.0/{f}|tq:p/0.0/{}{f}",
        "tq:a}b{c/1.2/{d}|tq:a}b{}{c/1.2/{d}",
        "{|{}{",
        "''|''",
    })
    void aKeyWithABraceGetsAnEmptyHashTagBeforeItsFirstBrace(String key, String redisKey) {
        assertThat(RedisKeys.redisKey(key)).isEqualTo(redisKey);
    }

    @Test
    void braceFreeKeysAreSentAsTheyAre() {
        String key = KvStorageManager.key("tq:", new RowHandle("train/0%", 12, 3), "input_ids");
        assertThat(RedisKeys.redisKey(key)).isSameAs(key);
    }

    /** Redis hashes the whole key: the slot is CRC16 of all its bytes, whatever braces the names hold. */
    @Test
    void theSlotOfARewrittenKeyIsTheHashOfTheWholeKey() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            String partition = "{" + randomName(random) + "}" + randomName(random);
            String field = randomName(random) + "{x}";
            String rk = RedisKeys.redisKey(KvStorageManager.key("tq:", new RowHandle(partition, i, 0), field));
            byte[] bytes = rk.getBytes(StandardCharsets.UTF_8);
            assertThat(RedisKeys.slot(rk)).as(rk).isEqualTo(CRC16.crc16(bytes) % SlotHash.SLOT_COUNT);
        }
    }

    @Test
    void rowsOfAPartitionNamedWithATagSpreadOverManySlots() {
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            slots.add(RedisKeys.slot(RedisKeys.redisKey(KvStorageManager.key("tq:", new RowHandle("{p}", i, 0), "f"))));
        }
        assertThat(slots).hasSizeGreaterThan(900);
        assertThat(SlotHash.getSlot("tq:{p}/1.0/f")).as("without the rewrite, every row would share one slot")
                .isEqualTo(SlotHash.getSlot("tq:{p}/2.0/f"));
    }

    /** Distinct keys never share a Redis key: seeded random names made mostly of braces and separators. */
    @Test
    void theRewriteIsInjective() {
        long seed = 20261121L;
        Random random = new Random(seed);
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            String key = randomName(random);
            String prev = seen.put(RedisKeys.redisKey(key), key);
            assertThat(prev == null || prev.equals(key)).as("seed %d: '%s' and '%s' map to one Redis key", seed, prev,
                    key).isTrue();
        }
    }

    private static String randomName(Random r) {
        String alphabet = "{}{}/%.ab";
        int n = r.nextInt(7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
