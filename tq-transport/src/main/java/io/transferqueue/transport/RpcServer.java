package io.transferqueue.transport;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.ProtocolVersionException;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.WireCodec;
import io.transferqueue.wire.WireMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * A request/response server on a ZeroMQ ROUTER socket. One I/O thread owns the sockets: it receives,
 * decodes and hands each request to the {@link Handler}; answers (immediate or completed later on any thread)
 * are queued and sent by the I/O thread. The built-in {@link Protocol#HELLO} handshake refuses a peer of
 * another protocol version, naming both.
 *
 * <p>Malformed input (random bytes, truncated or oversized frames, unknown format versions) is answered with
 * an error when the header can be read, and dropped otherwise; it never stops the server. Frames larger than
 * {@link RpcSettings#maxFrameBytes()} are refused by ZeroMQ before they are buffered, and at most
 * {@link RpcSettings#highWaterMark()} messages queue per peer, so memory stays bounded.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
    private static final int RECV_BATCH = 64;
    /** How long closing waits for the answers to requests still running to be completed and to leave. */
    private static final long CLOSE_FLUSH_MILLIS = 300;

    /**
     * Serves requests. Called on the I/O thread: must not block (long work belongs on the handler's own
     * executor, completing the returned future later). Exceptions become error responses.
     */
    public interface Handler {
        CompletableFuture<WireMessage> handle(WireMessage request);
    }

    private final String name;
    private final Handler handler;
    private final RpcSettings settings;
    private final ZContext ctx;
    private final ZMQ.Socket router;
    private final Wakeup wakeup;
    private final ConcurrentLinkedQueue<Outbound> outbound = new ConcurrentLinkedQueue<>();
    private final String endpoint;
    private final Thread io;
    private final AtomicLong malformed = new AtomicLong();
    /** Requests still running, by peer identity and request id (I/O thread and completing threads). */
    private final Map<String, CompletableFuture<WireMessage>> inflight = new java.util.concurrent.ConcurrentHashMap<>();
    /** Held for the whole of {@link #close()}: a second caller returns only once everything is released. */
    private final Object closing = new Object();

    private record Outbound(byte[] identity, WireMessage message) {
    }

    private RpcServer(String name, String bindAddress, RpcSettings settings, Handler handler) {
        this.name = requireNonNull(name, "name is null");
        this.handler = requireNonNull(handler, "handler is null");
        this.settings = requireNonNull(settings, "settings is null");
        String bind = Endpoints.bindForm(bindAddress);
        this.ctx = new ZContext(1);
        try {
            router = ctx.createSocket(SocketType.ROUTER);
            router.setLinger(0);
            router.setIPv6(Endpoints.isIpv6(bind));
            router.setMaxMsgSize(settings.maxFrameBytes());
            router.setRcvHWM(settings.highWaterMark());
            router.setSndHWM(settings.highWaterMark());
            try {
                router.bind(bind);
            } catch (ZMQException e) {
                throw new BackendUnavailableException(name + " cannot bind " + bindAddress + ": " + e.getMessage(), e);
            }
            endpoint = Endpoints.connectForm(router.getLastEndpoint());
            wakeup = new Wakeup(ctx, "tq-wake");
        } catch (RuntimeException e) {
            ctx.destroy();
            throw e;
        }
        io = new Thread(this::loop, "tq-rpc-" + name);
        io.setDaemon(true);
    }

    /**
     * Binds {@code bindAddress} ({@code tcp://host:port}; port 0 picks a free one) and starts serving.
     *
     * @throws BackendUnavailableException if the address cannot be bound
     */
    public static RpcServer start(String name, String bindAddress, RpcSettings settings, Handler handler) {
        RpcServer s = new RpcServer(name, bindAddress, settings, handler);
        s.io.start();
        LOG.info("{} listening on {}", name, s.endpoint);
        return s;
    }

    /** The endpoint clients connect to (the bound port resolved). */
    public String endpoint() {
        return endpoint;
    }

    /** Messages that could not be decoded (answered with an error or dropped). */
    public long malformedMessages() {
        return malformed.get();
    }

    private void loop() {
        ZMQ.Poller poller = ctx.createPoller(2);
        poller.register(router, ZMQ.Poller.POLLIN);
        poller.register(wakeup.receiver(), ZMQ.Poller.POLLIN);
        try {
            while (wakeup.running()) {
                try {
                    if (poller.poll(-1) < 0) {
                        break;
                    }
                } catch (ZMQException e) {
                    if (!wakeup.running()) {
                        break;
                    }
                    LOG.warn("{}: poll failed: {}", name, e.toString());
                    continue;
                }
                if (poller.pollin(1)) {
                    wakeup.drain();
                }
                flush();
                // a non-blocking read costs nothing and does not depend on which descriptor woke the poll
                for (int i = 0; i < RECV_BATCH && wakeup.running(); i++) {
                    if (!receiveOne()) {
                        break;
                    }
                }
                flush();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("{}: I/O thread stopped by an unexpected error", name, e);
        } finally {
            try {
                answerInflight();
            } catch (RuntimeException e) {
                LOG.warn("{}: could not answer every request still running: {}", name, e.toString());
            }
            poller.close();
            router.close();
            wakeup.closeReceiver();
        }
    }

    /**
     * On the way out: fails every request still running with {@link ClosedException} (a handler that completes
     * its own first wins), and sends every queued answer, waiting up to {@value #CLOSE_FLUSH_MILLIS} ms for
     * answers completed on other threads and for the router to pass them on. A caller is told the server
     * closed instead of waiting out its deadline.
     */
    private void answerInflight() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_FLUSH_MILLIS);
        ClosedException closed = new ClosedException(name + " closed before it answered");
        for (CompletableFuture<WireMessage> f : List.copyOf(inflight.values())) {
            f.completeExceptionally(closed);
        }
        flush();
        // an answer being completed on another thread is queued before it leaves inflight
        while (!inflight.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            flush();
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left > 0) {
            router.setLinger((int) left);
        }
    }

    /** Receives and dispatches one message; false if none was waiting. */
    private boolean receiveOne() {
        zmq.Msg first = router.recvMsg(ZMQ.DONTWAIT);
        if (first == null) {
            return false;
        }
        byte[] identity = first.data();
        List<ByteBuffer> frames = new ArrayList<>();
        while (router.hasReceiveMore()) {
            zmq.Msg m = router.recvMsg(0);
            if (m == null) {
                break;
            }
            frames.add(m.buf());
        }
        try {
            dispatch(identity, frames);
        } catch (RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError e) {
            // one bad request must never stop the server: log it and keep serving the others
            malformed.incrementAndGet();
            LOG.warn("{}: a request failed unexpectedly and was dropped: {}", name, e.toString());
        }
        return true;
    }

    private void dispatch(byte[] identity, List<ByteBuffer> frames) {
        WireMessage request;
        try {
            request = WireCodec.decode(frames, RpcClient.RECEIVE_LIMITS);
        } catch (WireFormatException e) {
            malformed.incrementAndGet();
            answerUndecodable(identity, frames, e);
            return;
        }
        if (request.type() == Protocol.HELLO) {
            send(identity, hello(request));
            return;
        }
        if (request.type() == Protocol.CANCEL) {
            Object id = request.body().get("requestId");
            CompletableFuture<WireMessage> target = id instanceof Long l ? inflight.remove(key(identity, l)) : null;
            if (target != null) {
                target.cancel(false);
            }
            return;
        }
        String key = key(identity, request.requestId());
        if (inflight.containsKey(key)) {
            // the id names the parked call a CANCEL would stop: a second one must not take its place unseen
            malformed.incrementAndGet();
            send(identity, Protocol.error(request, new InvalidRequestException("request id " + request.requestId()
                    + " is already in flight from this peer; the request was not run")));
            return;
        }
        CompletableFuture<WireMessage> f;
        try {
            f = handler.handle(request);
        } catch (RuntimeException | StackOverflowError e) {
            f = CompletableFuture.failedFuture(e);
        } catch (OutOfMemoryError e) {
            // a request that asked for more memory than there is fails alone; the heap is free again once it is
            // dropped, and the I/O thread must live on to answer everyone else
            f = CompletableFuture.failedFuture(new BackendException(name + ": out of heap memory serving "
                    + Protocol.name(request.type()) + " (" + e.getMessage() + "); the request was dropped"));
        }
        if (f.isDone()) {
            send(identity, result(request, f));
        } else {
            CompletableFuture<WireMessage> later = f;
            inflight.put(key, later);
            later.whenComplete((r, t) -> {
                // queued before it leaves inflight, so closing can tell when every answer is queued
                if (!later.isCancelled()) {
                    outbound.add(new Outbound(identity, result(request, later)));
                    wake();
                }
                inflight.remove(key, later);
            });
        }
    }

    private WireMessage result(WireMessage request, CompletableFuture<WireMessage> f) {
        try {
            WireMessage r = f.join();
            return requireNonNull(r, "handler returned null");
        } catch (RuntimeException e) {
            Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (!(t instanceof TransferQueueException) && !(t instanceof IllegalArgumentException)) {
                LOG.warn("{}: {} failed: {}", name, Protocol.name(request.type()), t.toString());
            }
            return Protocol.error(request, t);
        }
    }

    private WireMessage hello(WireMessage request) {
        Object v = request.body().get("protocol");
        if (!(v instanceof Long peer) || peer != Protocol.VERSION) {
            return Protocol.error(request.type(), request.requestId(), new ProtocolVersionException("").code(),
                    "peer speaks protocol version " + v + ", " + name + " speaks version " + Protocol.VERSION
                            + "; upgrade the older side");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("protocol", (long) Protocol.VERSION);
        body.put("role", name);
        return Protocol.reply(request, body);
    }

    private void answerUndecodable(byte[] identity, List<ByteBuffer> frames, WireFormatException e) {
        if (frames.isEmpty()) {
            return;
        }
        try {
            WireCodec.Header h = WireCodec.peekHeader(frames.get(0));
            send(identity, Protocol.error(h.type(), h.requestId(), e.code(), e.getMessage()));
        } catch (WireFormatException unreadable) {
            LOG.debug("{}: dropped an undecodable message: {}", name, e.getMessage());
        }
    }

    private static String key(byte[] identity, long requestId) {
        return java.util.HexFormat.of().formatHex(identity) + ":" + requestId;
    }

    /** Sends on the I/O thread. */
    private void send(byte[] identity, WireMessage message) {
        List<ByteBuffer> frames;
        try {
            frames = WireCodec.encode(message, settings.encoding());
        } catch (RuntimeException e) {
            frames = WireCodec.encode(Protocol.error(message.type(), message.requestId(), "INTERNAL",
                    "response could not be encoded: " + e.getMessage()), settings.encoding());
        } catch (OutOfMemoryError e) {
            // a packed response larger than the heap can hold: that caller gets a typed error, the others are still served
            frames = WireCodec.encode(Protocol.error(message, new BackendException(name + ": out of heap memory "
                    + "encoding the response to " + Protocol.name(message.type()) + " (" + e.getMessage() + ")")),
                    settings.encoding());
        }
        if (!router.sendMsg(new zmq.Msg(identity), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
            return;
        }
        for (int i = 0; i < frames.size(); i++) {
            int flags = i < frames.size() - 1 ? ZMQ.SNDMORE : 0;
            router.sendMsg(new zmq.Msg(frames.get(i)), flags);
        }
    }

    private void flush() {
        Outbound o;
        while ((o = outbound.poll()) != null) {
            send(o.identity, o.message);
        }
    }

    private void wake() {
        wakeup.wake();
    }

    /**
     * Stops serving: requests still running are answered with {@link ClosedException} and queued answers are
     * sent (waiting at most about {@value #CLOSE_FLUSH_MILLIS} ms for both), then the sockets and the thread are
     * released. Idempotent; a concurrent second call returns once the first is done.
     */
    @Override
    public void close() {
        synchronized (closing) {
            if (!wakeup.stop()) {
                return;
            }
            try {
                if (Thread.currentThread() != io) {
                    io.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    wakeup.closeSender();
                } finally {
                    ctx.destroy();
                }
            }
            LOG.info("{} on {} closed", name, endpoint);
        }
    }

    /** For tests: the body of a decoded error response. */
    static String errorCode(WireMessage m) {
        return Envelope.optString(m.body(), "code", "");
    }
}
