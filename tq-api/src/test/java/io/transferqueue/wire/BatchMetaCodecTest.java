package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.DType;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.meta.TagMode;
import io.transferqueue.testing.RandomData;
import io.transferqueue.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchMetaCodecTest {

    static BatchMeta roundTrip(BatchMeta meta, boolean includeExtra, Encoding e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("meta", BatchMetaCodec.encode(meta, includeExtra));
        List<ByteBuffer> frames = WireCodec.encode(new WireMessage(2, 1L, 0, body, List.of()), e);
        assertThat(frames).hasSize(e == Encoding.FRAMES ? 2 : 1);
        WireMessage back = WireCodec.decode(frames);
        return BatchMetaCodec.decode(Envelope.getMap(back.body(), "meta"), WireLimits.DEFAULT);
    }

    private static BatchMeta sample() {
        List<RowHandle> handles = List.of(new RowHandle("train", 4, 0), new RowHandle("eval", 9, 3),
                new RowHandle("train", 5, 1), new RowHandle("ünï", 1L << 40, Integer.MAX_VALUE));
        return BatchMeta.builder().handles(handles)
                .field("ids", FieldSchema.dense(DType.INT64, new int[] {128}))
                .field("scalar", FieldSchema.dense(DType.BFLOAT16, new int[0]))
                .field("logp", FieldSchema.jagged(DType.FLOAT32, new int[][] {{3}, {0}, {7}, {1}}))
                .field("img", FieldSchema.jagged(DType.UINT8, new int[][] {{2, 3, 3}, {0, 3, 3}, {1, 1, 1}, {4, 2, 2}}))
                .field("uid", FieldSchema.object())
                .ready(new boolean[] {true, false, true, true})
                .tags(Arrays.asList(Map.of("uid", "a", "len", 3L), null, Map.of("nested", Map.of("x", List.of(1L))),
                        Map.of("bytes", new byte[] {9})))
                .backendMeta("ids", Arrays.asList(Map.of("slot", 1L), null, "s", List.of(2L)))
                .backendMeta("logp", Arrays.asList(null, null, null, 7L))
                .extraInfo(Map.of("step", 12L, "name", "run-😀"))
                .build();
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void everythingSurvivesWithExtraInfo(Encoding e) {
        BatchMeta m = sample();
        BatchMeta back = roundTrip(m, true, e);
        assertThat(back).isEqualTo(m);
        assertThat(RandomData.render(back)).isEqualTo(RandomData.render(m));
        assertThat(back.distinctPartitions()).containsExactly("train", "eval", "ünï");
        assertThat(back.handle(3)).isEqualTo(new RowHandle("ünï", 1L << 40, Integer.MAX_VALUE));
        assertThat(back.schema("img").rowShape(0)).containsExactly(2, 3, 3);
        assertThat(back.schema("scalar").rank()).isZero();
        assertThat(back.isReady(1)).isFalse();
        assertThat(back.tags(1)).isEmpty();
        assertThat(back.backendMeta("logp", 3)).isEqualTo(7L);
        assertThat(back.extraInfo()).containsEntry("name", "run-😀");
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void extraInfoIsLeftOutForTheController(Encoding e) {
        BatchMeta m = sample();
        Map<String, Object> encoded = BatchMetaCodec.encode(m, false);
        assertThat(encoded).doesNotContainKey("extra");
        BatchMeta back = roundTrip(m, false, e);
        assertThat(back.extraInfo()).isEmpty();
        assertThat(back).isEqualTo(m.withExtraInfo(Map.of()));
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void singlePartitionNeedsNoPerRowPartitionNumbers(Encoding e) {
        BatchMeta m = BatchMeta.builder().rows("p", new long[] {1, 2, 3}, new int[] {0, 0, 0}).allReady(true).build();
        assertThat(BatchMetaCodec.encode(m, true)).doesNotContainKey("pidx");
        assertThat(roundTrip(m, true, e)).isEqualTo(m);
        assertThat(roundTrip(BatchMeta.empty(), true, e)).isEqualTo(BatchMeta.empty());
        BatchMeta emptyWithFields = sample().selectRows();
        assertThat(roundTrip(emptyWithFields, true, e)).isEqualTo(emptyWithFields);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void randomMetasRoundTrip(Encoding e) {
        long seed = Seeds.seed(314);
        Random r = new Random(seed);
        for (int k = 0; k < 300; k++) {
            BatchMeta m = RandomData.meta(r, r.nextInt(15));
            if (r.nextBoolean() && m.size() > 0) {
                m = m.withTags(java.util.Collections.nCopies(m.size(), Map.of("t", "v")), TagMode.MERGE);
            }
            assertThat(roundTrip(m, true, e)).as("seed %d iteration %d", seed, k).isEqualTo(m);
            assertThat(RandomData.render(roundTrip(m, true, e))).as("seed %d iteration %d", seed, k)
                    .isEqualTo(RandomData.render(m));
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void inconsistentEnvelopesFailWithWireFormatException(Encoding e) {
        Map<String, Object> good = BatchMetaCodec.encode(sample(), true);
        List<Map<String, Object>> bad = List.of(
                with(good, "n", 5L),
                with(good, "n", -1L),
                with(good, "gi", new byte[3]),
                with(good, "ready", new byte[1]),
                with(good, "pidx", Envelope.packInts(new int[] {0, 1, 0, 9})),
                with(good, "parts", List.of()),
                with(good, "parts", List.of(1L, 2L, 3L)),
                with(good, "tags", List.of(Map.of())),
                with(good, "tags", List.of(1L, 2L, 3L, 4L)),
                with(good, "backend", Map.of("ids", List.of(1L))),
                with(good, "schema", Map.of("j", Map.of("kind", "jagged", "dtype", 1L, "rank", 1L, "dims", new byte[4]))),
                with(good, "schema", Map.of("d", Map.of("kind", "dense", "dtype", 99L, "shape", new byte[0]))),
                with(good, "schema", Map.of("d", Map.of("kind", "sparse"))),
                with(good, "schema", List.of()),
                with(good, "extra", "not a map"),
                with(good, "gen", Envelope.packInts(new int[] {0, 0, 0, -1})),
                with(good, "gi", Envelope.packLongs(new long[] {0, 0, 0, -5})));
        for (Map<String, Object> m : bad) {
            List<ByteBuffer> frames = WireCodec.encode(new WireMessage(2, 1L, 0, Map.of("meta", m), List.of()), e);
            WireMessage back = WireCodec.decode(frames);
            assertThatThrownBy(() -> BatchMetaCodec.decode(Envelope.getMap(back.body(), "meta"), WireLimits.DEFAULT))
                    .as("%s", m.keySet()).isInstanceOf(WireFormatException.class);
        }
    }

    private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(m);
        out.put(key, value);
        return out;
    }
}
