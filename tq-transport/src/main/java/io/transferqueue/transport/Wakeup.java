package io.transferqueue.transport;

import java.util.UUID;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Wakes an I/O thread blocked in {@code poll} from other threads, and carries the running flag both sides check:
 * an inproc PUSH/PULL pair whose sending side is guarded by a lock, because ZeroMQ sockets are not thread-safe.
 * The I/O thread owns {@link #receiver()}; other threads call {@link #wake()} and, once, {@link #stop()}.
 */
final class Wakeup {
    private final ZMQ.Socket recv;
    private final ZMQ.Socket send;
    private final Object lock = new Object();
    private volatile boolean running = true;

    Wakeup(ZContext ctx, String prefix) {
        String address = "inproc://" + prefix + "-" + UUID.randomUUID();
        recv = ctx.createSocket(SocketType.PULL);
        recv.bind(address);
        send = ctx.createSocket(SocketType.PUSH);
        send.setLinger(0);
        send.connect(address);
    }

    /** The socket to register with the I/O thread's poller. */
    ZMQ.Socket receiver() {
        return recv;
    }

    boolean running() {
        return running;
    }

    /** Interrupts the I/O thread's poll; does nothing once stopped. */
    void wake() {
        synchronized (lock) {
            if (running) {
                send.send(new byte[0], ZMQ.DONTWAIT);
            }
        }
    }

    /** I/O thread: consumes the wake-ups that arrived since the last poll. */
    void drain() {
        while (recv.recv(ZMQ.DONTWAIT) != null) {
            // each message is only a signal
        }
    }

    /** Clears the running flag and wakes the I/O thread one last time; false if already stopped. */
    boolean stop() {
        synchronized (lock) {
            if (!running) {
                return false;
            }
            running = false;
            send.send(new byte[0], ZMQ.DONTWAIT);
            return true;
        }
    }

    /** Closes the sending side, after the I/O thread has ended. */
    void closeSender() {
        synchronized (lock) {
            send.close();
        }
    }

    /** I/O thread, on its way out: closes the receiving side. */
    void closeReceiver() {
        recv.close();
    }
}
