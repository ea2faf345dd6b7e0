package io.transferqueue.backend.redis;

import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;

/**
 * The reply of one {@code MGET} of values of unknown size: each value copied into a fresh little-endian heap
 * buffer, stored at its key's index of the operation. A nil is recorded as missing. Written on a Lettuce I/O
 * thread, read after the command completed.
 */
final class CopyingOutput extends CommandOutput<String, ByteBuffer, Void> {
    private final int[] indexes;
    private final ByteBuffer[] results;
    private final MgetProblems problems;
    private int next;

    CopyingOutput(int[] indexes, ByteBuffer[] results, MgetProblems problems) {
        super(ByteBufferCodec.INSTANCE, null);
        this.indexes = indexes;
        this.results = results;
        this.problems = problems;
    }

    @Override
    public void set(ByteBuffer bytes) {
        int n = next++;
        if (n >= indexes.length) {
            problems.extraValues();
            return;
        }
        if (bytes == null) {
            problems.missing(indexes[n]);
            return;
        }
        results[indexes[n]] = codec.decodeValue(bytes);
    }

    int received() {
        return next;
    }

    /** Values the command asked for. */
    int expected() {
        return indexes.length;
    }
}
