package io.transferqueue.backend.redis;

import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;

/**
 * The reply of one {@code MGET}: values arrive in command order and each goes to its key's index of the whole
 * operation. A nil is recorded as missing and a value beyond the keys sent as extra; what happens to a value is
 * the subclass's. Written on a Lettuce I/O thread, read after the command completed.
 */
abstract class MgetOutput extends CommandOutput<String, ByteBuffer, Void> {
    private final int[] indexes;
    final MgetProblems problems;
    private int next;

    /** @param indexes the operation's key index of each key of the command, in command order */
    MgetOutput(int[] indexes, MgetProblems problems) {
        super(ByteBufferCodec.INSTANCE, null);
        this.indexes = indexes;
        this.problems = problems;
    }

    @Override
    public final void set(ByteBuffer bytes) {
        int n = next++;
        if (n >= indexes.length) {
            problems.extraValues();
            return;
        }
        if (bytes == null) {
            problems.missing(indexes[n]);
            return;
        }
        value(indexes[n], bytes);
    }

    /** A present value for the operation's key {@code index}. */
    abstract void value(int index, ByteBuffer bytes);

    /** Values received; checked against the keys sent once the command completed. */
    final int received() {
        return next;
    }

    /** Values the command asked for. */
    final int expected() {
        return indexes.length;
    }
}
