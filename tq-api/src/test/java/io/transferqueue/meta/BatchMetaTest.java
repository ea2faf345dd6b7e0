package io.transferqueue.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.Batch;
import io.transferqueue.data.ColumnKind;
import io.transferqueue.data.DType;
import io.transferqueue.data.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchMetaTest {

    private static List<RowHandle> handles(String partition, int n) {
        List<RowHandle> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new RowHandle(partition, 10 + i, i % 2));
        }
        return out;
    }

    private static BatchMeta meta(int n) {
        List<Map<String, Object>> tags = new ArrayList<>();
        List<Object> backend = new ArrayList<>();
        int[][] shapes = new int[n][];
        for (int i = 0; i < n; i++) {
            tags.add(Map.of("uid", "u" + i));
            backend.add(i % 2 == 0 ? Map.of("slot", (long) i) : null);
            shapes[i] = new int[] {i + 1};
        }
        return BatchMeta.builder().handles(handles("train", n))
                .field("ids", FieldSchema.dense(DType.INT64, new int[] {4}))
                .field("logp", FieldSchema.jagged(DType.FLOAT32, shapes))
                .field("uid", FieldSchema.object())
                .allReady(true)
                .tags(tags)
                .backendMeta("ids", backend)
                .extraInfo(Map.of("step", 3L))
                .build();
    }

    @Test
    void accessors() {
        BatchMeta m = meta(3);
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.isEmpty()).isFalse();
        assertThat(m.handle(1)).isEqualTo(new RowHandle("train", 11, 1));
        assertThat(m.handles()).hasSize(3);
        assertThat(m.globalIndexes()).containsExactly(10, 11, 12);
        assertThat(m.generations()).containsExactly(0, 1, 0);
        assertThat(m.partitions()).containsOnly("train");
        assertThat(m.distinctPartitions()).containsExactly("train");
        assertThat(m.fieldNames()).containsExactly("ids", "logp", "uid");
        assertThat(m.schema("logp").rowShape(2)).containsExactly(3);
        assertThat(m.isReady()).isTrue();
        assertThat(m.tags(2)).containsEntry("uid", "u2");
        assertThat(m.hasTags()).isTrue();
        assertThat(m.backendMeta("ids", 0)).isEqualTo(Map.of("slot", 0L));
        assertThat(m.backendMeta("ids", 1)).isNull();
        assertThat(m.backendMeta("logp", 1)).isNull();
        assertThat(m.backendMetaFields()).containsExactly("ids");
        assertThat(m.extraInfo()).containsEntry("step", 3L);
        assertThatThrownBy(() -> m.schema("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'").hasMessageContaining("ids");
        assertThatThrownBy(() -> m.tags(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(BatchMeta.empty().isReady()).isFalse();
        assertThat(BatchMeta.of(handles("p", 2)).isReady()).isFalse();
        assertThat(m.toString()).contains("train/10.0");
    }

    @Test
    void returnedArraysAndCollectionsCannotChangeTheMeta() {
        BatchMeta m = meta(3);
        String before = io.transferqueue.testing.RandomData.render(m);
        m.globalIndexes()[0] = 99;
        m.generations()[0] = 99;
        m.partitions()[0] = "x";
        assertThatThrownBy(() -> m.tagsList().set(0, Map.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.tags(0).put("a", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.extraInfo().put("a", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.backendMetaColumn("ids").set(0, 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.schema().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.fieldNames().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(io.transferqueue.testing.RandomData.render(m)).isEqualTo(before);
    }

    @Test
    void builderCopiesItsInputs() {
        Map<String, Object> tag = new HashMap<>(Map.of("a", 1L));
        List<Map<String, Object>> tags = new ArrayList<>(List.of(tag));
        Map<String, Object> extra = new HashMap<>(Map.of("e", List.of(1L)));
        List<Object> backend = new ArrayList<>(Arrays.asList(Map.of("k", 1L)));
        long[] gi = {5};
        boolean[] ready = {true};
        BatchMeta m = BatchMeta.builder().rows("p", gi, new int[] {0}).ready(ready).tags(tags).extraInfo(extra)
                .backendMeta("f", backend).field("f", FieldSchema.object()).build();
        tag.put("a", 2L);
        tags.set(0, Map.of());
        extra.put("e2", 1L);
        backend.set(0, null);
        gi[0] = 6;
        ready[0] = false;
        assertThat(m.tags(0)).containsExactly(Map.entry("a", 1L));
        assertThat(m.extraInfo()).containsOnlyKeys("e");
        assertThat(m.backendMeta("f", 0)).isEqualTo(Map.of("k", 1L));
        assertThat(m.globalIndex(0)).isEqualTo(5);
        assertThat(m.isReady(0)).isTrue();
    }

    @Test
    void builderValidation() {
        assertThatThrownBy(() -> BatchMeta.builder().rows(new String[] {"p"}, new long[] {1, 2}, new int[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length mismatch")
                .hasMessageContaining("1 partitions").hasMessageContaining("2 global indexes");
        assertThatThrownBy(() -> BatchMeta.builder().rows("p", new long[] {1}, new int[] {0}).ready(new boolean[2])
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ready flags length 2");
        assertThatThrownBy(() -> BatchMeta.builder().rows("p", new long[] {1}, new int[] {0})
                .tags(List.of(Map.of(), Map.of())).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tags length 2 != batch size 1");
        assertThatThrownBy(() -> BatchMeta.builder().rows("p", new long[] {1}, new int[] {0})
                .backendMeta("f", List.of()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'f'").hasMessageContaining("0 entries");
        assertThatThrownBy(() -> BatchMeta.builder().rows("p", new long[] {1}, new int[] {0})
                .field("j", FieldSchema.jagged(DType.INT8, new int[][] {{1}, {2}})).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'j'")
                .hasMessageContaining("2 rows");
        assertThatThrownBy(() -> BatchMeta.builder().rows("p", new long[] {-1}, new int[] {0}).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> BatchMeta.builder().rows(new String[] {null}, new long[] {1}, new int[] {0}).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition");
        assertThatThrownBy(() -> BatchMeta.builder().rows("p", new long[] {1}, new int[] {0})
                .tags(List.of(Map.of("t", new Object()))).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tags of row 0").hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> BatchMeta.builder().extraInfo(Map.of("t", Thread.currentThread())).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extra info");
        // an empty tags list means "no tags", as upstream
        assertThat(BatchMeta.builder().rows("p", new long[] {1}, new int[] {0}).tags(List.of()).build().hasTags())
                .isFalse();
    }

    @Test
    void selectRowsKeepsDuplicatesOrderAndReindexesJaggedShapes() {
        BatchMeta m = meta(4);
        BatchMeta s = m.selectRows(3, 1, 3);
        assertThat(s.globalIndexes()).containsExactly(13, 11, 13);
        assertThat(s.schema("logp").flatShapes()).containsExactly(4, 2, 4);
        assertThat(s.tags(0)).containsEntry("uid", "u3");
        assertThat(s.backendMeta("ids", 0)).isNull();
        assertThat(s.extraInfo()).isEqualTo(m.extraInfo());
        assertThat(m.selectRows().size()).isZero();
    }

    @Test
    void selectRowsOutOfRangeFails() {
        BatchMeta m = meta(4);
        assertThatThrownBy(() -> m.selectRows(0, 4)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("4").hasMessageContaining("[0, 4)");
        assertThatThrownBy(() -> m.selectRows(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.slice(2, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.slice(3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void selectFieldsKeepsRowsAndRejectsUnknownNames() {
        BatchMeta m = meta(3);
        BatchMeta s = m.selectFields("uid", "ids");
        assertThat(s.fieldNames()).containsExactly("ids", "uid");
        assertThat(s.backendMetaFields()).containsExactly("ids");
        assertThat(s.isReady()).isTrue();
        assertThat(s.tags(1)).isEqualTo(m.tags(1));
        assertThat(m.selectFields("logp").backendMetaFields()).isEmpty();
        assertThatThrownBy(() -> m.selectFields("ids", "ghost")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ghost'");
    }

    @Test
    void reorderPermutesEveryPerRowColumn() {
        BatchMeta m = meta(3);
        BatchMeta r = m.reorder(2, 0, 1);
        assertThat(r.globalIndexes()).containsExactly(12, 10, 11);
        assertThat(r.generations()).containsExactly(0, 0, 1);
        assertThat(r.schema("logp").flatShapes()).containsExactly(3, 1, 2);
        assertThat(r.tags(0)).containsEntry("uid", "u2");
        assertThat(r.backendMeta("ids", 0)).isEqualTo(Map.of("slot", 2L));
        assertThat(r.reorder(1, 2, 0)).isEqualTo(m);
    }

    @Test
    void reorderRejectsWhatIsNotAPermutation() {
        BatchMeta m = meta(3);
        assertThatThrownBy(() -> m.reorder(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 positions, got 2");
        assertThatThrownBy(() -> m.reorder(0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 appears twice");
        assertThatThrownBy(() -> m.reorder(0, 1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 out of range");
        assertThatThrownBy(() -> m.reorder(0, -1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1 out of range");
    }

    @Test
    void chunkSplits433AndRejectsZero() {
        BatchMeta m = meta(10);
        assertThat(m.chunk(3)).extracting(BatchMeta::size).containsExactly(4, 3, 3);
        assertThat(m.chunk(3).get(1).globalIndexes()).containsExactly(14, 15, 16);
        assertThat(m.chunk(12)).extracting(BatchMeta::size).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
        assertThatThrownBy(() -> m.chunk(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive, got 0");
        assertThatThrownBy(() -> m.chunk(-2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chunkByPartitionGroupsInFirstSeenOrder() {
        List<RowHandle> hs = List.of(new RowHandle("b", 1, 0), new RowHandle("a", 2, 0), new RowHandle("b", 3, 0));
        BatchMeta m = BatchMeta.of(hs);
        List<BatchMeta> parts = m.chunkByPartition();
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).globalIndexes()).containsExactly(1, 3);
        assertThat(parts.get(1).distinctPartitions()).containsExactly("a");
    }

    @Test
    void concatWithDifferentFieldNamesNamesExtraAndMissing() {
        BatchMeta a = meta(2);
        BatchMeta b = meta(2).selectFields("ids", "uid").withSchema(Map.of("extra", FieldSchema.object()), false);
        assertThatThrownBy(() -> BatchMeta.concat(List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("part 1")
                .hasMessageContaining("extra [extra]")
                .hasMessageContaining("missing [logp]");
    }

    @Test
    void concatWithDtypeMismatchNamesTheField() {
        BatchMeta a = BatchMeta.builder().handles(handles("p", 1)).field("x", FieldSchema.dense(DType.INT64,
                new int[0])).build();
        BatchMeta b = BatchMeta.builder().handles(handles("p", 1)).field("x", FieldSchema.dense(DType.INT32,
                new int[0])).build();
        assertThatThrownBy(() -> BatchMeta.concat(List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'").hasMessageContaining("int64").hasMessageContaining("int32");
        BatchMeta o = BatchMeta.builder().handles(handles("p", 1)).field("x", FieldSchema.object()).build();
        assertThatThrownBy(() -> BatchMeta.concat(List.of(a, o))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'").hasMessageContaining("object");
    }

    @Test
    void concatPromotesDenseFieldsOfDifferentShapesToJagged() {
        BatchMeta a = BatchMeta.builder().handles(handles("p", 2)).field("x", FieldSchema.dense(DType.FLOAT32,
                new int[] {3})).build();
        BatchMeta b = BatchMeta.builder().handles(handles("q", 1)).field("x", FieldSchema.dense(DType.FLOAT32,
                new int[] {5})).build();
        BatchMeta c = BatchMeta.concat(List.of(a, b));
        assertThat(c.schema("x").kind()).isEqualTo(ColumnKind.JAGGED);
        assertThat(c.schema("x").flatShapes()).containsExactly(3, 3, 5);
        assertThat(c.distinctPartitions()).containsExactly("p", "q");
        BatchMeta same = BatchMeta.concat(List.of(a, a));
        assertThat(same.schema("x")).isEqualTo(FieldSchema.dense(DType.FLOAT32, new int[] {3}));
    }

    @Test
    void concatMergesExtraInfoKeepingAgreeingKeysAndDroppingConflicts() {
        BatchMeta base = BatchMeta.of(handles("p", 1));
        BatchMeta a = base.withExtraInfo(Map.of("step", 1L, "same", "x", "onlyA", true));
        BatchMeta b = base.withExtraInfo(Map.of("step", 2L, "same", "x", "onlyB", List.of(1L)));
        BatchMeta c = base.withExtraInfo(Map.of("step", 1L, "same", "x"));
        BatchMeta m = BatchMeta.concat(List.of(a, b, c));
        assertThat(m.extraInfo()).containsOnlyKeys("same", "onlyA", "onlyB");
        assertThat(m.extraInfo()).containsEntry("same", "x");
        // a conflict with a null value is a conflict too
        BatchMeta n1 = base.withExtraInfo(java.util.Collections.singletonMap("k", null));
        BatchMeta n2 = base.withExtraInfo(Map.of("k", 5L));
        assertThat(BatchMeta.concat(List.of(n1, n2)).extraInfo()).doesNotContainKey("k");
        assertThat(BatchMeta.concat(List.of(n2, n1)).extraInfo()).doesNotContainKey("k");
        assertThat(BatchMeta.concat(List.of(n1, n1)).extraInfo()).containsKey("k");
        // byte arrays compare by content
        BatchMeta b1 = base.withExtraInfo("b", new byte[] {1});
        BatchMeta b2 = base.withExtraInfo("b", new byte[] {1});
        assertThat(BatchMeta.concat(List.of(b1, b2)).extraInfo()).containsKey("b");
    }

    @Test
    void concatKeepsTagsAndBackendMetaAlignedWithRows() {
        BatchMeta a = meta(2);
        BatchMeta noTags = BatchMeta.builder().handles(handles("train", 2))
                .field("ids", FieldSchema.dense(DType.INT64, new int[] {4}))
                .field("logp", FieldSchema.jagged(DType.FLOAT32, new int[][] {{7}, {8}}))
                .field("uid", FieldSchema.object()).build();
        BatchMeta c = BatchMeta.concat(List.of(noTags, a));
        assertThat(c.size()).isEqualTo(4);
        assertThat(c.tags(0)).isEmpty();
        assertThat(c.tags(2)).containsEntry("uid", "u0");
        assertThat(c.backendMeta("ids", 0)).isNull();
        assertThat(c.backendMeta("ids", 2)).isEqualTo(Map.of("slot", 0L));
        assertThat(c.schema("logp").flatShapes()).containsExactly(7, 8, 1, 2);
        assertThat(c.isReady(0)).isFalse();
        assertThat(c.isReady(2)).isTrue();
    }

    @Test
    void concatOfNothingOrOnlyEmptyParts() {
        assertThat(BatchMeta.concat(List.of())).isEqualTo(BatchMeta.empty());
        BatchMeta a = meta(2);
        assertThat(BatchMeta.concat(List.of(BatchMeta.empty(), a, BatchMeta.empty()))).isEqualTo(a);
        BatchMeta emptyWithFields = a.selectRows();
        assertThat(BatchMeta.concat(List.of(emptyWithFields, emptyWithFields))).isEqualTo(emptyWithFields);
    }

    @Test
    void unionMergesFieldsOfTheSameRows() {
        BatchMeta base = BatchMeta.builder().handles(handles("p", 2)).ready(new boolean[] {true, true}).build();
        BatchMeta a = base.withSchema(Map.of("x", FieldSchema.object()), false)
                .withTags(List.of(Map.of("t", 1L), Map.of()), TagMode.MERGE)
                .withBackendMeta("x", List.of("bx0", "bx1"))
                .withExtraInfo("ea", 1L);
        BatchMeta b = base.withSchema(Map.of("y", FieldSchema.dense(DType.BOOL, new int[0])), false)
                .withReady(new boolean[] {false, true})
                .withTags(List.of(Map.of("u", 2L), Map.of("t", 3L)), TagMode.MERGE)
                .withBackendMeta("y", Arrays.asList(null, "by1"))
                .withExtraInfo("eb", 2L);
        BatchMeta u = a.union(b);
        assertThat(u.fieldNames()).containsExactly("x", "y");
        assertThat(u.isReady(0)).isFalse();
        assertThat(u.isReady(1)).isTrue();
        assertThat(u.tags(0)).containsOnly(Map.entry("t", 1L), Map.entry("u", 2L));
        assertThat(u.tags(1)).containsOnly(Map.entry("t", 3L));
        assertThat(u.backendMeta("x", 1)).isEqualTo("bx1");
        assertThat(u.backendMeta("y", 1)).isEqualTo("by1");
        assertThat(u.extraInfo()).containsOnlyKeys("ea", "eb");
        assertThat(b.union(a)).isEqualTo(u);
        assertThat(a.union(BatchMeta.empty())).isSameAs(a);
        assertThat(BatchMeta.empty().union(a)).isSameAs(a);
        assertThat(a.union(null)).isSameAs(a);
    }

    @Test
    void unionOfOverlappingFieldsLetsTheOtherWin() {
        BatchMeta base = BatchMeta.of(handles("p", 1));
        BatchMeta a = base.withSchema(Map.of("x", FieldSchema.object()), false).withExtraInfo("k", 1L)
                .withTags(List.of(Map.of("t", "a")), TagMode.MERGE);
        BatchMeta b = base.withSchema(Map.of("x", FieldSchema.dense(DType.INT8, new int[0])), false)
                .withExtraInfo("k", 2L).withTags(List.of(Map.of("t", "b")), TagMode.MERGE);
        BatchMeta u = a.union(b);
        assertThat(u.schema("x").kind()).isEqualTo(ColumnKind.DENSE);
        assertThat(u.extraInfo()).containsEntry("k", 2L);
        assertThat(u.tags(0)).containsEntry("t", "b");
    }

    @Test
    void unionOfDifferentRowsFails() {
        BatchMeta a = BatchMeta.of(handles("p", 2));
        assertThatThrownBy(() -> a.union(BatchMeta.of(handles("q", 2)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same rows").hasMessageContaining("p/10.0").hasMessageContaining("q/10.0");
        assertThatThrownBy(() -> a.union(BatchMeta.of(handles("p", 3)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.union(a.reorder(1, 0))).isInstanceOf(IllegalArgumentException.class);
        List<RowHandle> otherGen = List.of(new RowHandle("p", 10, 5), new RowHandle("p", 11, 1));
        assertThatThrownBy(() -> a.union(BatchMeta.of(otherGen))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withFieldsTakesTheSchemaOfABatch() {
        BatchMeta m = BatchMeta.of(handles("p", 2));
        Batch batch = Batch.builder().dense("x", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2))
                .jagged("j", List.of(Tensor.of(new long[] {1}), Tensor.of(new long[0])))
                .objects("o", List.of("a", "b")).build();
        BatchMeta w = m.withFields(batch, true);
        assertThat(w.isReady()).isTrue();
        assertThat(w.schema("x")).isEqualTo(FieldSchema.dense(DType.FLOAT32, new int[] {2}));
        assertThat(w.schema("j").flatShapes()).containsExactly(1, 0);
        assertThat(w.schema("o").kind()).isEqualTo(ColumnKind.OBJECT);
        assertThat(m.withFields(Batch.empty(), true)).isSameAs(m);
        assertThatThrownBy(() -> m.withFields(Batch.ofSize(3), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 rows").hasMessageContaining("2");
        assertThatThrownBy(() -> m.withSchema(Map.of("j", FieldSchema.jagged(DType.INT8, new int[][] {{1}})), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'j'");
    }

    @Test
    void withTagsMergesOrReplaces() {
        BatchMeta m = meta(2);
        BatchMeta merged = m.withTags(Arrays.asList(Map.of("x", 1L), null), TagMode.MERGE);
        assertThat(merged.tags(0)).containsOnly(Map.entry("uid", "u0"), Map.entry("x", 1L));
        assertThat(merged.tags(1)).containsOnly(Map.entry("uid", "u1"));
        BatchMeta replaced = m.withTags(Arrays.asList(Map.of("x", 1L), null), TagMode.REPLACE);
        assertThat(replaced.tags(0)).containsOnly(Map.entry("x", 1L));
        assertThat(replaced.tags(1)).containsOnly(Map.entry("uid", "u1"));
        assertThatThrownBy(() -> m.withTags(List.of(Map.of()), TagMode.MERGE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 entries, batch size is 2");
        assertThatThrownBy(() -> m.withTags(List.of(Map.of(), Map.of()), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("mode is null");
        assertThatThrownBy(() -> m.withBackendMeta("ids", List.of(1L))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ids'");
        assertThatThrownBy(() -> m.withReady(new boolean[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extraInfoHelpers() {
        BatchMeta m = BatchMeta.empty().withExtraInfo("a", 1).withExtraInfo("b", List.of(2.5f));
        assertThat(m.extraInfo()).containsEntry("a", 1L).containsEntry("b", List.of(2.5d));
        assertThat(m.withoutExtraInfo("a").extraInfo()).containsOnlyKeys("b");
        assertThat(m.withoutExtraInfo("zzz")).isSameAs(m);
        assertThat(m.withExtraInfo(Map.of("c", "d")).extraInfo()).containsOnlyKeys("c");
        assertThat(m.withExtraInfo((Map<String, ?>) null).extraInfo()).isEmpty();
        assertThatThrownBy(() -> m.withExtraInfo(null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("key is null");
        assertThatThrownBy(() -> m.withExtraInfo("x", new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extra info 'x'");
    }

    @Test
    void equalityTreatsAnAllNullBackendColumnAsAbsent() {
        BatchMeta m = BatchMeta.of(handles("p", 2)).withSchema(Map.of("f", FieldSchema.object()), false);
        BatchMeta withNulls = m.withBackendMeta("f", Arrays.asList(null, null));
        assertThat(withNulls).isEqualTo(m).hasSameHashCodeAs(m);
        assertThat(m.withBackendMeta("f", Arrays.asList(null, 1L))).isNotEqualTo(m);
    }

    @Test
    void equalityCoversEveryComponent() {
        BatchMeta m = meta(2);
        assertThat(m).isEqualTo(meta(2)).hasSameHashCodeAs(meta(2));
        assertThat(m.withReady(new boolean[] {true, false})).isNotEqualTo(m);
        assertThat(m.withExtraInfo("z", 1L)).isNotEqualTo(m);
        assertThat(m.withTags(List.of(Map.of("q", 1L), Map.of()), TagMode.MERGE)).isNotEqualTo(m);
        assertThat(m.withBackendMeta("ids", List.of(1L, 2L))).isNotEqualTo(m);
        assertThat(m.selectFields("ids", "uid")).isNotEqualTo(m);
        assertThat(m.reorder(1, 0)).isNotEqualTo(m);
        assertThat(m).isNotEqualTo("m");
    }
}
