package io.transferqueue.wire.bench;

import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.wire.BatchCodec;
import io.transferqueue.wire.Encoding;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.WireCodec;
import io.transferqueue.wire.WireLimits;
import io.transferqueue.wire.WireMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode + decode of a 256 MiB batch of 8 dense float32 fields (32 MiB each), in both encodings, next to a
 * plain 256 MiB heap-to-heap memcpy into a preallocated array, in the same run. Targets: {@code frames} costs
 * O(fields), at least 20x faster than the memcpy; {@code packed} into a reused buffer is within 1.5x of one
 * memcpy (it must copy every byte once). How to run it and the numbers: {@code tq-api/BENCHMARKS.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class WireCodecBenchmark {
    static final int FIELDS = 8;
    static final int ROWS = 8192;
    /** float32 elements per row: 4 KiB rows, 32 MiB per field, 256 MiB in all. */
    static final int ROW_ELEMENTS = 1024;
    static final int TOTAL_BYTES = FIELDS * ROWS * ROW_ELEMENTS * 4;

    Batch batch;
    WireMessage message;
    ByteBuffer packedBuffer;
    byte[] memcpySource;
    byte[] memcpyTarget;

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(42);
        Batch.Builder b = Batch.builder();
        for (int f = 0; f < FIELDS; f++) {
            byte[] bytes = new byte[ROWS * ROW_ELEMENTS * 4];
            r.nextBytes(bytes);
            b.add("field" + f, DenseColumn.wrap(DType.FLOAT32, ROWS, new int[] {ROW_ELEMENTS},
                    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)));
        }
        batch = b.build();
        if (batch.byteSize() != TOTAL_BYTES) {
            throw new IllegalStateException("batch has " + batch.byteSize() + " bytes");
        }
        message = message(batch);
        int packedSize = WireCodec.encode(message, Encoding.PACKED).get(0).remaining();
        packedBuffer = ByteBuffer.allocate(packedSize);
        memcpySource = new byte[TOTAL_BYTES];
        r.nextBytes(memcpySource);
        memcpyTarget = new byte[TOTAL_BYTES];
        // touch the reused destinations once, as a pooled buffer would have been
        System.arraycopy(memcpySource, 0, memcpyTarget, 0, TOTAL_BYTES);
        packedBuffer.put(0, memcpySource, 0, Math.min(TOTAL_BYTES, packedSize));
    }

    static WireMessage message(Batch batch) {
        List<ByteBuffer> payloads = new ArrayList<>(FIELDS);
        Map<String, Object> body = Map.of("batch", BatchCodec.encode(batch, payloads));
        return new WireMessage(1, 1L, 0, body, payloads);
    }

    static Batch decode(List<ByteBuffer> frames) {
        WireMessage back = WireCodec.decode(frames);
        return BatchCodec.decode(Envelope.getMap(back.body(), "batch"), back.payloads(), WireLimits.DEFAULT);
    }

    /** The yardstick: one copy of 256 MiB, heap to heap, into a preallocated array. */
    @Benchmark
    public byte[] memcpy256MiB() {
        System.arraycopy(memcpySource, 0, memcpyTarget, 0, TOTAL_BYTES);
        return memcpyTarget;
    }

    /** Batch to envelope, frames encoding, decode, batch again: payloads are never touched. */
    @Benchmark
    public Batch framesEncodeDecode() {
        return decode(WireCodec.encode(message(batch), Encoding.FRAMES));
    }

    /** The same with the packed encoding into a reused destination buffer (one copy of every payload byte). */
    @Benchmark
    public Batch packedEncodeDecodeReusedBuffer() {
        ByteBuffer dst = packedBuffer;
        return decode(WireCodec.encode(message(batch), Encoding.PACKED, n -> dst));
    }

    /** Packed with a fresh heap buffer per message (what {@code encode(message, PACKED)} does). */
    @Benchmark
    public Batch packedEncodeDecodeAllocating() {
        return decode(WireCodec.encode(message(batch), Encoding.PACKED));
    }
}
