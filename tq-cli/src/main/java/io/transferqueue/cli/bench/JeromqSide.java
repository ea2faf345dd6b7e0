package io.transferqueue.cli.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Raw jeromq, the baseline of {@code simple-remote}: this process sends the same cells as frames to the
 * {@link RawFrameServer}s running inside the storage-unit processes, rows split across them as the backend routes
 * them (global index mod unit count). PUT sends every unit its frames (views of the producer's buffers, not
 * copied) and waits for every acknowledgement; GET asks every unit and receives its frames back. One DEALER per
 * unit on one context with one I/O thread, as the TransferQueue client has. Clears are not timed.
 */
final class JeromqSide implements Side {
    private final ZContext ctx;
    private final List<ZMQ.Socket> sockets = new ArrayList<>();

    JeromqSide(List<String> servers) {
        ctx = new ZContext(1);
        for (String s : servers) {
            ZMQ.Socket d = ctx.createSocket(SocketType.DEALER);
            d.setLinger(0);
            d.setReceiveTimeOut(600_000);
            d.setSendTimeOut(600_000);
            d.connect(s);
            sockets.add(d);
        }
    }

    @Override
    public String name() {
        return "raw-jeromq";
    }

    @Override
    public List<String> ops() {
        return List.of("PUT", "GET");
    }

    @Override
    public long[] iterate(Workload w, int iteration, boolean verify) {
        int units = sockets.size();
        List<ByteBuffer> cells = w.cells();
        int rows = w.rows();
        int fields = cells.size() / rows;
        // the cells of each unit, field by field, in the order they are sent (and come back)
        int[][] order = new int[units][];
        for (int u = 0; u < units; u++) {
            int mine = (rows - u + units - 1) / units;
            order[u] = new int[mine * fields];
            int k = 0;
            for (int f = 0; f < fields; f++) {
                for (int i = u; i < rows; i += units) {
                    order[u][k++] = f * rows + i;
                }
            }
        }
        long t0 = System.nanoTime();
        for (int u = 0; u < units; u++) {
            ZMQ.Socket s = sockets.get(u);
            int[] mine = order[u];
            s.send(new byte[] {RawFrameServer.PUT}, mine.length > 0 ? ZMQ.SNDMORE : 0);
            for (int k = 0; k < mine.length; k++) {
                s.sendMsg(new zmq.Msg(cells.get(mine[k]).duplicate()), k < mine.length - 1 ? ZMQ.SNDMORE : 0);
            }
        }
        for (ZMQ.Socket s : sockets) {
            expectOk(s, "PUT");
        }
        long t1 = System.nanoTime();
        for (ZMQ.Socket s : sockets) {
            s.send(new byte[] {RawFrameServer.GET}, 0);
        }
        List<List<ByteBuffer>> answers = new ArrayList<>(units);
        for (ZMQ.Socket s : sockets) {
            List<ByteBuffer> frames = new ArrayList<>();
            do {
                zmq.Msg m = s.recvMsg(0);
                if (m == null) {
                    throw new IllegalStateException("raw jeromq GET: no answer from a unit within 10 minutes");
                }
                frames.add(m.buf());
            } while (s.hasReceiveMore());
            answers.add(frames);
        }
        long t2 = System.nanoTime();
        if (verify) {
            ByteBuffer[] got = new ByteBuffer[cells.size()];
            for (int u = 0; u < units; u++) {
                List<ByteBuffer> frames = answers.get(u);
                if (order[u].length == 0) {
                    continue;
                }
                if (frames.size() != order[u].length) {
                    throw new ChecksumMismatchException(name(), w.label(), "(all)", "unit " + u + " returned "
                            + frames.size() + " frames for " + order[u].length + " cells");
                }
                for (int k = 0; k < frames.size(); k++) {
                    got[order[u][k]] = frames.get(k);
                }
            }
            w.verifyCells(Arrays.asList(got), name());
        }
        answers = null;
        for (ZMQ.Socket s : sockets) {
            s.send(new byte[] {RawFrameServer.CLEAR}, 0);
        }
        for (ZMQ.Socket s : sockets) {
            expectOk(s, "clear");
        }
        return new long[] {t1 - t0, t2 - t1};
    }

    private static void expectOk(ZMQ.Socket s, String what) {
        byte[] ack = s.recv(0);
        if (ack == null) {
            throw new IllegalStateException("raw jeromq " + what + ": no answer from a unit within 10 minutes");
        }
        if (!Arrays.equals(ack, RawFrameServer.OK)) {
            throw new IllegalStateException("raw jeromq " + what + ": unexpected answer of " + ack.length + " bytes");
        }
        while (s.hasReceiveMore()) {
            s.recv(0);
        }
    }

    @Override
    public void close() {
        ctx.destroy();
    }
}
