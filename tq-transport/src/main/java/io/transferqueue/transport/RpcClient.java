package io.transferqueue.transport;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.wire.WireCodec;
import io.transferqueue.wire.WireLimits;
import io.transferqueue.wire.WireMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The client side of the transport: one long-lived DEALER socket per peer, one I/O thread that owns them,
 * request ids to match answers, and a deadline on every call. Callers on any thread get a
 * {@link CompletableFuture} completed on the client's completion threads (never on the I/O thread).
 *
 * <p>A peer that does not answer within the deadline fails the call with
 * {@link BackendUnavailableException} naming it; the socket to that peer is then closed, which drops whatever
 * was still queued for it (so a timed-out request is never sent late) and fails its other calls. The next
 * call opens a new connection, so a restarted peer is used again without any action.
 *
 * <p>A new connection is used only after a {@link Protocol#HELLO} round trip succeeded on it; until then
 * requests wait in the client. If the HELLO is not answered quickly the socket is replaced and the HELLO
 * sent again (with jeromq 0.6.0 a connection made while another closes can stay silent forever; a request
 * sent on it would be lost). A peer of another protocol version fails every waiting request with
 * {@link io.transferqueue.error.ProtocolVersionException}.
 *
 * <p>Buffers of a request are sent without copying ({@link io.transferqueue.wire.Encoding#FRAMES}): the
 * caller must not change them until the call's future completes.
 */
public final class RpcClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcClient.class);

    /**
     * What both ends of an RPC accept in one message: the default wire limits (so every value the data model
     * accepts passes), without a bound on the total size, which the peers' memory and the storage limits bound.
     */
    static final WireLimits RECEIVE_LIMITS = new WireLimits(WireLimits.DEFAULT.maxDepth(),
            WireLimits.DEFAULT.maxFrames(), WireLimits.DEFAULT.maxRows(), Long.MAX_VALUE);
    private static final long FIRST_HELLO_RETRY_MILLIS = 250;
    private static final long MAX_HELLO_RETRY_MILLIS = 2000;
    /** How long closing waits for the CANCELs of calls still open to leave. */
    private static final int CANCEL_LINGER_MILLIS = 100;

    private final String name;
    private final RpcSettings settings;
    private final ZContext ctx;
    private final Wakeup wakeup;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1);
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService completions;
    private final Thread io;
    /** Peer address → its connection; touched only by the I/O thread. */
    private final Map<String, Peer> peers = new HashMap<>();
    /** Makes registering a call and closing mutually exclusive, so no call slips in after close swept them. */
    private final Object registration = new Object();
    /** Held for the whole of {@link #close()}: a second caller returns only once everything is released. */
    private final Object closing = new Object();
    private ZMQ.Poller poller;

    /** A connection to one peer (I/O thread only). */
    private static final class Peer {
        final String address;
        ZMQ.Socket socket;
        boolean ready;
        long helloId;
        int attempts;
        long connectingSince;
        final java.util.ArrayDeque<Outgoing> waiting = new java.util.ArrayDeque<>();

        Peer(String address) {
            this.address = address;
        }
    }

    private record Outgoing(long id, List<ByteBuffer> frames) {
    }

    private static final class Pending {
        final String peer;
        final int type;
        final CompletableFuture<WireMessage> future;
        /** Set before the call is published in {@code pending}. */
        ScheduledFuture<?> timeout;
        /** The connection the request was sent or queued on (set by the I/O thread). */
        volatile Peer connection;

        Pending(String peer, int type, CompletableFuture<WireMessage> future) {
            this.peer = peer;
            this.type = type;
            this.future = future;
        }

        void cancelTimeout() {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    private RpcClient(String name, RpcSettings settings) {
        this.name = requireNonNull(name, "name is null");
        this.settings = requireNonNull(settings, "settings is null");
        String n = Integer.toHexString(System.identityHashCode(this));
        ctx = new ZContext(1);
        wakeup = new Wakeup(ctx, "tq-client-wake");
        timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "tq-rpc-" + name + "-timer-" + n));
        timer.setRemoveOnCancelPolicy(true);
        AtomicInteger t = new AtomicInteger();
        completions = Executors.newFixedThreadPool(2, r -> daemon(r, "tq-rpc-" + name + "-complete-" + n + "-"
                + t.incrementAndGet()));
        io = new Thread(this::loop, "tq-rpc-" + name + "-io-" + n);
        io.setDaemon(true);
    }

    private static Thread daemon(Runnable r, String threadName) {
        Thread th = new Thread(r, threadName);
        th.setDaemon(true);
        return th;
    }

    /** A client with its own ZeroMQ context and I/O thread. */
    public static RpcClient create(String name, RpcSettings settings) {
        RpcClient c = new RpcClient(name, settings);
        c.io.start();
        return c;
    }

    /** The settings (timeout, encoding, limits). */
    public RpcSettings settings() {
        return settings;
    }

    /**
     * Sends a request and waits for its answer.
     *
     * @param peer {@code tcp://host:port}
     * @param timeout deadline; the future then fails with {@link BackendUnavailableException}
     * @return the answer; an error answer completes the future with the peer's typed exception. Never throws
     *         for a closed client: the future then fails with {@link ClosedException}
     */
    public CompletableFuture<WireMessage> call(String peer, int type, Map<String, Object> body,
            List<ByteBuffer> payloads, Duration timeout) {
        CompletableFuture<WireMessage> f = new CompletableFuture<>();
        if (!wakeup.running()) {
            f.completeExceptionally(new ClosedException(name + " is closed"));
            return f;
        }
        String address;
        List<ByteBuffer> frames;
        long id = ids.getAndIncrement();
        try {
            address = Endpoints.check(peer);
            frames = WireCodec.encode(new WireMessage(type, id, 0, body, payloads), settings.encoding());
        } catch (TransferQueueException e) {
            f.completeExceptionally(e);
            return f;
        } catch (RuntimeException e) {
            f.completeExceptionally(new io.transferqueue.error.InvalidRequestException(
                    "request could not be encoded: " + e.getMessage(), e));
            return f;
        }
        long timeoutNanos;
        try {
            timeoutNanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            timeoutNanos = Long.MAX_VALUE; // longer than 292 years: as good as no deadline
        }
        Pending p = new Pending(address, type, f);
        synchronized (registration) {
            if (!wakeup.running()) {
                f.completeExceptionally(new ClosedException(name + " is closed"));
                return f;
            }
            try {
                p.timeout = timer.schedule(() -> expire(id), timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                f.completeExceptionally(new ClosedException(name + " is closed", e));
                return f;
            }
            pending.put(id, p);
        }
        if (p.timeout.isDone()) {
            expire(id); // the deadline passed before the call was published
        }
        f.whenComplete((r, t) -> {
            if (f.isCancelled() && pending.remove(id) != null) {
                p.cancelTimeout();
                tasks.add(() -> cancelRemote(p, id));
                wake();
            }
        });
        tasks.add(() -> send(id, address, frames));
        wake();
        return f;
    }

    /** Calls sent and not yet answered, failed or expired. */
    int pendingCalls() {
        return pending.size();
    }

    /** {@link #call} with the configured timeout. */
    public CompletableFuture<WireMessage> call(String peer, int type, Map<String, Object> body,
            List<ByteBuffer> payloads) {
        return call(peer, type, body, payloads, settings.timeout());
    }

    /**
     * Checks that {@code peer} speaks this protocol version.
     *
     * @return the peer's role name
     */
    public CompletableFuture<String> hello(String peer, String role) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("protocol", (long) Protocol.VERSION);
        body.put("role", role);
        return call(peer, Protocol.HELLO, body, List.of()).thenApply(r -> String.valueOf(r.body().get("role")));
    }

    private void expire(long id) {
        Pending p = pending.remove(id);
        if (p == null) {
            return;
        }
        // drop the connection this request used (not a newer one a later call may already have opened)
        tasks.add(() -> {
            Peer used = p.connection;
            if (used != null && peers.get(p.peer) == used) {
                dropPeer(p.peer, "a request to it timed out");
            }
        });
        wake();
        complete(p, null, new BackendUnavailableException("no answer from " + p.peer + " to "
                + Protocol.name(p.type) + " within the deadline; the peer may be down"));
    }

    private void complete(Pending p, WireMessage value, Throwable error) {
        p.cancelTimeout();
        try {
            completions.execute(() -> {
                if (error != null) {
                    p.future.completeExceptionally(error);
                } else {
                    p.future.complete(value);
                }
            });
        } catch (RejectedExecutionException e) {
            p.future.completeExceptionally(new ClosedException(name + " is closed"));
        }
    }

    private void wake() {
        wakeup.wake();
    }

    // ------------------------------------------------------------------ I/O thread

    private void loop() {
        poller = ctx.createPoller(8);
        poller.register(wakeup.receiver(), ZMQ.Poller.POLLIN);
        try {
            while (wakeup.running()) {
                try {
                    poller.poll(-1);
                } catch (ZMQException e) {
                    if (!wakeup.running()) {
                        break;
                    }
                    continue;
                }
                wakeup.drain();
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                for (Peer p : new ArrayList<>(peers.values())) {
                    for (int i = 0; i < 64 && p.socket != null; i++) {
                        if (!receiveOne(p)) {
                            break;
                        }
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("{}: I/O thread stopped by an unexpected error", name, e);
        } finally {
            try {
                cancelOpenCalls();
            } catch (RuntimeException e) {
                LOG.debug("{}: could not tell every peer to stop the calls still open: {}", name, e.toString());
            }
            for (Peer p : peers.values()) {
                if (p.socket != null) {
                    p.socket.close();
                }
            }
            peers.clear();
            poller.close();
            wakeup.closeReceiver();
        }
    }

    /**
     * On the way out: asks each peer to stop the calls this client will no longer wait for (so a parked request
     * does not live on at the server and act for a caller that is gone), and lets those sockets linger briefly
     * so the CANCELs leave before the context is destroyed.
     */
    private void cancelOpenCalls() {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Peer used = e.getValue().connection;
            if (used != null && used.ready && used.socket != null && peers.get(used.address) == used) {
                cancelRemote(e.getValue(), e.getKey());
                used.socket.setLinger(CANCEL_LINGER_MILLIS);
            }
        }
    }

    private ZMQ.Socket open(String peer) {
        ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
        s.setLinger(0);
        s.setIPv6(Endpoints.isIpv6(peer));
        s.setMaxMsgSize(settings.maxFrameBytes());
        s.setSndHWM(settings.highWaterMark());
        s.setRcvHWM(settings.highWaterMark());
        s.setReconnectIVL(100);
        s.setReconnectIVLMax(2000);
        s.connect(peer);
        poller.register(s, ZMQ.Poller.POLLIN);
        return s;
    }

    private void closeSocket(Peer p) {
        if (p.socket != null) {
            poller.unregister(p.socket);
            p.socket.close();
            p.socket = null;
        }
        p.ready = false;
    }

    /** Opens a socket to {@code p} and sends a HELLO on it; requests wait until it is answered. */
    private void handshake(Peer p) {
        closeSocket(p);
        p.socket = open(p.address);
        p.helloId = ids.getAndIncrement();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("protocol", (long) Protocol.VERSION);
        body.put("role", name);
        sendFrames(p, WireCodec.encode(new WireMessage(Protocol.HELLO, p.helloId, 0, body, List.of()),
                settings.encoding()));
        long delay = Math.min(MAX_HELLO_RETRY_MILLIS, FIRST_HELLO_RETRY_MILLIS << Math.min(p.attempts, 4));
        p.attempts++;
        long helloId = p.helloId;
        timer.schedule(() -> {
            tasks.add(() -> retryHandshake(p, helloId));
            wake();
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void retryHandshake(Peer p, long helloId) {
        if (p.ready || p.helloId != helloId || peers.get(p.address) != p) {
            return;
        }
        p.waiting.removeIf(o -> !pending.containsKey(o.id));
        if (p.waiting.isEmpty()) {
            closeSocket(p);
            peers.remove(p.address);
            return;
        }
        if (System.nanoTime() - p.connectingSince > settings.timeout().toNanos()) {
            BackendUnavailableException e = new BackendUnavailableException("cannot reach " + p.address
                    + ": no answer to the connection handshake within " + settings.timeout() + "; the peer may be down");
            for (Outgoing o : p.waiting) {
                fail(o.id, e);
            }
            p.waiting.clear();
            closeSocket(p);
            peers.remove(p.address);
            return;
        }
        LOG.debug("{}: no HELLO answer from {} yet (attempt {}); reconnecting", name, p.address, p.attempts);
        handshake(p);
    }

    private void send(long id, String peer, List<ByteBuffer> frames) {
        Pending request = pending.get(id);
        if (request == null) {
            return;
        }
        Peer p = peers.get(peer);
        if (p == null) {
            p = new Peer(peer);
            p.connectingSince = System.nanoTime();
            peers.put(peer, p);
            try {
                handshake(p);
            } catch (ZMQException e) {
                peers.remove(peer);
                fail(id, new BackendUnavailableException("cannot connect to " + peer + ": " + e.getMessage(), e));
                return;
            }
        }
        request.connection = p;
        if (p.ready) {
            if (!sendFrames(p, frames)) {
                fail(id, new BackendUnavailableException("cannot send to " + peer + ": its queue is full ("
                        + settings.highWaterMark() + " messages); the peer may be down or overloaded"));
            }
        } else {
            p.waiting.add(new Outgoing(id, frames));
        }
    }

    /** Sends one message; false if the socket's queue is full. */
    private boolean sendFrames(Peer p, List<ByteBuffer> frames) {
        for (int i = 0; i < frames.size(); i++) {
            int flags = (i < frames.size() - 1 ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT;
            if (!p.socket.sendMsg(new zmq.Msg(frames.get(i)), flags)) {
                if (i > 0) {
                    dropPeer(p.address, "a message was cut short");
                }
                return false;
            }
        }
        return true;
    }

    /** Tells the peer to stop request {@code id} (if it was sent on the connection still open). */
    private void cancelRemote(Pending p, long id) {
        Peer used = p.connection;
        if (used == null || peers.get(p.peer) != used) {
            return;
        }
        if (!used.ready) {
            used.waiting.removeIf(o -> o.id == id);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requestId", id);
        sendFrames(used, WireCodec.encode(new WireMessage(Protocol.CANCEL, ids.getAndIncrement(), 0, body, List.of()),
                settings.encoding()));
    }

    private void fail(long id, Throwable error) {
        Pending p = pending.remove(id);
        if (p != null) {
            complete(p, null, error);
        }
    }

    private boolean receiveOne(Peer peer) {
        ZMQ.Socket s = peer.socket;
        zmq.Msg first = s.recvMsg(ZMQ.DONTWAIT);
        if (first == null) {
            return false;
        }
        List<ByteBuffer> frames = new ArrayList<>();
        frames.add(first.buf());
        while (s.hasReceiveMore()) {
            zmq.Msg m = s.recvMsg(0);
            if (m == null) {
                break;
            }
            frames.add(m.buf());
        }
        WireMessage response;
        try {
            response = WireCodec.decode(frames, RECEIVE_LIMITS);
        } catch (LinkageError e) {
            LOG.warn("{}: dropped an answer that could not be decoded: {}", name, e.toString());
            return true;
        } catch (WireFormatException e) {
            try {
                fail(WireCodec.peekHeader(frames.get(0)).requestId(), e);
            } catch (WireFormatException unreadable) {
                LOG.warn("{}: dropped an undecodable answer: {}", name, e.getMessage());
            }
            return true;
        }
        if (response.type() == Protocol.HELLO && response.requestId() == peer.helloId && !peer.ready) {
            answered(peer, response);
            return true;
        }
        Pending p = pending.remove(response.requestId());
        if (p == null) {
            return true;
        }
        if (response.isError()) {
            complete(p, null, Protocol.exceptionOf(response, p.peer));
        } else {
            complete(p, response, null);
        }
        return true;
    }

    /** The HELLO of a new connection was answered: send what waited, or fail it on a protocol mismatch. */
    private void answered(Peer peer, WireMessage hello) {
        if (hello.isError()) {
            TransferQueueException e = Protocol.exceptionOf(hello, peer.address);
            for (Outgoing o : peer.waiting) {
                fail(o.id, e);
            }
            peer.waiting.clear();
            closeSocket(peer);
            peers.remove(peer.address);
            return;
        }
        peer.ready = true;
        peer.attempts = 0;
        while (!peer.waiting.isEmpty() && peers.get(peer.address) == peer) {
            Outgoing o = peer.waiting.poll();
            if (pending.containsKey(o.id) && !sendFrames(peer, o.frames)) {
                fail(o.id, new BackendUnavailableException("cannot send to " + peer.address + ": its queue is full"));
            }
        }
    }

    /** Closes the connection to {@code peer} and fails its outstanding calls. */
    private void dropPeer(String peer, String why) {
        Peer p = peers.remove(peer);
        if (p == null) {
            return;
        }
        closeSocket(p);
        p.waiting.clear();
        LOG.debug("{}: closed connection to {}: {}", name, peer, why);
        // fail the requests sent or queued on this connection; requests not yet sent go out on a new one
        for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, Pending> e = it.next();
            if (e.getValue().connection == p) {
                it.remove();
                complete(e.getValue(), null, new BackendUnavailableException("connection to " + peer
                        + " was reset (" + why + ") before it answered " + Protocol.name(e.getValue().type)));
            }
        }
    }

    /**
     * Tells the peers to stop the calls still open (a CANCEL each, given about 100 ms to leave), fails those calls
     * with {@link ClosedException}, closes the sockets and stops the threads. Calls made during or after close
     * fail with {@link ClosedException}. Idempotent; a concurrent second call returns once the first is done.
     */
    @Override
    public void close() {
        synchronized (closing) {
            synchronized (registration) {
                if (!wakeup.stop()) {
                    return;
                }
            }
            try {
                if (Thread.currentThread() != io) {
                    io.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
                        Pending p = it.next();
                        it.remove();
                        p.cancelTimeout();
                        p.future.completeExceptionally(new ClosedException(name + " closed before " + p.peer
                                + " answered"));
                    }
                } finally {
                    timer.shutdownNow();
                    completions.shutdown();
                    try {
                        wakeup.closeSender();
                    } finally {
                        ctx.destroy();
                    }
                }
            }
        }
    }
}
