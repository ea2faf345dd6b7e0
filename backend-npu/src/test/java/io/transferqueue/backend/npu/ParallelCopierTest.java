package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.TqConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ParallelCopierTest {
    private static final long MIB = 1 << 20;

    private static long[] sizes(int n, long each) {
        long[] s = new long[n];
        Arrays.fill(s, each);
        return s;
    }

    @Test
    void splitCoversEveryCellOnceInNonEmptyRangesOfAboutEqualBytes() {
        long[] s = {5 * MIB, 1, 1, 1, 3 * MIB, 3 * MIB, 2 * MIB, 2};
        long total = Arrays.stream(s).sum();
        for (int parts = 2; parts <= s.length; parts++) {
            int[] b = ParallelCopier.split(s, total, parts);
            assertThat(b[0]).isZero();
            assertThat(b[parts]).isEqualTo(s.length);
            for (int p = 0; p < parts; p++) {
                assertThat(b[p + 1]).as("range %d of %d is not empty", p, parts).isGreaterThan(b[p]);
            }
        }
        int[] two = ParallelCopier.split(s, total, 2);
        assertThat(two).containsExactly(0, 4, 8); // 5 MiB + 3 bytes | 8 MiB + 2 bytes
        assertThat(ParallelCopier.split(sizes(4, MIB), 4 * MIB, 4)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aSmallRequestIsCopiedByTheCallingThreadAlone() {
        try (ParallelCopier c = new ParallelCopier(4, "test-copy")) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            c.forEach(sizes(16, 64 * 1024), i -> threads.add(Thread.currentThread().getName()));
            assertThat(threads).containsExactly(Thread.currentThread().getName());
        }
    }

    @Test
    void aLargeRequestIsSharedWithHelperThreadsAndEveryCellIsCopiedExactlyOnce() {
        try (ParallelCopier c = new ParallelCopier(3, "test-copy")) {
            AtomicIntegerArray calls = new AtomicIntegerArray(30);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            c.forEach(sizes(30, MIB), i -> {
                calls.incrementAndGet(i);
                threads.add(Thread.currentThread().getName());
            });
            for (int i = 0; i < 30; i++) {
                assertThat(calls.get(i)).as("calls of cell %d", i).isEqualTo(1);
            }
            assertThat(threads).hasSize(3).contains(Thread.currentThread().getName());
            assertThat(threads).filteredOn(n -> n.startsWith("test-copy-")).hasSize(2);
        }
    }

    @Test
    void aFailureIsThrownOnlyOnceEveryRangeHasEndedWithTheOthersSuppressed() {
        try (ParallelCopier c = new ParallelCopier(2, "test-copy")) {
            AtomicIntegerArray calls = new AtomicIntegerArray(16);
            assertThatThrownBy(() -> c.forEach(sizes(16, MIB), i -> {
                if (i == 3 || i == 12) {
                    try {
                        Thread.sleep(i == 3 ? 200 : 0); // the caller's range fails last
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("cell " + i);
                }
                calls.incrementAndGet(i);
            })).isInstanceOf(IllegalStateException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
            // each range stops at its failure; the cells before it were copied, none twice
            for (int i = 0; i < 3; i++) {
                assertThat(calls.get(i)).isEqualTo(1);
            }
            for (int i = 8; i < 12; i++) {
                assertThat(calls.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void oneThreadMeansNoHelperAndCloseStopsTheHelpers() throws Exception {
        try (ParallelCopier one = new ParallelCopier(1, "test-one")) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            one.forEach(sizes(32, MIB), i -> threads.add(Thread.currentThread().getName()));
            assertThat(threads).containsExactly(Thread.currentThread().getName());
        }
        ParallelCopier c = new ParallelCopier(2, "test-closing");
        c.forEach(sizes(16, MIB), i -> { });
        assertThat(threadsNamed("test-closing-")).isNotEmpty();
        c.close();
        awaitNoThreadsNamed("test-closing-");
        assertThatThrownBy(() -> new ParallelCopier(0, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> runtimes() {
        return Stream.of(Arguments.of("host", NpuTestConfigs.host()), Arguments.of("fake acl", NpuTestConfigs.fakeAcl()),
                Arguments.of("fake cuda", NpuTestConfigs.fakeCuda()));
    }

    /** The helper threads copy through the runtime too: the fake acl runtime fails a thread without a context. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void aPutAndGetLargerThanTheThresholdRoundTripOnEveryRuntime(String name, TqConfig base) throws Exception {
        Random rnd = new Random(7);
        int n = 12;
        List<String> keys = new ArrayList<>();
        List<ByteBuffer> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("k" + i);
            byte[] b = new byte[(int) MIB + i];
            rnd.nextBytes(b);
            values.add(ByteBuffer.wrap(b));
        }
        try (NpuKvStorageClient client = NpuKvStorageClient.open(NpuConfig.from(base.with(NpuOptions.COPY_THREADS, 3)))) {
            client.mput(keys, values).join();
            List<ByteBuffer> fresh = client.mget(keys, null).join();
            List<ByteBuffer> into = new ArrayList<>();
            for (ByteBuffer v : values) {
                into.add(destination(v.remaining()));
            }
            client.mgetInto(keys, null, into).join();
            int[] sizes = values.stream().mapToInt(ByteBuffer::remaining).toArray();
            List<ByteBuffer> owned = client.mgetOwned(keys, null, sizes).join();
            for (int i = 0; i < n; i++) {
                assertThat(fresh.get(i)).as("%s mget of %s", name, keys.get(i)).isEqualTo(values.get(i));
                assertThat(into.get(i)).as("%s mgetInto of %s", name, keys.get(i)).isEqualTo(values.get(i));
                assertThat(owned.get(i)).as("%s mgetOwned of %s", name, keys.get(i)).isEqualTo(values.get(i));
                assertThat(owned.get(i).isReadOnly()).isFalse();
            }
            int[] wrong = sizes.clone();
            wrong[5]++;
            assertThatThrownBy(() -> client.mgetOwned(keys, null, wrong).join())
                    .hasCauseInstanceOf(io.transferqueue.error.BackendException.class).hasMessageContaining("'k5'");
            assertThatThrownBy(() -> client.mgetOwned(keys, null, new int[3]).join())
                    .hasCauseInstanceOf(io.transferqueue.error.InvalidRequestException.class);
            client.mdelete(keys, null).join();
        }
        awaitNoThreadsNamed("tq-npu-copy-");
    }

    private static void awaitNoThreadsNamed(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!threadsNamed(prefix).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(threadsNamed(prefix)).as("threads %s* after close", prefix).isEmpty();
    }

    /** Direct and heap destinations alternate: both copy paths run. */
    private static ByteBuffer destination(int size) {
        return size % 2 == 0 ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    private static List<String> threadsNamed(String prefix) {
        List<String> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                out.add(t.getName());
            }
        }
        return out;
    }
}
