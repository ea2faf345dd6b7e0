package io.transferqueue.backend.redis;

import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The reply of one {@code MGET} written straight into the caller's buffers: each value is copied once, from
 * Netty's receive buffer into its destination, with no intermediate array. A missing key (nil) or a value whose
 * size differs from its destination is recorded, not written; the operation reports it once every command has
 * answered. Once the operation is abandoned (failed or timed out) nothing more is written, so a late reply never
 * touches buffers the caller may already reuse. Written on a Lettuce I/O thread, read after the command completed.
 */
final class IntoBuffersOutput extends CommandOutput<String, ByteBuffer, Void> {
    private final int[] indexes;
    private final List<ByteBuffer> destinations;
    private final BooleanSupplier abandoned;
    private final MgetProblems problems;
    private int next;

    /**
     * @param indexes the operation's key index of each key of the command, in command order
     * @param destinations every key's destination, by operation index (written through duplicates)
     */
    IntoBuffersOutput(int[] indexes, List<ByteBuffer> destinations, BooleanSupplier abandoned, MgetProblems problems) {
        super(ByteBufferCodec.INSTANCE, null);
        this.indexes = indexes;
        this.destinations = destinations;
        this.abandoned = abandoned;
        this.problems = problems;
    }

    @Override
    public void set(ByteBuffer bytes) {
        int n = next++;
        if (n >= indexes.length) {
            problems.extraValues();
            return;
        }
        int i = indexes[n];
        if (bytes == null) {
            problems.missing(i);
            return;
        }
        ByteBuffer d = destinations.get(i);
        if (bytes.remaining() != d.remaining()) {
            problems.wrongSize(i, bytes.remaining(), d.remaining());
            return;
        }
        if (!abandoned.getAsBoolean()) {
            d.duplicate().put(bytes);
        }
    }

    /** Values received; checked against the keys sent once the command completed. */
    int received() {
        return next;
    }

    /** Values the command asked for. */
    int expected() {
        return indexes.length;
    }
}
