package io.transferqueue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.wire.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KvStorageManagerTest {
    private final FakeKvClient client = new FakeKvClient();
    private final KvStorageManager manager = new KvStorageManager("fake", client, "tq:");

    private static BatchMeta rows(String partition, long firstGi, int count, int gen) {
        List<RowHandle> h = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            h.add(new RowHandle(partition, firstGi + i, gen));
        }
        return BatchMeta.of(h);
    }

    /** Three rows: dense float32 [2], jagged int16 rank 1, objects. */
    private static Batch sample() {
        return Batch.builder()
                .dense("d", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2))
                .jagged("j", List.of(Tensor.of(new short[] {1, 2, 3}), Tensor.of(new short[] {}), Tensor.of(new short[] {7})))
                .objects("o", List.of("x", Map.of("k", List.of(1L, "ü")), new byte[] {1, 2}))
                .build();
    }

    /** What the controller does with a put result. */
    private static BatchMeta produced(BatchMeta rows, PutResult r) {
        BatchMeta m = rows.withSchema(r.schema(), true);
        for (Map.Entry<String, List<Object>> e : r.backendMeta().entrySet()) {
            m = m.withBackendMeta(e.getKey(), e.getValue());
        }
        return m;
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The failure of a future that must fail (and must not throw synchronously). */
    private static Throwable failure(CompletableFuture<?> f) {
        Throwable t = catchThrowable(() -> f.get(10, TimeUnit.SECONDS));
        assertThat(t).as("the future fails").isInstanceOf(java.util.concurrent.ExecutionException.class);
        return t.getCause();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    // ------------------------------------------------------------------ put

    @Test
    void putWritesOneRawValuePerCellInOneMputCall() {
        Batch batch = sample();
        await(manager.put(batch, rows("p", 10, 3, 2), PutOptions.defaults()));

        assertThat(client.calls).containsExactly("mput");
        assertThat(client.store).hasSize(9);
        DenseColumn d = (DenseColumn) batch.column("d");
        JaggedColumn j = (JaggedColumn) batch.column("j");
        ObjectColumn o = (ObjectColumn) batch.column("o");
        for (int i = 0; i < 3; i++) {
            assertThat(client.store.get("tq:p/" + (10 + i) + ".2/d")).isEqualTo(bytes(d.rowData(i)));
            assertThat(client.store.get("tq:p/" + (10 + i) + ".2/j")).isEqualTo(bytes(j.rowData(i)));
            assertThat(client.store.get("tq:p/" + (10 + i) + ".2/o")).isEqualTo(ValueCodec.encode(o.value(i)));
        }
        assertThat(client.store.get("tq:p/11.2/j")).isEmpty();
    }

    @Test
    void putHandsTheClientViewsOfTheCallersBytesWithoutCopying() {
        ByteBuffer src = Buffers.allocate(3 * 8);
        Batch batch = Batch.builder().add("d", DenseColumn.wrap(DType.INT64, 3, new int[0], src)).build();
        await(manager.put(batch, rows("p", 0, 3, 0), PutOptions.defaults()));

        for (int i = 0; i < 3; i++) {
            ByteBuffer v = client.lastPutValues.get(i);
            assertThat(v.hasArray()).isTrue();
            assertThat(v.array()).isSameAs(src.array());
            assertThat(v.arrayOffset() + v.position()).isEqualTo(i * 8);
            assertThat(v.remaining()).isEqualTo(8);
        }
    }

    @Test
    void putResultHasTheSchemaOfEveryColumnAndNoBackendMetaWhenTheClientReturnsNone() {
        Batch batch = sample();
        PutResult r = await(manager.put(batch, rows("p", 0, 3, 0), PutOptions.defaults()));

        assertThat(r.schema()).containsOnlyKeys("d", "j", "o");
        r.schema().forEach((f, s) -> assertThat(s).isEqualTo(FieldSchema.of(batch.column(f))));
        assertThat(r.backendMeta()).isEmpty();
    }

    @Test
    void backendMetaIsReshapedToFieldThenRowAndFieldsWithOnlyNullsAreLeftOut() {
        client.putMeta = keys -> {
            List<Object> out = new ArrayList<>();
            for (String k : keys) {
                out.add(k.endsWith("/d") ? "m:" + k : k.equals("tq:p/1.0/o") ? 7 : null);
            }
            return out;
        };
        PutResult r = await(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults()));

        assertThat(r.backendMeta()).containsOnlyKeys("d", "o");
        assertThat(r.backendMeta().get("d")).containsExactly("m:tq:p/0.0/d", "m:tq:p/1.0/d", "m:tq:p/2.0/d");
        assertThat(r.backendMeta().get("o")).containsExactly(null, 7L, null);
    }

    @Test
    void theBackendMetaOfEachKeyGoesBackToTheClientOnGetAndClear() {
        client.putMeta = keys -> new ArrayList<>(keys.stream().map(k -> (Object) ("m:" + k)).toList());
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(sample(), rows("p", 0, 3, 0),
                PutOptions.defaults())));
        client.calls.clear();
        client.keysOfCalls.clear();
        client.metaOfCalls.clear();

        await(manager.get(meta, ReadOptions.copy()));
        await(manager.clear(meta));

        assertThat(client.calls).containsExactlyInAnyOrder("mgetInto", "mget", "mdelete");
        for (int c = 0; c < client.calls.size(); c++) {
            List<String> keys = client.keysOfCalls.get(c);
            List<Object> metas = client.metaOfCalls.get(c);
            assertThat(metas).hasSameSizeAs(keys);
            for (int k = 0; k < keys.size(); k++) {
                assertThat(metas.get(k)).as(client.calls.get(c) + " " + keys.get(k)).isEqualTo("m:" + keys.get(k));
            }
        }
    }

    @Test
    void backendMetaOfTheWrongLengthFailsThePut() {
        client.putMeta = keys -> List.of("only one");
        Throwable t = failure(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults()));
        assertThat(t).isInstanceOf(BackendException.class).hasMessageContaining("for 1 keys from a put of 9 keys");
    }

    @Test
    void backendMetaThatIsNotASafeValueFailsThePut() {
        client.putMeta = keys -> new ArrayList<>(keys.stream().map(k -> new Object()).toList());
        Throwable t = failure(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults()));
        assertThat(t).isInstanceOf(BackendException.class).hasMessageContaining("not a safe value");
    }

    @Test
    void aBatchWhoseSizeDiffersFromTheMetaFailsWithInvalidRequestAndWritesNothing() {
        Throwable t = failure(manager.put(sample(), rows("p", 0, 4, 0), PutOptions.defaults()));
        assertThat(t).isInstanceOf(InvalidRequestException.class).hasMessageContaining("3 rows").hasMessageContaining("4 rows");
        assertThat(client.calls).isEmpty();
    }

    @Test
    void aPutThatListsARowTwiceFailsWithInvalidRequest() {
        BatchMeta meta = BatchMeta.of(List.of(new RowHandle("p", 1, 0), new RowHandle("p", 2, 0), new RowHandle("p", 1, 0)));
        Throwable t = failure(manager.put(sample(), meta, PutOptions.defaults()));
        assertThat(t).isInstanceOf(InvalidRequestException.class).hasMessageContaining("p/1.0");
        assertThat(client.calls).isEmpty();
    }

    @Test
    void aPutWithoutRowsOrFieldsCallsNothing() {
        assertThat(await(manager.put(Batch.empty(), BatchMeta.empty(), PutOptions.defaults())).schema()).isEmpty();
        assertThat(await(manager.put(Batch.ofSize(3), rows("p", 0, 3, 0), PutOptions.defaults())).schema()).isEmpty();
        assertThat(client.calls).isEmpty();
    }

    // ------------------------------------------------------------------ get

    @Test
    void getRebuildsEveryKindWithOneMgetIntoForTensorsAndOneMgetForObjects() {
        Batch batch = sample();
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(batch, rows("p", 0, 3, 0), PutOptions.defaults())));
        client.calls.clear();

        Batch got = await(manager.get(meta, ReadOptions.copy()));

        assertThat(client.calls).containsExactlyInAnyOrder("mgetInto", "mget");
        assertThat(got).isEqualTo(batch);
        assertThat(got.column("d")).isInstanceOf(DenseColumn.class);
        assertThat(got.column("j")).isInstanceOf(JaggedColumn.class);
        assertThat(got.column("o")).isInstanceOf(ObjectColumn.class);
        assertThat(got.fieldNames()).containsExactly("d", "j", "o");
    }

    @Test
    void getReturnsFreshWritableBuffersThatDoNotAliasTheStoreOrEachOther() {
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults())));
        Batch first = await(manager.get(meta, ReadOptions.copy()));
        DenseColumn d = (DenseColumn) first.column("d");
        assertThat(d.isReadOnly()).isFalse();
        for (int i = 0; i < 3; i++) {
            ByteBuffer r = d.rowData(i);
            while (r.hasRemaining()) {
                r.put((byte) 0x55);
            }
        }
        assertThat(await(manager.get(meta, ReadOptions.copy()))).isEqualTo(sample());
    }

    @Test
    void aRowListedTwiceIsReadOnceAndReturnedAtBothPositionsAsIndependentCopies() {
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults())));
        client.keysOfCalls.clear();

        Batch got = await(manager.get(meta.selectRows(2, 0, 2), ReadOptions.copy()));

        assertThat(got).isEqualTo(sample().rows(2, 0, 2));
        for (List<String> keys : client.keysOfCalls) {
            assertThat(keys).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(4);
        }
        DenseColumn d = (DenseColumn) got.column("d");
        byte original = d.rowData(2).get(0);
        d.rowData(0).put(0, (byte) (original + 1));
        assertThat(d.rowData(2).get(0)).as("position 2 after writing position 0").isEqualTo(original);
    }

    @Test
    void aMissingKeyFailsWithDataNotFoundNamingPartitionIndexGenerationAndField() {
        BatchMeta meta = rows("p", 10, 2, 4).withSchema(Map.of("a", FieldSchema.object(), "ab", FieldSchema.object()), true);
        client.store.put("tq:p/10.4/a", ValueCodec.encode("x"));
        client.store.put("tq:p/11.4/a", ValueCodec.encode("x"));
        client.store.put("tq:p/10.4/ab", ValueCodec.encode("x"));

        Throwable t = failure(manager.get(meta, ReadOptions.copy()));

        assertThat(t).isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("partition 'p' global index 11 generation 4 field 'ab'")
                .hasMessageNotContaining("field 'a'")
                .hasCauseInstanceOf(DataNotFoundException.class);
    }

    @Test
    void aMissingKeyIsMappedBackEvenWhenAnotherPartitionNameEndsTheSameWay() {
        BatchMeta meta = BatchMeta.of(List.of(new RowHandle("p", 1, 0), new RowHandle("xp", 1, 0)))
                .withSchema(Map.of("f", FieldSchema.object()), true);
        client.store.put("tq:p/1.0/f", ValueCodec.encode(1L));

        assertThat(failure(manager.get(meta, ReadOptions.copy())))
                .hasMessageContaining("partition 'xp' global index 1 generation 0 field 'f'")
                .hasMessageNotContaining("partition 'p'");
    }

    @Test
    void missingKeysReportedAsDataAreMappedToCellsWithoutReadingTheMessage() {
        client.typedMissingKeys = true;
        client.notFoundMessage = "nothing useful here";
        BatchMeta meta = rows("p", 7, 2, 1).withSchema(Map.of("f", FieldSchema.object()), true);
        client.store.put("tq:p/7.1/f", ValueCodec.encode(1L));

        assertThat(failure(manager.get(meta, ReadOptions.copy()))).isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("partition 'p' global index 8 generation 1 field 'f'")
                .hasMessageNotContaining("global index 7 ");
    }

    @Test
    void aNotFoundErrorThatNamesNoKeyStillNamesTheCellsRead() {
        client.notFoundMessage = "something is missing";
        BatchMeta meta = rows("p", 5, 1, 0).withSchema(Map.of("f", FieldSchema.dense(DType.INT32, new int[] {2})), true);

        assertThat(failure(manager.get(meta, ReadOptions.copy()))).isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("partition 'p' global index 5 generation 0 field 'f'")
                .hasMessageContaining("something is missing");
    }

    @Test
    void clientFailuresBecomeTypedErrorsInTheFuture() {
        BatchMeta meta = rows("p", 0, 3, 0);
        RuntimeException boom = new IllegalStateException("boom");
        client.failWith = boom;
        assertThat(failure(manager.put(sample(), meta, PutOptions.defaults()))).isInstanceOf(BackendException.class)
                .hasMessageContaining("fake").hasCause(boom);

        BackendUnavailableException down = new BackendUnavailableException("down");
        client.failWith = down;
        assertThat(failure(manager.put(sample(), meta, PutOptions.defaults()))).isSameAs(down);

        client.throwSync = boom;
        CompletableFuture<PutResult> f = manager.put(sample(), meta, PutOptions.defaults());
        assertThat(failure(f)).isInstanceOf(BackendException.class).hasCause(boom);

        client.throwSync = down;
        assertThat(failure(manager.clear(meta.withSchema(Map.of("f", FieldSchema.object()), true)))).isSameAs(down);

        client.returnNullFuture = true;
        assertThat(failure(manager.put(sample(), meta, PutOptions.defaults()))).isInstanceOf(BackendException.class)
                .hasMessageContaining("no future");
    }

    @Test
    void aNullOrMissingValueFromTheClientFailsTheGetInsteadOfReadingAsData() {
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults())));

        client.tamperGet = v -> Arrays.asList(v.get(0), null, v.get(2));
        assertThat(failure(manager.get(meta.selectFields("o"), ReadOptions.copy())))
                .isInstanceOf(BackendException.class).hasMessageContaining("null")
                .hasMessageContaining("global index 1");

        client.tamperGet = v -> v.subList(0, 2);
        assertThat(failure(manager.get(meta.selectFields("d"), ReadOptions.copy())))
                .isInstanceOf(BackendException.class).hasMessageContaining("2 values");
        assertThat(failure(manager.get(meta.selectFields("o"), ReadOptions.copy())))
                .isInstanceOf(BackendException.class).hasMessageContaining("2 values");
    }

    @Test
    void aStoredValueOfTheWrongSizeFailsTheGet() {
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults())));
        client.store.put("tq:p/1.0/d", new byte[3]);

        assertThat(failure(manager.get(meta, ReadOptions.copy()))).isInstanceOf(BackendException.class)
                .hasMessageContaining("tq:p/1.0/d");
    }

    @Test
    void aCorruptObjectCellFailsWithBackendExceptionNamingTheCell() {
        BatchMeta meta = rows("p", 0, 1, 0).withSchema(Map.of("o", FieldSchema.object()), true);
        client.store.put("tq:p/0.0/o", new byte[] {(byte) 0xc1});

        assertThat(failure(manager.get(meta, ReadOptions.copy()))).isInstanceOf(BackendException.class)
                .hasMessageContaining("partition 'p' global index 0 generation 0 field 'o'");
    }

    @Test
    void zeroCopyFailsWithInvalidRequestUnlessTheClientDeclaresIt() {
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults())));
        client.calls.clear();

        assertThat(failure(manager.get(meta, ReadOptions.zeroCopy()))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("ZERO_COPY_READ");
        assertThat(client.calls).isEmpty();

        client.capabilities = Set.of(Capability.ZERO_COPY_READ);
        Batch got = await(manager.get(meta, ReadOptions.zeroCopy()));
        assertThat(client.calls).containsExactly("mget", "mget");
        assertThat(got).isEqualTo(sample());
        DenseColumn d = (DenseColumn) got.column("d");
        assertThat(d.isReadOnly()).isTrue();
        assertThatThrownBy(() -> d.rowData(0).put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> ((JaggedColumn) got.column("j")).rowData(0).put(0, (byte) 1))
                .isInstanceOf(ReadOnlyBufferException.class);
    }

    @Test
    void aCopyingGetAsksTheClientForOwnedBuffersOfTheSchemasSizesAndReturnsThoseBuffers() {
        Batch batch = sample();
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(batch, rows("p", 0, 3, 0), PutOptions.defaults())));
        List<ByteBuffer> handedOut = new ArrayList<>();
        client.tamperOwned = v -> {
            handedOut.addAll(v);
            return v;
        };

        Batch got = await(manager.get(meta, ReadOptions.copy()));

        // tensor keys in schema order (d, then j), each row once: d rows of 8 bytes, j rows of 6, 0 and 2
        assertThat(client.lastOwnedSizes).containsExactly(8, 8, 8, 6, 0, 2);
        assertThat(got).isEqualTo(batch);
        assertThat(((DenseColumn) got.column("d")).rowData(1).array()).isSameAs(handedOut.get(1).array());
        ((DenseColumn) got.column("d")).rowData(0).putFloat(0, 42f); // the caller owns them: writable
        assertThat(await(manager.get(meta, ReadOptions.copy()))).as("the store is untouched").isEqualTo(batch);
    }

    @Test
    void aClientThatReturnsAnOwnedBufferOfTheWrongSizeOrReadOnlyFailsTheGetNamingTheCell() {
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(sample(), rows("p", 0, 3, 0),
                PutOptions.defaults())));
        client.tamperOwned = v -> {
            List<ByteBuffer> out = new ArrayList<>(v);
            out.set(1, ByteBuffer.allocate(7));
            return out;
        };
        assertThat(failure(manager.get(meta, ReadOptions.copy()))).isInstanceOf(BackendException.class)
                .hasMessageContaining("global index 1").hasMessageContaining("field 'd'")
                .hasMessageContaining("7 bytes").hasMessageContaining("writable one of 8");

        client.tamperOwned = v -> {
            List<ByteBuffer> out = new ArrayList<>(v);
            out.set(3, out.get(3).asReadOnlyBuffer());
            return out;
        };
        assertThat(failure(manager.get(meta, ReadOptions.copy()))).isInstanceOf(BackendException.class)
                .hasMessageContaining("read-only").hasMessageContaining("global index 0")
                .hasMessageContaining("field 'j'");
    }

    @Test
    void anEmptyMetaGivesAnEmptyBatchOfTheRightSizeWithoutCallingTheClient() {
        assertThat(await(manager.get(BatchMeta.empty(), ReadOptions.copy())).size()).isZero();
        Batch noFields = await(manager.get(rows("p", 0, 3, 0), ReadOptions.copy()));
        assertThat(noFields.size()).isEqualTo(3);
        assertThat(noFields.fieldNames()).isEmpty();
        Batch noRows = await(manager.get(BatchMeta.empty().withSchema(Map.of("f", FieldSchema.dense(DType.INT8,
                new int[] {2}), "o", FieldSchema.object()), true), ReadOptions.copy()));
        assertThat(noRows.size()).isZero();
        assertThat(noRows.fieldNames()).containsExactly("f", "o");
        assertThat(client.calls).isEmpty();
    }

    // ------------------------------------------------------------------ clear, lifecycle

    @Test
    void clearDeletesEveryCellOfTheMetaOnceAndIsIdempotent() {
        BatchMeta meta = produced(rows("p", 0, 3, 0), await(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults())));
        client.keysOfCalls.clear();

        await(manager.clear(meta.selectRows(0, 1, 2, 1)));
        await(manager.clear(meta));

        assertThat(client.store).isEmpty();
        assertThat(client.keysOfCalls.get(0)).hasSize(9).doesNotHaveDuplicates();
        client.calls.clear();
        await(manager.clear(rows("p", 0, 3, 0)));
        await(manager.clear(BatchMeta.empty()));
        assertThat(client.calls).isEmpty();
    }

    @Test
    void clearDeletesOnlyTheFieldsAndGenerationOfItsMeta() {
        await(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults()));
        await(manager.put(sample(), rows("p", 0, 3, 1), PutOptions.defaults()));

        await(manager.clear(rows("p", 0, 3, 0).withSchema(Map.of("d", FieldSchema.dense(DType.FLOAT32, new int[] {2})),
                true)));

        assertThat(client.store.keySet()).hasSize(18 - 3).noneMatch(k -> k.endsWith(".0/d"));
    }

    @Test
    void capabilitiesComeFromTheClient() {
        assertThat(manager.capabilities()).isEmpty();
        client.capabilities = Set.of(Capability.PERSISTENT, Capability.ZERO_COPY_READ);
        assertThat(manager.capabilities()).containsExactlyInAnyOrder(Capability.PERSISTENT, Capability.ZERO_COPY_READ);
        assertThat(manager.stats()).isEqualTo(StorageStats.UNKNOWN);
    }

    @Test
    void unwrapAsksTheClientFirstThenTheManager() {
        assertThat(manager.unwrap(FakeKvClient.class)).isSameAs(client);
        assertThat(manager.unwrap(KvStorageClient.class)).isSameAs(client);
        assertThat(manager.unwrap(KvStorageManager.class)).isSameAs(manager);
        assertThatThrownBy(() -> manager.unwrap(String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fake");
    }

    @Test
    void closeClosesTheClientOnceAndLaterOperationsFailWithClosedException() {
        manager.close();
        manager.close();

        assertThat(client.closeCount).isEqualTo(1);
        assertThat(failure(manager.put(sample(), rows("p", 0, 3, 0), PutOptions.defaults()))).isInstanceOf(ClosedException.class);
        assertThat(failure(manager.get(rows("p", 0, 3, 0), ReadOptions.copy()))).isInstanceOf(ClosedException.class);
        assertThat(failure(manager.clear(rows("p", 0, 3, 0)))).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> manager.unwrap(FakeKvClient.class)).isInstanceOf(ClosedException.class);
        assertThat(client.calls).isEmpty();
    }
}
