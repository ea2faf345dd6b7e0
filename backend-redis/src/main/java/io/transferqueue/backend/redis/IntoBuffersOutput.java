package io.transferqueue.backend.redis;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The reply of one {@code MGET} written straight into the caller's buffers: each value is copied once, from
 * Netty's receive buffer into its destination, with no intermediate array. A value whose size differs from its
 * destination is recorded, not written; the operation reports it once every command has answered. Once the
 * operation is abandoned (failed or timed out) nothing more is written, so a late reply never touches buffers the
 * caller may already reuse.
 */
final class IntoBuffersOutput extends MgetOutput {
    private final List<ByteBuffer> destinations;
    private final BooleanSupplier abandoned;

    /**
     * @param indexes the operation's key index of each key of the command, in command order
     * @param destinations every key's destination, by operation index (written through duplicates)
     */
    IntoBuffersOutput(int[] indexes, List<ByteBuffer> destinations, BooleanSupplier abandoned, MgetProblems problems) {
        super(indexes, problems);
        this.destinations = destinations;
        this.abandoned = abandoned;
    }

    @Override
    void value(int index, ByteBuffer bytes) {
        ByteBuffer d = destinations.get(index);
        if (bytes.remaining() != d.remaining()) {
            problems.wrongSize(index, bytes.remaining(), d.remaining());
            return;
        }
        if (!abandoned.getAsBoolean()) {
            d.duplicate().put(bytes);
        }
    }
}
