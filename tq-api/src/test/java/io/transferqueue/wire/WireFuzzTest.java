package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.Column;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.testing.RandomData;
import io.transferqueue.testing.Seeds;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds the decoders more than 100k random and mutated messages in both encodings. {@link WireCodec#decode}
 * followed by {@link BatchCodec#decode} and {@link BatchMetaCodec#decode} must either succeed (and give values
 * whose every row can be read) or throw {@link WireFormatException}: nothing else, no OutOfMemoryError, no
 * hang, and never more memory than a small multiple of the bytes that arrived.
 */
class WireFuzzTest {
    private static final int CASES = 120_000;
    /** Bytes a decode may allocate per input byte, plus a constant: far below what a lying length would cost. */
    private static final long ALLOC_PER_BYTE = 64;
    private static final long ALLOC_CONSTANT = 1 << 20;

    private enum Kind {
        RANDOM_BYTES, RANDOM_AFTER_HEADER, TRUNCATE, BIT_FLIPS, MAGIC_BYTES, SPLIT_FRAME, MERGE_FRAMES,
        DROP_DUP_SWAP, HUGE_PACKED_LENGTHS, ENVELOPE_MUTATION, DEEP_NESTING, PAYLOAD_RESIZE, VALID
    }

    private static final byte[] INTERESTING = {0, (byte) 0xff, 0x7f, (byte) 0x80, (byte) 0xc1, (byte) 0xdc,
        (byte) 0xdd, (byte) 0xde, (byte) 0xdf, (byte) 0xc6, (byte) 0xdb, (byte) 0xda, (byte) 0xcf, (byte) 0xd3,
        (byte) 0xc4, (byte) 0xc5, (byte) 0x9f, (byte) 0x8f, (byte) 0xc7, (byte) 0xc9, (byte) 0xd4};

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void decodersThrowOnlyWireFormatExceptionOnRandomAndMutatedInput() {
        long seed = Seeds.seed(0xF0221L);
        Random master = new Random(seed);
        List<Sample> corpus = corpus(master);
        Map<Kind, int[]> stats = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            stats.put(k, new int[2]);
        }
        boolean measure = threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled();
        for (Sample s : corpus) {
            decodeAll(copyAll(s.frames()), "warm-up (seed " + seed + ")", false); // class loading is not decoding
        }
        for (int i = 0; i < CASES; i++) {
            long caseSeed = master.nextLong();
            Random r = new Random(caseSeed);
            Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
            Sample base = corpus.get(r.nextInt(corpus.size()));
            List<ByteBuffer> frames;
            try {
                frames = mutate(kind, base, r);
            } catch (IllegalArgumentException e) {
                continue; // an envelope mutation the encoder itself refused: nothing to decode
            }
            if (r.nextInt(4) == 0) {
                frames = relocate(frames, r);
            }
            String where = "seed " + seed + " case " + i + " (case seed " + caseSeed + ", " + kind + ")";
            boolean accepted = decodeAll(frames, where, measure);
            stats.get(kind)[accepted ? 0 : 1]++;
        }
        StringBuilder summary = new StringBuilder("wire fuzz, seed " + seed + " (accepted/rejected):");
        stats.forEach((k, v) -> summary.append(' ').append(k).append('=').append(v[0]).append('/').append(v[1]));
        System.out.println(summary);
        int total = 0;
        for (Map.Entry<Kind, int[]> e : stats.entrySet()) {
            int[] s = e.getValue();
            total += s[0] + s[1];
            if (e.getKey() == Kind.VALID) {
                assertThat(s[1]).as("seed %d: valid messages must all decode", seed).isZero();
            } else if (e.getKey() != Kind.RANDOM_BYTES) {
                // each mutation must be exercised and be caught at least sometimes, or it tests nothing
                assertThat(s[1]).as("seed %d: %s never rejected (%d accepted)", seed, e.getKey(), s[0]).isPositive();
            }
        }
        assertThat(total).as("seed %d", seed).isGreaterThanOrEqualTo(100_000);
        int acceptedMutations = 0;
        for (Kind k : List.of(Kind.BIT_FLIPS, Kind.ENVELOPE_MUTATION, Kind.SPLIT_FRAME, Kind.PAYLOAD_RESIZE)) {
            acceptedMutations += stats.get(k)[0];
        }
        assertThat(acceptedMutations).as("seed %d: some mutations must still decode, or only the outer checks ran",
                seed).isPositive();
    }

    /** Decodes and reads everything; returns whether the message was accepted. */
    private boolean decodeAll(List<ByteBuffer> frames, String where, boolean measure) {
        long inputBytes = 0;
        for (ByteBuffer f : frames) {
            inputBytes += f.remaining();
        }
        long tid = Thread.currentThread().getId();
        long before = measure ? threads.getThreadAllocatedBytes(tid) : 0;
        Batch batch = null;
        BatchMeta meta = null;
        boolean accepted;
        try {
            WireMessage m = WireCodec.decode(frames);
            if (m.body().containsKey("batch")) {
                batch = BatchCodec.decode(Envelope.getMap(m.body(), "batch"), m.payloads(), WireLimits.DEFAULT);
            }
            if (m.body().containsKey("meta")) {
                meta = BatchMetaCodec.decode(Envelope.getMap(m.body(), "meta"), WireLimits.DEFAULT);
            }
            accepted = true;
        } catch (WireFormatException e) {
            accepted = false;
        } catch (Throwable t) {
            throw new AssertionError(where + ": decoding threw " + t, t);
        }
        if (measure) {
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (allocated > ALLOC_PER_BYTE * inputBytes + ALLOC_CONSTANT) {
                fail(where + ": decoding " + inputBytes + " bytes allocated " + allocated + " bytes");
            }
        }
        try {
            if (batch != null) {
                touch(batch);
            }
            if (meta != null) {
                RandomData.render(meta);
            }
        } catch (Throwable t) {
            throw new AssertionError(where + ": a decoded value cannot be read: " + t, t);
        }
        return accepted;
    }

    /** Reads every row of every column: a decoder that accepted a message must have checked it fully. */
    private static void touch(Batch b) {
        for (Column c : b.columns().values()) {
            if (c instanceof DenseColumn d) {
                Buffers.checksum(d.data());
                if (d.size() > 0) {
                    d.row(0).data();
                    d.row(d.size() - 1).data();
                }
            } else if (c instanceof JaggedColumn j) {
                for (int i = 0; i < j.size(); i++) {
                    Buffers.checksum(j.row(i).data());
                }
            } else {
                for (Object v : ((ObjectColumn) c).values()) {
                    RandomData.renderValue(v);
                }
            }
        }
    }

    // ------------------------------------------------------------------ corpus

    private record Sample(Map<String, Object> body, List<ByteBuffer> payloads, Encoding encoding,
            List<ByteBuffer> frames) {
    }

    private static List<Sample> corpus(Random r) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            Batch b = RandomData.batch(r, r.nextInt(6), 4);
            BatchMeta m = RandomData.meta(r, r.nextInt(7));
            List<ByteBuffer> payloads = new ArrayList<>();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("op", "fuzz");
            if (r.nextInt(4) != 0) {
                body.put("batch", BatchCodec.encode(b, payloads));
            }
            if (r.nextInt(3) != 0) {
                body.put("meta", BatchMetaCodec.encode(m, r.nextBoolean()));
            }
            Encoding e = Encoding.values()[i % 2];
            WireMessage msg = new WireMessage(r.nextInt(100), r.nextLong(), 0, body, payloads);
            out.add(new Sample(body, payloads, e, copyAll(WireCodec.encode(msg, e))));
        }
        return out;
    }

    // ------------------------------------------------------------------ mutations

    private static List<ByteBuffer> mutate(Kind kind, Sample s, Random r) {
        List<ByteBuffer> frames = copyAll(s.frames());
        switch (kind) {
            case VALID:
                return frames;
            case RANDOM_BYTES: {
                List<ByteBuffer> out = new ArrayList<>();
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    out.add(randomBytes(r, r.nextInt(200)));
                }
                return out;
            }
            case RANDOM_AFTER_HEADER: {
                Encoding e = Encoding.values()[r.nextInt(2)];
                ByteBuffer header = ByteBuffer.allocate(WireCodec.HEADER_BYTES + (e == Encoding.PACKED
                        ? 8 + r.nextInt(300) : 0)).order(ByteOrder.LITTLE_ENDIAN);
                header.put((byte) 'T').put((byte) 'Q').put((byte) WireCodec.FORMAT_VERSION).put((byte) e.code());
                byte[] rest = new byte[header.remaining()];
                r.nextBytes(rest);
                header.put(rest).flip();
                List<ByteBuffer> out = new ArrayList<>();
                out.add(header);
                if (e == Encoding.FRAMES) {
                    int n = r.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        out.add(randomBytes(r, r.nextInt(100)));
                    }
                }
                return out;
            }
            case TRUNCATE: {
                int i = r.nextInt(frames.size());
                ByteBuffer f = frames.get(i);
                f.limit(r.nextInt(f.remaining() + 1));
                if (r.nextInt(3) == 0 && frames.size() > 1) {
                    return new ArrayList<>(frames.subList(0, 1 + r.nextInt(frames.size() - 1)));
                }
                return frames;
            }
            case BIT_FLIPS: {
                int flips = 1 + r.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    ByteBuffer f = frames.get(r.nextInt(frames.size()));
                    if (f.remaining() == 0) {
                        continue;
                    }
                    int pos = r.nextBoolean() ? r.nextInt(Math.min(64, f.remaining())) : r.nextInt(f.remaining());
                    f.put(pos, (byte) (f.get(pos) ^ (1 << r.nextInt(8))));
                }
                return frames;
            }
            case MAGIC_BYTES: {
                int n = 1 + r.nextInt(4);
                for (int k = 0; k < n; k++) {
                    ByteBuffer f = frames.get(r.nextInt(frames.size()));
                    if (f.remaining() == 0) {
                        continue;
                    }
                    int pos = r.nextInt(f.remaining());
                    f.put(pos, INTERESTING[r.nextInt(INTERESTING.length)]);
                    for (int q = 1; q <= 4 && pos + q < f.remaining(); q++) {
                        if (r.nextBoolean()) {
                            f.put(pos + q, (byte) 0xff);
                        }
                    }
                }
                return frames;
            }
            case SPLIT_FRAME: {
                int i = r.nextInt(frames.size());
                ByteBuffer f = frames.get(i);
                int cut = r.nextInt(f.remaining() + 1);
                ByteBuffer a = f.slice(0, cut);
                ByteBuffer b = f.slice(cut, f.remaining() - cut);
                frames.set(i, a);
                frames.add(i + 1, b);
                return frames;
            }
            case MERGE_FRAMES: {
                if (frames.size() < 2) {
                    ByteBuffer f = frames.get(0);
                    frames.add(randomBytes(r, r.nextInt(20)));
                    if (r.nextBoolean()) {
                        frames.set(0, concat(f, randomBytes(r, 1 + r.nextInt(20))));
                        frames.remove(1);
                    }
                    return frames;
                }
                int i = r.nextInt(frames.size() - 1);
                frames.set(i, concat(frames.get(i), frames.get(i + 1)));
                frames.remove(i + 1);
                return frames;
            }
            case DROP_DUP_SWAP: {
                int i = r.nextInt(frames.size());
                switch (r.nextInt(4)) {
                    case 0:
                        frames.remove(i);
                        break;
                    case 1:
                        frames.add(i, frames.get(i).duplicate());
                        break;
                    case 2:
                        Collections.swap(frames, i, r.nextInt(frames.size()));
                        break;
                    default:
                        Collections.shuffle(frames, r);
                        break;
                }
                return frames;
            }
            case HUGE_PACKED_LENGTHS: {
                List<ByteBuffer> packed = s.encoding() == Encoding.PACKED ? frames
                        : copyAll(WireCodec.encode(new WireMessage(1, 1, 0, s.body(), s.payloads()), Encoding.PACKED));
                ByteBuffer f = packed.get(0).order(ByteOrder.LITTLE_ENDIAN);
                int count = f.getInt(WireCodec.HEADER_BYTES);
                long[] claims = {1L << 40, Long.MAX_VALUE, -1L, 0xffffffffL, 1L << 31, Integer.MAX_VALUE, 0};
                switch (r.nextInt(3)) {
                    case 0:
                        f.putInt(WireCodec.HEADER_BYTES, r.nextBoolean() ? -1 : r.nextInt(1 << 20));
                        break;
                    case 1:
                        f.putInt(WireCodec.HEADER_BYTES + 4, r.nextBoolean() ? -1 : r.nextInt());
                        break;
                    default:
                        if (count > 0) {
                            f.putLong(WireCodec.HEADER_BYTES + 8 + 8 * r.nextInt(count), claims[r.nextInt(claims.length)]);
                        } else {
                            f.putInt(WireCodec.HEADER_BYTES, 1 << 16);
                        }
                        break;
                }
                return packed;
            }
            case ENVELOPE_MUTATION: {
                Object body = mutableCopy(s.body());
                int n = 1 + r.nextInt(3);
                for (int k = 0; k < n; k++) {
                    List<Slot> slots = new ArrayList<>();
                    collect(body, slots, 0);
                    if (slots.isEmpty()) {
                        break;
                    }
                    slots.get(r.nextInt(slots.size())).set(mutableCopy(evil(r)));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> b = (Map<String, Object>) body;
                return copyAll(WireCodec.encode(new WireMessage(1, 1, 0, b, s.payloads()), s.encoding()));
            }
            case DEEP_NESTING: {
                int depth = 1 + r.nextInt(r.nextBoolean() ? 200 : 100_000);
                boolean maps = r.nextBoolean();
                ByteBuffer env = ByteBuffer.allocate(3 + depth * (maps ? 3 : 1) + 1);
                env.put((byte) 0x81).put((byte) 0xa1).put((byte) 'b'); // {"b": ...
                for (int d = 0; d < depth - 1; d++) {
                    if (maps) {
                        env.put((byte) 0x81).put((byte) 0xa1).put((byte) 'a');
                    } else {
                        env.put((byte) 0x91);
                    }
                }
                env.put((byte) 0xc0);
                env.flip();
                return withEnvelope(env, s.encoding());
            }
            case PAYLOAD_RESIZE: {
                if (s.encoding() == Encoding.FRAMES && frames.size() > 2) {
                    int i = 2 + r.nextInt(frames.size() - 2);
                    ByteBuffer f = frames.get(i);
                    int delta = r.nextInt(17) - 8;
                    int len = Math.max(0, f.remaining() + delta);
                    ByteBuffer g = randomBytes(r, len);
                    g.put(0, f, 0, Math.min(len, f.remaining()));
                    frames.set(i, g);
                    return frames;
                }
                // no payload to resize: add or remove payload frames instead
                if (s.encoding() == Encoding.FRAMES) {
                    frames.add(randomBytes(r, r.nextInt(64)));
                } else {
                    List<ByteBuffer> pl = new ArrayList<>(s.payloads());
                    pl.add(randomBytes(r, r.nextInt(64)));
                    if (r.nextBoolean()) {
                        Collections.reverse(pl);
                    }
                    return copyAll(WireCodec.encode(new WireMessage(1, 1, 0, s.body(), pl), Encoding.PACKED));
                }
                return frames;
            }
            default:
                throw new AssertionError(kind);
        }
    }

    /** A message with a hand-made envelope in either encoding. */
    private static List<ByteBuffer> withEnvelope(ByteBuffer env, Encoding e) {
        ByteBuffer header = ByteBuffer.allocate(WireCodec.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 'T').put((byte) 'Q').put((byte) WireCodec.FORMAT_VERSION).put((byte) e.code());
        header.putShort((short) 1).putShort((short) 0).putLong(1).flip();
        if (e == Encoding.FRAMES) {
            return new ArrayList<>(List.of(header, env));
        }
        ByteBuffer f = ByteBuffer.allocate(WireCodec.HEADER_BYTES + 8 + env.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        f.put(header).putInt(0).putInt(env.remaining()).put(env).flip();
        return new ArrayList<>(List.of(f));
    }

    /** Values that break assumptions: sizes, codes, indexes, shapes and kinds out of range or of the wrong type. */
    private static Object evil(Random r) {
        switch (r.nextInt(16)) {
            case 0:
                return null;
            case 1:
                return (long) r.nextInt(12) - 1;
            case 2:
                return new long[] {1L << 26, (1L << 26) + 1, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE,
                    -1L}[r.nextInt(7)];
            case 3:
                return new String[] {"", "dense", "jagged", "object", "x", "batch"}[r.nextInt(6)];
            case 4: {
                int[] ints = new int[r.nextInt(6)];
                for (int i = 0; i < ints.length; i++) {
                    ints[i] = r.nextBoolean() ? r.nextInt(8) : new int[] {-1, Integer.MAX_VALUE, 1 << 16, 1 << 20}[r
                            .nextInt(4)];
                }
                return Envelope.packInts(ints);
            }
            case 5:
                return Envelope.packLongs(new long[] {r.nextLong(), -1L});
            case 6: {
                byte[] b = new byte[r.nextInt(40)];
                r.nextBytes(b);
                return b;
            }
            case 7:
                return new ArrayList<>();
            case 8:
                return new LinkedHashMap<>();
            case 9:
                return List.of(1L, "two", List.of());
            case 10:
                return r.nextDouble();
            case 11:
                return r.nextBoolean();
            case 12: {
                Object deep = 1L;
                for (int i = 0; i < 60 + r.nextInt(30); i++) {
                    deep = List.of(deep);
                }
                return deep;
            }
            case 13:
                return Map.of("kind", "dense", "dtype", (long) r.nextInt(12), "shape", Envelope.packInts(
                        new int[] {r.nextInt(5)}), "name", "z", "data", (long) r.nextInt(4));
            case 14:
                return Map.of("kind", "jagged", "dtype", (long) r.nextInt(12), "rank", (long) r.nextInt(4), "dims",
                        Envelope.packInts(new int[] {r.nextInt(5), 1 << 30, 3}), "name", "j", "data", 0L);
            default:
                return Map.of("kind", "object", "name", "o", "values", List.of("a"));
        }
    }

    private interface Slot {
        void set(Object v);
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object v, List<Slot> slots, int depth) {
        if (depth > 12) {
            return;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            for (String k : new ArrayList<>(map.keySet())) {
                slots.add(x -> map.put(k, x));
                slots.add(x -> map.remove(k));
                collect(map.get(k), slots, depth + 1);
            }
        } else if (v instanceof List<?> l) {
            List<Object> list = (List<Object>) l;
            for (int i = 0; i < list.size(); i++) {
                int idx = i;
                slots.add(x -> list.set(idx, x));
                collect(list.get(i), slots, depth + 1);
            }
            slots.add(list::add);
        }
    }

    private static Object mutableCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, mutableCopy(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(mutableCopy(x));
            }
            return out;
        }
        return v;
    }

    // ------------------------------------------------------------------ buffers

    private static ByteBuffer randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    private static List<ByteBuffer> copyAll(List<ByteBuffer> frames) {
        List<ByteBuffer> out = new ArrayList<>(frames.size());
        for (ByteBuffer f : frames) {
            out.add(copy(f));
        }
        return out;
    }

    private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(a.remaining() + b.remaining());
        c.put(a.duplicate()).put(b.duplicate()).flip();
        return c;
    }

    /** The same bytes in direct, read-only or offset buffers, as a network layer may hand them over. */
    private static List<ByteBuffer> relocate(List<ByteBuffer> frames, Random r) {
        List<ByteBuffer> out = new ArrayList<>(frames.size());
        for (ByteBuffer f : frames) {
            int pad = r.nextInt(9);
            ByteBuffer host = r.nextBoolean() ? ByteBuffer.allocateDirect(f.remaining() + 2 * pad)
                    : ByteBuffer.allocate(f.remaining() + 2 * pad);
            host.position(pad);
            host.put(f.duplicate());
            host.position(pad).limit(pad + f.remaining());
            out.add(r.nextBoolean() ? host.asReadOnlyBuffer() : host);
        }
        return out;
    }
}
