package io.transferqueue.cli.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The server half of the raw jeromq baseline: a ROUTER that keeps the frames it is sent and sends them back on
 * request, with nothing else (no envelope, no codec, no worker hand-off: its one thread owns the socket). It runs
 * inside the storage-unit processes of {@code simple-remote}, so the baseline crosses the same process boundary.
 *
 * <p>Protocol (first frame after the identity is one command byte): {@code P} + frames: keep the frames, answer
 * {@code ok}; {@code G}: answer every kept frame, in order; {@code C}: drop the frames, answer {@code ok}.
 */
final class RawFrameServer implements AutoCloseable {
    static final byte PUT = 'P';
    static final byte GET = 'G';
    static final byte CLEAR = 'C';
    static final byte[] OK = {'o', 'k'};

    private final ZContext ctx;
    private final ZMQ.Socket router;
    private final String endpoint;
    private final Thread thread;
    private volatile boolean running = true;

    private RawFrameServer(String bind) {
        ctx = new ZContext(1);
        router = ctx.createSocket(SocketType.ROUTER);
        router.setLinger(0);
        router.setReceiveTimeOut(200);
        router.bind(bind);
        endpoint = router.getLastEndpoint();
        thread = new Thread(this::serve, "tq-bench-raw-frames");
        thread.setDaemon(true);
    }

    /** Binds {@code bind} ({@code tcp://127.0.0.1:0} picks a free port) and starts serving. */
    static RawFrameServer start(String bind) {
        RawFrameServer s = new RawFrameServer(bind);
        s.thread.start();
        return s;
    }

    String endpoint() {
        return endpoint;
    }

    private void serve() {
        List<ByteBuffer> kept = new ArrayList<>();
        try {
            while (running) {
                zmq.Msg identity = router.recvMsg(0);
                if (identity == null) {
                    continue;
                }
                List<zmq.Msg> frames = new ArrayList<>();
                while (router.hasReceiveMore()) {
                    frames.add(router.recvMsg(0));
                }
                if (frames.isEmpty() || frames.get(0).size() != 1) {
                    continue;
                }
                byte command = frames.get(0).get(0);
                router.sendMsg(new zmq.Msg(identity.buf()), ZMQ.SNDMORE);
                switch (command) {
                    case PUT -> {
                        for (int i = 1; i < frames.size(); i++) {
                            kept.add(frames.get(i).buf());
                        }
                        router.send(OK, 0);
                    }
                    case GET -> {
                        if (kept.isEmpty()) {
                            router.send(OK, 0);
                        }
                        for (int i = 0; i < kept.size(); i++) {
                            router.sendMsg(new zmq.Msg(kept.get(i).duplicate()), i < kept.size() - 1 ? ZMQ.SNDMORE : 0);
                        }
                    }
                    case CLEAR -> {
                        kept.clear();
                        router.send(OK, 0);
                    }
                    default -> router.send(new byte[] {'?'}, 0);
                }
            }
        } catch (ZMQException e) {
            if (running) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ctx.destroy();
    }
}
