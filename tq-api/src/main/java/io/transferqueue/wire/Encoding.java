package io.transferqueue.wire;

/**
 * How a message is laid out in frames. The header of every message says which one was used, so every
 * decoder reads both and the sender's choice never has to match the receiver's.
 */
public enum Encoding {
    /** Header frame, envelope frame, then one frame per payload buffer, sent without copying. */
    FRAMES(0),
    /** Everything in one frame (one copy of every payload). */
    PACKED(1);

    private final int code;

    Encoding(int code) {
        this.code = code;
    }

    /** The code written in the header. */
    public int code() {
        return code;
    }

    static Encoding fromCode(int code) {
        for (Encoding e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }

    /** {@code FRAMES} when zero-copy serialization is on (the default), else {@code PACKED}. */
    public static Encoding forZeroCopy(boolean zeroCopy) {
        return zeroCopy ? FRAMES : PACKED;
    }
}
