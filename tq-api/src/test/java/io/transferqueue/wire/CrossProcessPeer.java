package io.transferqueue.wire;

import io.transferqueue.config.CoreOptions;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.data.ObjectValues;
import io.transferqueue.data.Tensor;
import io.transferqueue.testing.RandomData;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * The process at either end of {@link CrossProcessWireIT}. It chooses how it sends exactly as a real process
 * does, from {@code TqConfig.load()} and {@link CoreOptions#WIRE_ZERO_COPY}, and exchanges frames through files.
 *
 * <pre>
 *   send    &lt;seed&gt; &lt;dir&gt;   encode the seeded batch with this process's encoding into dir/message.frames
 *   receive &lt;seed&gt; &lt;dir&gt;   decode dir/message.frames and report what it saw in dir/receiver.properties
 * </pre>
 */
final class CrossProcessPeer {
    static final String FRAMES_FILE = "message.frames";
    static final String SENDER_FILE = "sender.properties";
    static final String RECEIVER_FILE = "receiver.properties";

    private CrossProcessPeer() {
    }

    public static void main(String[] args) throws IOException {
        long seed = Long.parseLong(args[1]);
        Path dir = Path.of(args[2]);
        Encoding own = Encoding.forZeroCopy(TqConfig.load().get(CoreOptions.WIRE_ZERO_COPY));
        Properties out = new Properties();
        out.setProperty("own", own.name());
        if (args[0].equals("send")) {
            Batch batch = batch(seed);
            List<ByteBuffer> payloads = new ArrayList<>();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("batch", BatchCodec.encode(batch, payloads));
            List<ByteBuffer> frames = WireCodec.encode(new WireMessage(5, seed, 0, body, payloads), own);
            writeFrames(dir.resolve(FRAMES_FILE), frames);
            out.setProperty("frames", String.valueOf(frames.size()));
            out.putAll(checksums(batch));
            store(out, dir.resolve(SENDER_FILE));
        } else {
            List<ByteBuffer> frames = readFrames(dir.resolve(FRAMES_FILE));
            int code = WireCodec.peekHeader(frames.get(0)).encodingCode();
            out.setProperty("observed", Encoding.values()[code].name());
            WireMessage m = WireCodec.decode(frames);
            Batch decoded = BatchCodec.decode(Envelope.getMap(m.body(), "batch"), m.payloads(), WireLimits.DEFAULT);
            out.setProperty("equal", String.valueOf(decoded.equals(batch(seed))));
            out.setProperty("requestId", String.valueOf(m.requestId()));
            out.putAll(checksums(decoded));
            store(out, dir.resolve(RECEIVER_FILE));
        }
        System.out.println(args[0] + " done with encoding " + own);
    }

    /** The seeded batch both processes (and the test) build: every column kind, several dtypes. */
    static Batch batch(long seed) {
        Random r = new Random(seed);
        int rows = 12;
        long[] tokens = new long[rows * 64];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = r.nextLong();
        }
        List<Tensor> logp = new ArrayList<>();
        List<Object> uids = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            float[] v = new float[r.nextInt(5)];
            for (int k = 0; k < v.length; k++) {
                v[k] = r.nextFloat();
            }
            logp.add(Tensor.of(v));
            uids.add(Map.of("uid", "row-" + i + "-ü😀", "n", (long) i));
        }
        Batch fixed = Batch.builder()
                .dense("tokens", Tensor.of(tokens, rows, 64))
                .dense("reward", Tensor.ofHalf(DType.BFLOAT16, new float[rows]))
                .jagged("logp", logp)
                .objects("meta", uids)
                .build();
        return fixed.merge(RandomData.batch(r, rows, 4));
    }

    /** One checksum per field over its bytes and shapes (object fields: their deep hash). */
    static Map<String, String> checksums(Batch b) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Column> e : b.columns().entrySet()) {
            Column c = e.getValue();
            long sum;
            if (c instanceof DenseColumn d) {
                sum = Buffers.checksum(d.data()) * 31 + Arrays.hashCode(d.rowShape());
            } else if (c instanceof JaggedColumn j) {
                sum = Buffers.checksum(j.values()) * 31 + Arrays.hashCode(j.flatShapes());
            } else {
                sum = ObjectValues.deepHash(((ObjectColumn) c).values());
            }
            out.put("checksum." + e.getKey(), c.kind() + ":" + sum);
        }
        return out;
    }

    static void writeFrames(Path file, List<ByteBuffer> frames) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(os)) {
            out.writeInt(frames.size());
            for (ByteBuffer f : frames) {
                byte[] b = new byte[f.remaining()];
                f.duplicate().get(b);
                out.writeInt(b.length);
                out.write(b);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    static List<ByteBuffer> readFrames(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file); DataInputStream in = new DataInputStream(is)) {
            int n = in.readInt();
            List<ByteBuffer> frames = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                frames.add(ByteBuffer.wrap(b));
            }
            return frames;
        }
    }

    private static void store(Properties p, Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file)) {
            p.store(os, null);
        }
    }
}
