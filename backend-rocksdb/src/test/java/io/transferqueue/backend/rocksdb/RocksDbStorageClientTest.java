package io.transferqueue.backend.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.TqConfig;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.DataNotFoundException;
import io.transferqueue.error.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.rocksdb.RocksDB;

/** The client contract on its own: every read path, missing keys, wrong sizes, threads and close. */
class RocksDbStorageClientTest {
    private RocksDbStorageClient client;

    @BeforeEach
    void openClient() {
        client = RocksDbStorageClient.open(RocksDbConfig.from(TqConfig.defaults()));
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        return f.handle((v, t) -> t).join();
    }

    private static ByteBuffer bytes(int n, int salt) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put(i, (byte) (salt * 31 + i));
        }
        return b;
    }

    private static List<Object> noMeta(int n) {
        return Collections.nCopies(n, null);
    }

    @Test
    void heapSlicesDirectBuffersAndArraysRoundTripThroughEveryReadPath() throws Exception {
        ByteBuffer big = bytes(1000, 1);
        ByteBuffer slice = big.slice(100, 300);
        ByteBuffer direct = ByteBuffer.allocateDirect(200).put(bytes(200, 2)).flip();
        ByteBuffer readOnly = bytes(50, 3).asReadOnlyBuffer();
        ByteBuffer empty = ByteBuffer.allocate(0);
        List<String> keys = List.of("p/0.0/slice", "p/0.0/direct", "p/0.0/read-only", "p/0.0/empty", "p/0.0/ünï");
        List<ByteBuffer> values = List.of(slice, direct, readOnly, empty, bytes(70, 4));

        assertThat(await(client.mput(keys, values))).isEmpty();
        assertThat(slice.position()).as("the caller's positions are not moved").isZero();
        assertThat(direct.position()).isZero();

        List<ByteBuffer> viaMget = await(client.mget(keys, noMeta(5)));
        for (int i = 0; i < keys.size(); i++) {
            assertThat(viaMget.get(i)).as("mget of %s", keys.get(i)).isEqualTo(values.get(i));
        }

        // heap destinations at an offset inside a larger array, and direct ones
        ByteBuffer backing = ByteBuffer.allocate(2000);
        List<ByteBuffer> heap = new ArrayList<>();
        List<ByteBuffer> directs = new ArrayList<>();
        int at = 7;
        for (ByteBuffer v : values) {
            heap.add(backing.slice(at, v.remaining()));
            at += v.remaining() + 3;
            directs.add(ByteBuffer.allocateDirect(v.remaining()));
        }
        await(client.mgetInto(keys, noMeta(5), heap));
        await(client.mgetInto(keys, noMeta(5), directs));
        for (int i = 0; i < keys.size(); i++) {
            assertThat(heap.get(i)).as("heap mgetInto of %s", keys.get(i)).isEqualTo(values.get(i));
            assertThat(directs.get(i)).as("direct mgetInto of %s", keys.get(i)).isEqualTo(values.get(i));
            assertThat(heap.get(i).position()).isZero();
            assertThat(directs.get(i).position()).isZero();
        }
        assertThat(backing.get(6)).as("bytes before the first destination are untouched").isZero();
    }

    @Test
    void aValueLargerThanTheStagingBufferIsStoredWhole() throws Exception {
        ByteBuffer huge = bytes(17 << 20, 5);
        await(client.mput(List.of("huge"), List.of(huge)));

        ByteBuffer into = ByteBuffer.allocate(huge.remaining());
        await(client.mgetInto(List.of("huge"), noMeta(1), List.of(into)));

        assertThat(into).isEqualTo(huge);
    }

    @Test
    void aMissingKeyFailsWithDataNotFoundNamingIt() throws Exception {
        await(client.mput(List.of("here"), List.of(bytes(4, 6))));
        List<String> keys = List.of("here", "p/3.1/gone", "p/4.1/gone");

        Throwable viaMget = failure(client.mget(keys, noMeta(3)));
        Throwable viaInto = failure(client.mgetInto(keys, noMeta(3), List.of(ByteBuffer.allocate(4),
                ByteBuffer.allocate(4), ByteBuffer.allocate(4))));

        for (Throwable t : List.of(viaMget, viaInto)) {
            assertThat(t).isInstanceOf(DataNotFoundException.class)
                    .hasMessageContaining("'p/3.1/gone'").hasMessageContaining("'p/4.1/gone'")
                    .hasMessageNotContaining("'here'");
        }
    }

    @Test
    void aStoredValueOfAnotherSizeIsABackendErrorNamingTheKey() throws Exception {
        await(client.mput(List.of("k"), List.of(bytes(10, 7))));

        for (int size : new int[] {9, 11}) {
            for (ByteBuffer d : List.of(ByteBuffer.allocate(size), ByteBuffer.allocateDirect(size))) {
                assertThat(failure(client.mgetInto(List.of("k"), noMeta(1), List.of(d))))
                        .isInstanceOf(BackendException.class).hasMessageContaining("'k'").hasMessageContaining("10 bytes");
            }
        }
    }

    @Test
    void mdeleteRemovesInOneBatchAndIgnoresMissingKeys() throws Exception {
        await(client.mput(List.of("a", "b", "c"), List.of(bytes(1, 1), bytes(2, 2), bytes(3, 3))));

        await(client.mdelete(List.of("a", "c", "never"), noMeta(3)));

        assertThat(await(client.mget(List.of("b"), noMeta(1)))).containsExactly(bytes(2, 2));
        assertThat(failure(client.mget(List.of("a"), noMeta(1)))).isInstanceOf(DataNotFoundException.class);
        RocksDB db = client.unwrap(RocksDB.class);
        assertThat(db.get("c".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void aPutOverwritesAndTheLaterValueOfARepeatedKeyWins() throws Exception {
        await(client.mput(List.of("k"), List.of(bytes(8, 1))));
        await(client.mput(List.of("k", "k"), List.of(bytes(3, 2), bytes(5, 3))));

        assertThat(await(client.mget(List.of("k"), noMeta(1)))).containsExactly(bytes(5, 3));
    }

    @Test
    void badArgumentsFailTheFutureWithInvalidRequest() {
        assertThat(failure(client.mput(List.of("a", "b"), List.of(bytes(1, 1)))))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(failure(client.mput(List.of("a"), Arrays.asList((ByteBuffer) null))))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(failure(client.mget(Arrays.asList("a", null), noMeta(2))))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(failure(client.mgetInto(List.of("a"), noMeta(1), List.of())))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(failure(client.mgetInto(List.of("a"), noMeta(1), List.of(ByteBuffer.allocate(1).asReadOnlyBuffer()))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("read-only");
    }

    @Test
    void callsRunOnTheClientsOwnNamedThreadsWhichStopAtClose() throws Exception {
        RocksDbStorageClient other = RocksDbStorageClient.open(RocksDbConfig.from(TqConfig.defaults()));
        List<Thread> mine;
        try {
            Set<Thread> before = rocksdbThreads();
            await(client.mput(List.of("t"), List.of(bytes(1, 1))));
            mine = new ArrayList<>(rocksdbThreads());
            mine.removeAll(before);
            assertThat(mine).as("tq-rocksdb-* threads started by the call").isNotEmpty();

            client.close();

            for (Thread t : mine) {
                t.join(30_000);
            }
            assertThat(mine).as("the closed client's threads").noneMatch(Thread::isAlive);
            assertThat(await(other.mget(List.of(), List.of()))).as("another client is not affected").isEmpty();
        } finally {
            other.close();
        }
    }

    private static Set<Thread> rocksdbThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("tq-rocksdb-")) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void afterCloseEveryCallFailsWithClosedExceptionAndCloseIsIdempotent() {
        client.close();
        client.close();

        assertThat(failure(client.mput(List.of("a"), List.of(bytes(1, 1))))).isInstanceOf(ClosedException.class);
        assertThat(failure(client.mget(List.of("a"), noMeta(1)))).isInstanceOf(ClosedException.class);
        assertThat(failure(client.mgetInto(List.of("a"), noMeta(1), List.of(ByteBuffer.allocate(1)))))
                .isInstanceOf(ClosedException.class);
        assertThat(failure(client.mdelete(List.of("a"), noMeta(1)))).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> client.unwrap(RocksDB.class)).isInstanceOf(ClosedException.class);
    }

    @Test
    @Timeout(30)
    void closeInAFutureCallbackOnAPoolThreadReturnsAndStillReleasesEverything() throws Exception {
        List<String> keys = List.of("cb/0", "cb/1", "cb/2");
        await(client.mput(keys, List.of(bytes(64, 1), bytes(64, 2), bytes(64, 3))));
        String thread = null;
        // a read may finish before the callback is attached, which then runs on this thread: try again
        for (int attempt = 0; attempt < 200 && thread == null; attempt++) {
            CompletableFuture<String> done = new CompletableFuture<>();
            client.mget(keys, noMeta(3)).whenComplete((v, t) -> {
                String name = Thread.currentThread().getName();
                if (name.startsWith("tq-rocksdb-")) {
                    client.close();
                    done.complete(name);
                } else {
                    done.complete(null);
                }
            });
            thread = done.get(10, TimeUnit.SECONDS);
        }

        assertThat(thread).as("a callback ran on a pool thread").isNotNull().contains("-io-");
        assertThat(failure(client.mget(keys, noMeta(3)))).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> client.unwrap(RocksDB.class)).isInstanceOf(ClosedException.class);
        String prefix = thread.substring(0, thread.indexOf("-io-") + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threadsNamed(prefix).size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(threadsNamed(prefix)).as("pool and closer threads of the closed client").isEmpty();
        client.close(); // a second close is harmless
    }

    private static Set<Thread> threadsNamed(String prefix) {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void closeWaitsForCallsInFlightAndFailsNoneOfThemHalfWay() throws Exception {
        List<CompletableFuture<List<Object>>> puts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            puts.add(client.mput(List.of("k" + i), List.of(bytes(256 * 1024, i))));
        }

        client.close();

        for (CompletableFuture<List<Object>> f : puts) {
            assertThat(f).isDone();
            f.handle((v, t) -> {
                assertThat(t == null || t instanceof ClosedException).as("outcome %s", t).isTrue();
                return null;
            }).join();
        }
    }
}
