package io.transferqueue.backend.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * An in-process stand-in for a Redis server behind a Lettuce {@link StatefulConnection}: commands are encoded to
 * RESP exactly as Lettuce would send them, parsed, executed against a map (MSET, SET ... PX, MGET, UNLINK) and
 * answered through the command's own output on a single "I/O" thread. Faults can be injected per key or per
 * command, so the client's handling of nil, short, oversized, error and missing replies is tested without a
 * server.
 */
final class FakeRedis implements AutoCloseable {
    /** What to do with one key of an MGET reply. */
    enum Fault {
        /** Reply nil, as for a missing key. */
        NIL,
        /** Reply an empty string instead of the value. */
        EMPTY,
        /** Reply the value without its last byte. */
        TRUNCATED
    }

    final Map<String, byte[]> data = new ConcurrentHashMap<>();
    final Map<String, Long> pttl = new ConcurrentHashMap<>();
    /** Every command received: name and argument count ("MSET 6"). */
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Commands held without an answer while {@link #hang} is set. */
    final List<RedisCommand<String, ByteBuffer, ?>> held = new CopyOnWriteArrayList<>();

    volatile Function<String, Fault> faults = k -> null;
    /** Reject every command as Lettuce does while disconnected (REJECT_COMMANDS). */
    volatile boolean disconnected;
    /** Answer every command with this error reply. */
    volatile String errorReply;
    /** Answer nothing. */
    volatile boolean hang;
    /** Answer MGETs with one value fewer than asked. */
    volatile boolean shortReplies;
    /** Fail the n-th command (counting from 1) with an error reply; 0 for none. */
    volatile int failNth;
    /** Act as a cluster node that owns every slot: a multi-key command across slots is a CROSSSLOT error. */
    volatile boolean cluster;

    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-redis-io");
        t.setDaemon(true);
        return t;
    });
    private int count;

    @SuppressWarnings("unchecked")
    StatefulConnection<String, ByteBuffer> connection() {
        AtomicBoolean open = new AtomicBoolean(true);
        return (StatefulConnection<String, ByteBuffer>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StatefulConnection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "dispatch":
                            if (args[0] instanceof Collection<?> c) {
                                for (Object o : c) {
                                    submit((RedisCommand<String, ByteBuffer, ?>) o, open.get());
                                }
                                return c;
                            }
                            submit((RedisCommand<String, ByteBuffer, ?>) args[0], open.get());
                            return args[0];
                        case "close":
                            open.set(false);
                            return null;
                        case "isOpen":
                            return open.get();
                        case "toString":
                            return "FakeRedis connection";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private void submit(RedisCommand<String, ByteBuffer, ?> c, boolean open) {
        if (!open) {
            c.completeExceptionally(new RedisException("Connection is closed"));
            return;
        }
        if (disconnected) {
            c.completeExceptionally(new RedisException("Currently not connected. Commands are rejected."));
            return;
        }
        if (hang) {
            held.add(c);
            return;
        }
        List<byte[]> args = parse(c);
        io.execute(() -> execute(c, args));
    }

    /** The command as Lettuce encodes it for the socket. */
    private static List<byte[]> parse(RedisCommand<String, ByteBuffer, ?> c) {
        ByteBuf buf = Unpooled.buffer();
        try {
            c.encode(buf);
            String header = line(buf);
            if (!header.startsWith("*")) {
                throw new IllegalStateException("not a RESP array: " + header);
            }
            int n = Integer.parseInt(header.substring(1));
            List<byte[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String h = line(buf);
                int len = Integer.parseInt(h.substring(1));
                byte[] b = new byte[len];
                buf.readBytes(b);
                buf.skipBytes(2);
                out.add(b);
            }
            return out;
        } finally {
            buf.release();
        }
    }

    private static String line(ByteBuf buf) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            byte b = buf.readByte();
            if (b == '\r') {
                buf.readByte();
                return sb.toString();
            }
            sb.append((char) b);
        }
    }

    private void execute(RedisCommand<String, ByteBuffer, ?> c, List<byte[]> args) {
        if (c.isDone()) {
            return;
        }
        String name = new String(args.get(0), StandardCharsets.US_ASCII);
        log.add(name + " " + (args.size() - 1));
        CommandOutput<String, ByteBuffer, ?> out = c.getOutput();
        int nth;
        synchronized (this) {
            nth = ++count;
        }
        if (errorReply != null || nth == failNth) {
            out.setError(errorReply != null ? errorReply : "ERR injected failure of command " + nth);
            c.complete();
            return;
        }
        if (cluster && crossSlot(name, args)) {
            out.setError("CROSSSLOT Keys in request don't hash to the same slot");
            c.complete();
            return;
        }
        switch (name) {
            case "MSET":
                for (int i = 1; i + 1 < args.size(); i += 2) {
                    String k = key(args.get(i));
                    data.put(k, args.get(i + 1));
                    pttl.remove(k);
                }
                out.set(ByteBuffer.wrap("OK".getBytes(StandardCharsets.US_ASCII)));
                break;
            case "SET": {
                String k = key(args.get(1));
                data.put(k, args.get(2));
                if (args.size() == 5 && "PX".equals(key(args.get(3)))) {
                    pttl.put(k, Long.parseLong(key(args.get(4))));
                } else {
                    pttl.remove(k);
                }
                out.set(ByteBuffer.wrap("OK".getBytes(StandardCharsets.US_ASCII)));
                break;
            }
            case "MGET": {
                int n = args.size() - 1 - (shortReplies ? 1 : 0);
                out.multi(n);
                for (int i = 1; i <= n; i++) {
                    String k = key(args.get(i));
                    byte[] v = data.get(k);
                    Fault f = faults.apply(k);
                    if (v == null || f == Fault.NIL) {
                        out.set((ByteBuffer) null);
                    } else if (f == Fault.EMPTY) {
                        out.set(ByteBuffer.allocate(0));
                    } else if (f == Fault.TRUNCATED) {
                        out.set(ByteBuffer.wrap(v, 0, Math.max(0, v.length - 1)));
                    } else {
                        out.set(ByteBuffer.wrap(v));
                    }
                }
                break;
            }
            case "UNLINK": {
                long removed = 0;
                for (int i = 1; i < args.size(); i++) {
                    String k = key(args.get(i));
                    if (data.remove(k) != null) {
                        removed++;
                    }
                    pttl.remove(k);
                }
                out.set(removed);
                break;
            }
            default:
                out.setError("ERR unknown command '" + name + "'");
        }
        c.complete();
    }

    private static boolean crossSlot(String name, List<byte[]> args) {
        int step = name.equals("MSET") ? 2 : 1;
        int last = name.equals("SET") ? 1 : args.size() - 1;
        int slot = -1;
        for (int i = 1; i <= last; i += step) {
            int s = SlotHash.getSlot(args.get(i));
            if (slot >= 0 && s != slot) {
                return true;
            }
            slot = s;
        }
        return false;
    }

    private static String key(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    byte[] value(String redisKey) {
        return data.get(redisKey);
    }

    /** Commands received, by name. */
    long commands(String name) {
        return log.stream().filter(l -> l.startsWith(name + " ")).count();
    }

    @Override
    public void close() {
        io.shutdownNow();
        try {
            io.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FakeRedis" + Arrays.toString(data.keySet().toArray());
    }
}
