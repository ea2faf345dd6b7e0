package io.transferqueue.backend.redis;

import java.nio.ByteBuffer;

/** The reply of one {@code MGET} of values of unknown size: each value copied into a fresh little-endian heap buffer. */
final class CopyingOutput extends MgetOutput {
    private final ByteBuffer[] results;

    CopyingOutput(int[] indexes, ByteBuffer[] results, MgetProblems problems) {
        super(indexes, problems);
        this.results = results;
    }

    @Override
    void value(int index, ByteBuffer bytes) {
        results[index] = codec.decodeValue(bytes);
    }
}
