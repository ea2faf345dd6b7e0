package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.api.StatefulConnection;
import io.transferqueue.backend.redis.FakeRedis.Fault;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client over {@link FakeRedis}, with faults injected per key and per command: a key that fails is a typed
 * error, never null or empty bytes, and a call that fails part way never reports success (lessons N3).
 */
class RedisKvStorageClientTest {
    private final FakeRedisStorageFactory fake = new FakeRedisStorageFactory(false);
    private final FakeRedis redis = fake.redis;
    private final List<RedisKvStorageClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(RedisKvStorageClient::close);
        fake.close();
    }

    private RedisKvStorageClient client(TqConfig cfg) {
        RedisKvStorageClient c = fake.client(RedisConfig.from(cfg));
        clients.add(c);
        return c;
    }

    private KvStorageManager manager(TqConfig cfg) {
        return new KvStorageManager("redis", client(cfg), "tq:");
    }

    private static final Batch BATCH = Batch.builder().dense("x", Tensor.of(new long[] {1, 2, 3, 4})).build();

    private static BatchMeta rows(int n) {
        List<RowHandle> h = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            h.add(new RowHandle("p", i, 0));
        }
        return BatchMeta.of(h);
    }

    private static BatchMeta putBatch(KvStorageManager m) {
        BatchMeta rows = rows(4);
        return rows.withSchema(join(m.put(BATCH, rows, PutOptions.defaults())).schema(), true);
    }

    @Test
    void cellsRoundTripAsRawBytesUnderTheirKeys() {
        KvStorageManager m = manager(TqConfig.defaults());
        BatchMeta meta = putBatch(m);

        assertThat(join(m.get(meta, ReadOptions.copy()))).isEqualTo(BATCH);
        assertThat(redis.value("tq:p/2.0/x")).containsExactly(3, 0, 0, 0, 0, 0, 0, 0);
        assertThat(redis.commands("MSET")).isEqualTo(1);
        assertThat(redis.commands("MGET")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aKeyTheServerAnswersBadlyFailsTheReadNeverReturningEmptyBytes(Fault fault) {
        KvStorageManager m = manager(TqConfig.defaults());
        BatchMeta meta = putBatch(m);
        redis.faults = k -> k.equals("tq:p/2.0/x") ? fault : null;

        Throwable e = failure(m.get(meta, ReadOptions.copy()));

        if (fault == Fault.NIL) {
            assertThat(e).isInstanceOf(DataNotFoundException.class).hasMessageContaining("global index 2")
                    .hasMessageContaining("field 'x'");
        } else {
            assertThat(e).isExactlyInstanceOf(BackendException.class).hasMessageContaining("tq:p/2.0/x")
                    .hasMessageContaining("expected 8");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"NIL"})
    void aMissingObjectCellFailsTheReadNamingIt(Fault fault) {
        KvStorageManager m = manager(TqConfig.defaults());
        Batch b = Batch.builder().objects("o", List.of("a", "b")).build();
        BatchMeta meta = rows(2).withSchema(join(m.put(b, rows(2), PutOptions.defaults())).schema(), true);
        redis.faults = k -> k.endsWith("/1.0/o") ? fault : null;

        assertThat(failure(m.get(meta, ReadOptions.copy()))).isInstanceOf(DataNotFoundException.class)
                .hasMessageContaining("global index 1");
    }

    @Test
    void aReplyWithTooFewValuesFailsTheRead() {
        KvStorageManager m = manager(TqConfig.defaults());
        BatchMeta meta = putBatch(m);
        redis.shortReplies = true;

        assertThat(failure(m.get(meta, ReadOptions.copy()))).isExactlyInstanceOf(BackendException.class)
                .hasMessageContaining("with 3 values");
    }

    @Test
    void aCommandThatFailsPartWayFailsTheWholePutAndNothingMoreIsSent() {
        KvStorageManager m = manager(TqConfig.defaults().with(RedisOptions.MAX_BATCH_SIZE, DataSize.ofKibibytes(1)));
        int n = 40;
        Batch big = Batch.builder().dense("x", Tensor.of(new long[n * 32], n, 32)).build();
        redis.failNth = 2;

        Throwable e = failure(m.put(big, rows(n), PutOptions.defaults()));

        assertThat(e).isExactlyInstanceOf(BackendException.class).hasMessageContaining("injected failure");
        // 40 rows of 256 bytes in 1 KiB commands: 14 MSETs; a window of 4 plus the one the first reply let go
        assertThat(redis.commands("MSET")).as("MSETs sent: none after the failure")
                .isLessThanOrEqualTo(RedisKvStorageClient.PIPELINE_DEPTH + 1);
    }

    @Test
    void errorRepliesBecomeTypedErrorsWithRedissMessage() {
        KvStorageManager m = manager(TqConfig.defaults());
        redis.errorReply = "OOM command not allowed when used memory > 'maxmemory'.";
        assertThat(failure(m.put(BATCH, rows(4), PutOptions.defaults()))).isInstanceOf(CapacityExceededException.class)
                .hasMessageContaining("OOM command not allowed");
        redis.errorReply = "READONLY You can't write against a read only replica.";
        assertThat(failure(m.put(BATCH, rows(4), PutOptions.defaults()))).isExactlyInstanceOf(BackendException.class)
                .hasMessageContaining("READONLY You can't write");
    }

    @Test
    void aDisconnectedConnectionIsBackendUnavailableAtOnce() {
        KvStorageManager m = manager(TqConfig.defaults());
        BatchMeta meta = putBatch(m);
        redis.disconnected = true;

        assertThat(failure(m.put(BATCH, rows(4), PutOptions.defaults()))).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("not connected");
        assertThat(failure(m.get(meta, ReadOptions.copy()))).isInstanceOf(BackendUnavailableException.class);
        assertThat(failure(m.clear(meta))).isInstanceOf(BackendUnavailableException.class);

        redis.disconnected = false;
        assertThat(join(m.get(meta, ReadOptions.copy()))).as("the next call after reconnecting").isEqualTo(BATCH);
    }

    @Test
    void aServerThatDoesNotAnswerIsBackendUnavailableAfterTheCommandTimeout() {
        KvStorageManager m = manager(TqConfig.defaults().with(RedisOptions.COMMAND_TIMEOUT, Duration.ofMillis(200)));
        redis.hang = true;

        assertThat(failure(m.put(BATCH, rows(4), PutOptions.defaults()))).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("no reply");
        assertThat(redis.held).isNotEmpty().allSatisfy(c -> assertThat(c.isDone()).as("timed out").isTrue());
    }

    @Test
    void repliesArrivingAfterAFailureAreNotWrittenIntoTheDestinations() {
        MgetProblems problems = new MgetProblems();
        ByteBuffer dest = ByteBuffer.allocate(2);
        IntoBuffersOutput out = new IntoBuffersOutput(new int[] {0}, List.of(dest), () -> true, problems);

        out.set(ByteBuffer.wrap(new byte[] {7, 7}));

        assertThat(dest.array()).containsExactly(0, 0);
        assertThat(out.received()).isEqualTo(1);
    }

    @Test
    void withATtlEveryCellIsASetWithPx() {
        KvStorageManager m = manager(TqConfig.defaults().with(RedisOptions.TTL, Duration.ofMinutes(2)));
        BatchMeta meta = putBatch(m);

        assertThat(redis.commands("SET")).isEqualTo(4);
        assertThat(redis.commands("MSET")).isZero();
        assertThat(redis.pttl).hasSize(4).allSatisfy((k, v) -> assertThat(v).isEqualTo(120_000L));
        assertThat(join(m.get(meta, ReadOptions.copy()))).isEqualTo(BATCH);
    }

    @Test
    void largeCallsAreSplitIntoCommandsOfAtMostMaxBatchSize() {
        RedisKvStorageClient c = client(TqConfig.defaults().with(RedisOptions.MAX_BATCH_SIZE, DataSize.ofKibibytes(4)));
        List<String> keys = new ArrayList<>();
        List<ByteBuffer> values = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            keys.add("k" + i);
            values.add(ByteBuffer.allocate(1000));
        }

        join(c.mput(keys, values));

        assertThat(redis.commands("MSET")).as("64 values of 1000 bytes in commands of 4 KiB").isEqualTo(16);
        assertThat(c.commandsSent()).isEqualTo(16);
        List<ByteBuffer> into = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            into.add(ByteBuffer.allocate(1000));
        }
        join(c.mgetInto(keys, null, into));
        assertThat(redis.commands("MGET")).isEqualTo(16);
        join(c.mdelete(keys, null));
        assertThat(redis.data).isEmpty();
        join(c.mdelete(keys, null));
    }

    @Test
    void unwrapGivesTheConnectionOrThisClient() {
        RedisKvStorageClient c = client(TqConfig.defaults());

        assertThat(c.unwrap(StatefulConnection.class)).isNotNull();
        assertThat(c.unwrap(RedisKvStorageClient.class)).isSameAs(c);
        assertThatThrownBy(() -> c.unwrap(String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StatefulRedisConnection");
    }

    @Test
    void callsAfterCloseFailWithClosedException() {
        RedisKvStorageClient c = client(TqConfig.defaults());
        c.close();
        c.close();

        assertThat(failure(c.mput(List.of("k"), List.of(ByteBuffer.allocate(1))))).isInstanceOf(ClosedException.class);
        assertThat(failure(c.mget(List.of("k"), null))).isInstanceOf(ClosedException.class);
        assertThat(failure(c.mdelete(List.of("k"), null))).isInstanceOf(ClosedException.class);
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            Object v = f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + v);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
