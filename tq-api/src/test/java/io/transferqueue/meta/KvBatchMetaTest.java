package io.transferqueue.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvBatchMetaTest {

    private static KvBatchMeta meta(int n) {
        List<String> keys = new ArrayList<>();
        List<Map<String, Object>> tags = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("k" + i);
            tags.add(Map.of("i", (long) i));
        }
        return new KvBatchMeta(keys, tags, "p", List.of("a", "b"), Map.of("step", 1L));
    }

    @Test
    void constructionCopiesAndDefaults() {
        List<String> keys = new ArrayList<>(List.of("x", "y"));
        Map<String, Object> tag = new HashMap<>(Map.of("t", 1L));
        List<Map<String, Object>> tags = new ArrayList<>(List.of(tag, Map.of()));
        Map<String, Object> extra = new HashMap<>(Map.of("e", 1L));
        KvBatchMeta m = new KvBatchMeta(keys, tags, "p", null, extra);
        keys.set(0, "z");
        tag.put("t", 2L);
        extra.put("e", 2L);
        assertThat(m.keys()).containsExactly("x", "y");
        assertThat(m.tags().get(0)).containsEntry("t", 1L);
        assertThat(m.extraInfo()).containsEntry("e", 1L);
        assertThat(m.fields()).isEmpty();
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.partition()).isEqualTo("p");
        assertThat(new KvBatchMeta(List.of("a"), null, "p", null, null).tags()).containsExactly(Map.of());
        assertThat(new KvBatchMeta(List.of("a"), List.of(), "p", null, null).extraInfo()).isEmpty();
        assertThatThrownBy(() -> m.keys().add("q")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.tags().get(0).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void constructionRejectsDuplicatesAndLengthMismatch() {
        assertThatThrownBy(() -> new KvBatchMeta(List.of("a", "a"), null, "p", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate keys");
        assertThatThrownBy(() -> new KvBatchMeta(List.of("a"), null, "p", List.of("f", "f"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate fields");
        assertThatThrownBy(() -> new KvBatchMeta(List.of("a", "b"), List.of(Map.of()), "p", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 and 1");
        assertThatThrownBy(() -> new KvBatchMeta(List.of("a"), null, null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("partition is null");
        assertThatThrownBy(() -> new KvBatchMeta(null, null, "p", null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("keys is null");
        assertThatThrownBy(() -> new KvBatchMeta(List.of("a"), List.of(Map.of("t", new Object())), "p", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tags of key 'a'");
    }

    @Test
    void selectKeysReordersTagsAndRejectsDuplicatesAndUnknownKeys() {
        KvBatchMeta m = meta(4);
        KvBatchMeta s = m.selectKeys(List.of("k3", "k0"));
        assertThat(s.keys()).containsExactly("k3", "k0");
        assertThat(s.tags()).containsExactly(Map.of("i", 3L), Map.of("i", 0L));
        assertThat(s.fields()).isEqualTo(m.fields());
        assertThat(s.extraInfo()).isEqualTo(m.extraInfo());
        assertThatThrownBy(() -> m.selectKeys(List.of("k1", "k1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> m.selectKeys(List.of("k1", "nope", "ghost")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[ghost, nope]").hasMessageContaining("not found");
        assertThat(m.selectKeys(List.of()).size()).isZero();
    }

    @Test
    void reorderPermutes() {
        KvBatchMeta m = meta(3);
        KvBatchMeta r = m.reorder(2, 0, 1);
        assertThat(r.keys()).containsExactly("k2", "k0", "k1");
        assertThat(r.tags().get(0)).containsEntry("i", 2L);
        assertThatThrownBy(() -> m.reorder(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 positions, got 2");
        assertThatThrownBy(() -> m.reorder(0, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 twice");
        assertThatThrownBy(() -> m.reorder(0, 1, 7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 7");
        assertThat(m.keys()).containsExactly("k0", "k1", "k2");
    }

    @Test
    void chunkSplits433AndConcatRestores() {
        KvBatchMeta m = meta(10);
        List<KvBatchMeta> chunks = m.chunk(3);
        assertThat(chunks).extracting(KvBatchMeta::size).containsExactly(4, 3, 3);
        assertThat(chunks.get(1).keys()).containsExactly("k4", "k5", "k6");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.partition()).isEqualTo("p");
            assertThat(c.fields()).containsExactly("a", "b");
            assertThat(c.extraInfo()).containsEntry("step", 1L);
        });
        assertThat(KvBatchMeta.concat(chunks)).isEqualTo(m);
        assertThat(m.chunk(12)).extracting(KvBatchMeta::size).endsWith(0, 0);
        assertThat(KvBatchMeta.concat(m.chunk(12))).isEqualTo(m);
        assertThatThrownBy(() -> m.chunk(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concatOfEmptyParts() {
        KvBatchMeta empty = new KvBatchMeta(List.of(), null, "p", List.of("a"), null);
        assertThat(KvBatchMeta.concat(List.of(empty, empty))).isEqualTo(empty);
        assertThat(KvBatchMeta.concat(empty.chunk(3))).isEqualTo(empty);
        assertThatThrownBy(() -> KvBatchMeta.concat(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concatConflicts() {
        KvBatchMeta a = new KvBatchMeta(List.of("a"), null, "p", List.of("x", "y"), Map.of("e", 1L));
        KvBatchMeta otherPartition = new KvBatchMeta(List.of("b"), null, "q", List.of("x", "y"), null);
        assertThatThrownBy(() -> KvBatchMeta.concat(List.of(a, otherPartition)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions differ")
                .hasMessageContaining("p").hasMessageContaining("q");
        KvBatchMeta otherFields = new KvBatchMeta(List.of("b"), null, "p", List.of("x"), null);
        assertThatThrownBy(() -> KvBatchMeta.concat(List.of(a, otherFields)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fields differ");
        KvBatchMeta sameFieldsOtherOrder = new KvBatchMeta(List.of("b"), null, "p", List.of("y", "x"), null);
        assertThat(KvBatchMeta.concat(List.of(a, sameFieldsOtherOrder)).keys()).containsExactly("a", "b");
        KvBatchMeta dupKey = new KvBatchMeta(List.of("a"), null, "p", List.of("x", "y"), null);
        assertThatThrownBy(() -> KvBatchMeta.concat(List.of(a, dupKey)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate keys");
        KvBatchMeta conflict = new KvBatchMeta(List.of("c"), null, "p", List.of("x", "y"), Map.of("e", 2L));
        assertThatThrownBy(() -> KvBatchMeta.concat(List.of(a, conflict)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'e'");
        KvBatchMeta nullValue = new KvBatchMeta(List.of("d"), null, "p", List.of("x", "y"),
                Collections.singletonMap("e", null));
        assertThatThrownBy(() -> KvBatchMeta.concat(List.of(nullValue, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'e'");
        assertThatThrownBy(() -> KvBatchMeta.concat(List.of(a, nullValue)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'e'");
        KvBatchMeta agree = new KvBatchMeta(List.of("c"), null, "p", List.of("x", "y"), Map.of("e", 1L, "f", 2L));
        assertThat(KvBatchMeta.concat(List.of(a, agree)).extraInfo()).containsOnlyKeys("e", "f");
    }

    @Test
    void equality() {
        assertThat(meta(3)).isEqualTo(meta(3)).hasSameHashCodeAs(meta(3));
        assertThat(meta(3)).isNotEqualTo(meta(2)).isNotEqualTo(meta(3).reorder(1, 0, 2));
        KvBatchMeta bytes1 = new KvBatchMeta(List.of("a"), List.of(Map.of("b", new byte[] {1})), "p", null, null);
        KvBatchMeta bytes2 = new KvBatchMeta(List.of("a"), List.of(Map.of("b", new byte[] {1})), "p", null, null);
        assertThat(bytes1).isEqualTo(bytes2);
        assertThat(Arrays.asList(meta(1).toString())).allMatch(s -> s.contains("p"));
    }
}
