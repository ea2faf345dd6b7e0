package io.transferqueue.wire;

import io.transferqueue.data.ObjectValues;

/**
 * Bounds a decoder enforces before allocating anything, so hostile or corrupt input costs no more memory
 * than the bytes that actually arrived.
 *
 * @param maxDepth deepest nesting of lists and maps in an envelope
 * @param maxFrames most frames in one message
 * @param maxRows largest batch a message may describe
 * @param maxMessageBytes largest total size of one message
 */
public record WireLimits(int maxDepth, int maxFrames, int maxRows, long maxMessageBytes) {
    /**
     * Depth 96, 65 536 frames, 2^26 rows, 16 GiB. The depth leaves room for the protocol's own levels above
     * a value nested {@link io.transferqueue.data.ObjectValues#MAX_DEPTH} deep, so every value the data model
     * accepts can be sent; encoders refuse bodies deeper than this.
     */
    public static final WireLimits DEFAULT = new WireLimits(ObjectValues.MAX_DEPTH + 32, 1 << 16, 1 << 26,
            16L << 30);

    public WireLimits {
        if (maxDepth < 1 || maxFrames < 2 || maxRows < 1 || maxMessageBytes < 64) {
            throw new IllegalArgumentException("wire limits too small: " + maxDepth + ", " + maxFrames + ", " + maxRows
                    + ", " + maxMessageBytes);
        }
    }
}
