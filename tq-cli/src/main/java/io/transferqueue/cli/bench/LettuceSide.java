package io.transferqueue.cli.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raw Lettuce, the baseline of {@code redis}: pipelined {@code SET}s of the same cells (as {@code byte[]} made
 * once before the clock, {@link ByteArrayCodec}) against the same server, at most {@value #WINDOW} commands in
 * flight; reads the same way with {@code GET}. Deletes ({@code UNLINK}) are not timed.
 *
 * <p>A window rather than the whole batch at once: with every command of a 1.5 GiB batch queued, Netty holds the
 * whole encoded batch and the server the whole reply, which costs gigabytes of memory and ran slower than a window
 * in {@code RedisPutBenchmark} (backend-redis), so the window is the stronger baseline.
 */
final class LettuceSide implements Side {
    private static final long WAIT_MINUTES = 10;
    /** Commands in flight. */
    static final int WINDOW = 64;

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;

    LettuceSide(RedisURI uri) {
        this.client = RedisClient.create(uri);
        try {
            this.connection = client.connect(ByteArrayCodec.INSTANCE);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    @Override
    public String name() {
        return "raw-lettuce";
    }

    @Override
    public List<String> ops() {
        return List.of("PUT", "GET");
    }

    @Override
    public long[] iterate(Workload w, int iteration, boolean verify) throws Exception {
        byte[][] values = w.cellArrays();
        byte[][] keys = new byte[values.length][];
        String prefix = "tq-bench-raw:" + w.label() + ":" + iteration + ":";
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (prefix + i).getBytes(StandardCharsets.UTF_8);
        }
        RedisAsyncCommands<byte[], byte[]> a = connection.async();
        long t0 = System.nanoTime();
        ArrayDeque<RedisFuture<String>> sets = new ArrayDeque<>();
        for (int i = 0; i < keys.length; i++) {
            sets.add(a.set(keys[i], values[i]));
            if (sets.size() >= WINDOW) {
                sets.poll().get(WAIT_MINUTES, TimeUnit.MINUTES);
            }
        }
        while (!sets.isEmpty()) {
            sets.poll().get(WAIT_MINUTES, TimeUnit.MINUTES);
        }
        long t1 = System.nanoTime();
        List<byte[]> got = new ArrayList<>(keys.length);
        ArrayDeque<RedisFuture<byte[]>> gets = new ArrayDeque<>();
        for (byte[] k : keys) {
            gets.add(a.get(k));
            if (gets.size() >= WINDOW) {
                got.add(gets.poll().get(WAIT_MINUTES, TimeUnit.MINUTES));
            }
        }
        while (!gets.isEmpty()) {
            got.add(gets.poll().get(WAIT_MINUTES, TimeUnit.MINUTES));
        }
        long t2 = System.nanoTime();
        if (verify) {
            w.verifyArrays(got, name());
        }
        got = null;
        for (int i = 0; i < keys.length; i += 1000) {
            a.unlink(Arrays.copyOfRange(keys, i, Math.min(keys.length, i + 1000))).get(WAIT_MINUTES, TimeUnit.MINUTES);
        }
        return new long[] {t1 - t0, t2 - t1};
    }

    @Override
    public void done(Workload w) {
        w.releaseArrays();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(0, 10, TimeUnit.SECONDS);
        }
    }
}
