package io.transferqueue.backend.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.protocol.AsyncCommand;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.transferqueue.backend.redis.ChunkPlan.Chunk;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One operation's commands (one per {@link Chunk}), pipelined over a shared connection in a bounded window:
 * commands are sent without waiting for replies while their bytes in flight stay under {@code windowBytes}
 * (at least one command is always in flight); each reply lets the next commands go. This keeps the server and
 * the socket busy without copying a whole multi-gigabyte batch into Netty's buffers at once.
 *
 * <p>The operation succeeds only if every command does. On the first failure no further command is sent; the
 * operation completes once every command already sent has completed, so nothing is still reading the caller's
 * buffers. If no command answers for {@code idleTimeout} (whatever the connection's own timeout options), the
 * commands in flight are failed with {@link RedisCommandTimeoutException}.
 *
 * <p>{@link #start()}'s future completes on a Lettuce I/O thread (the one that completed the last command), on
 * the timer thread after a timeout, or on the caller's thread when the connection rejects the commands at once.
 */
final class PipelinedOperation {
    /** Bytes counted per key on top of its key and value bytes (command framing), for the window. */
    static final int PER_KEY_WEIGHT = 64;

    /**
     * Sends commands (never blocking; a failure to send is reported by completing the commands exceptionally).
     * {@code chunks.get(i)} is the chunk of {@code commands.get(i)}.
     */
    interface Dispatcher {
        void dispatch(List<Chunk> chunks, List<AsyncCommand<String, ByteBuffer, ?>> commands);
    }

    /** Builds the command of one chunk; {@code abandoned} turns true once the operation failed. */
    interface CommandFactory {
        AsyncCommand<String, ByteBuffer, ?> command(Chunk chunk, BooleanSupplier abandoned);
    }

    private record Sent(Chunk chunk, AsyncCommand<String, ByteBuffer, ?> command, long weight) {
    }

    private final Dispatcher dispatcher;
    private final Timer timer;
    private final List<Chunk> chunks;
    private final CommandFactory factory;
    private final long windowBytes;
    private final long idleTimeoutNanos;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean abandoned;

    // guarded by this
    private int next;
    private long inFlightWeight;
    private final Set<Sent> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());
    private Throwable failure;
    private boolean finished;
    private long lastProgress;
    private Timeout watchdog;

    PipelinedOperation(Dispatcher dispatcher, Timer timer, List<Chunk> chunks, CommandFactory factory,
            long windowBytes, Duration idleTimeout) {
        this.dispatcher = dispatcher;
        this.timer = timer;
        this.chunks = chunks;
        this.factory = factory;
        this.windowBytes = windowBytes;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    /** Weight of a chunk in the window. */
    static long weight(Chunk c) {
        return c.bytes() + (long) c.size() * PER_KEY_WEIGHT;
    }

    /**
     * True once the operation failed: replies still arriving must not be written into the caller's buffers.
     */
    boolean isAbandoned() {
        return abandoned;
    }

    /** Sends the first window of commands. Completes with null or with the first failure (as Lettuce raised it). */
    CompletableFuture<Void> start() {
        List<Sent> first;
        synchronized (this) {
            lastProgress = System.nanoTime();
            if (chunks.isEmpty()) {
                finished = true;
                done.complete(null);
                return done;
            }
            first = take();
            armWatchdog(idleTimeoutNanos);
        }
        send(first);
        return done;
    }

    /** Commands that fit the window now; builds them. Caller holds the lock. */
    private List<Sent> take() {
        List<Sent> out = new ArrayList<>();
        while (next < chunks.size()) {
            Chunk c = chunks.get(next);
            long w = weight(c);
            if (!inFlight.isEmpty() && inFlightWeight + w > windowBytes) {
                break;
            }
            next++;
            Sent s = new Sent(c, factory.command(c, this::isAbandoned), w);
            inFlight.add(s);
            inFlightWeight += w;
            out.add(s);
        }
        return out;
    }

    private void send(List<Sent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<AsyncCommand<String, ByteBuffer, ?>> commands = new ArrayList<>(batch.size());
        List<Chunk> sentChunks = new ArrayList<>(batch.size());
        for (Sent s : batch) {
            s.command.whenComplete((r, e) -> onComplete(s, e));
            commands.add(s.command);
            sentChunks.add(s.chunk);
        }
        try {
            dispatcher.dispatch(sentChunks, commands);
        } catch (RuntimeException | Error e) {
            for (AsyncCommand<String, ByteBuffer, ?> c : commands) {
                c.completeExceptionally(e);
            }
        }
    }

    private void onComplete(Sent s, Throwable error) {
        List<Sent> more = List.of();
        boolean finish = false;
        synchronized (this) {
            if (!inFlight.remove(s)) {
                return;
            }
            inFlightWeight -= s.weight;
            lastProgress = System.nanoTime();
            if (error != null && failure == null) {
                failure = error;
                abandoned = true;
            }
            if (failure == null) {
                more = take();
            }
            if (inFlight.isEmpty() && !finished && (failure != null || next == chunks.size())) {
                finished = true;
                finish = true;
            }
        }
        if (finish) {
            finish();
        } else {
            send(more);
        }
    }

    private void finish() {
        Throwable f;
        synchronized (this) {
            if (watchdog != null) {
                watchdog.cancel();
            }
            f = failure;
        }
        if (f != null) {
            done.completeExceptionally(f);
        } else {
            done.complete(null);
        }
    }

    /** Caller holds the lock. */
    private void armWatchdog(long delayNanos) {
        try {
            watchdog = timer.newTimeout(t -> checkIdle(), delayNanos, TimeUnit.NANOSECONDS);
        } catch (IllegalStateException e) {
            // the timer is stopped: the connection is being closed, which fails the commands anyway
            watchdog = null;
        }
    }

    private void checkIdle() {
        List<Sent> expired;
        Throwable f;
        synchronized (this) {
            if (finished) {
                return;
            }
            long idle = System.nanoTime() - lastProgress;
            if (idle < idleTimeoutNanos) {
                armWatchdog(idleTimeoutNanos - idle);
                return;
            }
            if (failure == null) {
                failure = new RedisCommandTimeoutException("no reply for " + Duration.ofNanos(idle).toMillis()
                        + " ms");
            }
            abandoned = true;
            f = failure;
            expired = new ArrayList<>(inFlight);
        }
        for (Sent s : expired) {
            s.command.completeExceptionally(f);
        }
    }

    /** For tests: the window and where the operation stands. */
    @Override
    public synchronized String toString() {
        return "PipelinedOperation(" + chunks.size() + " commands, " + next + " sent, " + inFlight.size()
                + " in flight, window " + windowBytes + " bytes" + (failure == null ? "" : ", failed: " + failure) + ")";
    }
}
