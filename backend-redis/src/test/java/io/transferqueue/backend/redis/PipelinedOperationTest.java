package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.util.HashedWheelTimer;
import io.transferqueue.backend.redis.ChunkPlan.Chunk;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The window, failure and timeout rules of one pipelined operation, over a dispatcher the test answers by hand. */
class PipelinedOperationTest {
    private final HashedWheelTimer timer = new HashedWheelTimer(r -> {
        Thread t = new Thread(r, "test-timer");
        t.setDaemon(true);
        return t;
    }, 10, TimeUnit.MILLISECONDS);
    /** Commands dispatched and not yet answered by the test. */
    private final List<AsyncCommand<String, ByteBuffer, ?>> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger dispatches = new AtomicInteger();
    private volatile RuntimeException dispatchFailure;

    @AfterEach
    void stopTimer() {
        timer.stop();
    }

    private void dispatch(List<Chunk> chunks, List<AsyncCommand<String, ByteBuffer, ?>> commands) {
        assertThat(chunks).hasSameSizeAs(commands);
        dispatches.incrementAndGet();
        if (dispatchFailure != null) {
            throw dispatchFailure;
        }
        sent.addAll(commands);
    }

    private static List<Chunk> chunks(int n, long bytes) {
        List<Chunk> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Chunk(new int[] {i}, bytes, -1));
        }
        return out;
    }

    private PipelinedOperation op(List<Chunk> chunks, long window, Duration idle) {
        return new PipelinedOperation(this::dispatch, timer, chunks, (c, abandoned) -> new AsyncCommand<>(new Command<>(
                CommandType.SET, new StatusOutput<>(ByteBufferCodec.INSTANCE), new CommandArgs<>(ByteBufferCodec.INSTANCE))),
                window, idle);
    }

    private void answer(int i) {
        AsyncCommand<String, ByteBuffer, ?> c = sent.get(i);
        c.getOutput().set(ByteBuffer.wrap("OK".getBytes()));
        c.complete();
    }

    @Test
    void commandsAreSentInAWindowAndTheNextGoAsRepliesArrive() throws Exception {
        long w = PipelinedOperation.weight(new Chunk(new int[] {0}, 1000, -1));
        CompletableFuture<Void> done = op(chunks(10, 1000), 3 * w, Duration.ofSeconds(30)).start();

        assertThat(sent).as("the first window").hasSize(3);
        answer(0);
        assertThat(sent).as("one reply lets one more go").hasSize(4);
        answer(1);
        answer(2);
        answer(3);
        assertThat(sent).hasSize(7);
        for (int i = 4; i < 10; i++) {
            assertThat(done).isNotDone();
            answer(i);
        }
        assertThat(done.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(sent).hasSize(10);
    }

    @Test
    void aChunkLargerThanTheWindowStillGoesAloneWhenNothingIsInFlight() throws Exception {
        CompletableFuture<Void> done = op(chunks(2, 1 << 20), 1024, Duration.ofSeconds(30)).start();

        assertThat(sent).hasSize(1);
        answer(0);
        assertThat(sent).hasSize(2);
        answer(1);
        assertThat(done.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void afterAFailureNothingMoreIsSentAndTheOperationEndsOnceTheCommandsInFlightEnd() {
        CompletableFuture<Void> done = op(chunks(10, 1), Long.MAX_VALUE / 2, Duration.ofSeconds(30)).start();
        // a large window: all ten in flight
        assertThat(sent).hasSize(10);
        sent.get(3).completeExceptionally(new RedisException("boom"));
        answer(0);
        assertThat(done).as("commands 1, 2, 4.. are still in flight").isNotDone();
        for (int i = 1; i < 10; i++) {
            if (i != 3) {
                answer(i);
            }
        }
        assertThat(done).isCompletedExceptionally();
        assertThat(causeOf(done)).isInstanceOf(RedisException.class).hasMessage("boom");
    }

    @Test
    void aFailureInTheFirstWindowStopsTheRest() {
        long w = PipelinedOperation.weight(new Chunk(new int[] {0}, 10, -1));
        CompletableFuture<Void> done = op(chunks(6, 10), 2 * w, Duration.ofSeconds(30)).start();

        sent.get(0).completeExceptionally(new RedisException("Currently not connected. Commands are rejected."));
        answer(1);

        assertThat(sent).as("nothing sent after the failure").hasSize(2);
        assertThat(causeOf(done)).hasMessageContaining("not connected");
    }

    @Test
    void aConnectionThatThrowsFailsTheOperation() {
        dispatchFailure = new RedisException("Connection is closed");

        CompletableFuture<Void> done = op(chunks(3, 10), 1 << 20, Duration.ofSeconds(30)).start();

        assertThat(causeOf(done)).hasMessage("Connection is closed");
    }

    @Test
    void noReplyWithinTheIdleTimeoutFailsTheCommandsInFlight() {
        CompletableFuture<Void> done = op(chunks(3, 10), 1 << 20, Duration.ofMillis(100)).start();

        Throwable cause = causeOf(done);

        assertThat(cause).isInstanceOf(RedisCommandTimeoutException.class);
        assertThat(sent).allSatisfy(c -> assertThat(c.isCompletedExceptionally()).isTrue());
    }

    @Test
    void anEmptyOperationSucceedsAtOnce() {
        assertThat(op(List.of(), 1, Duration.ofSeconds(1)).start()).isCompletedWithValue(null);
        assertThat(dispatches).hasValue(0);
    }

    private static Throwable causeOf(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
