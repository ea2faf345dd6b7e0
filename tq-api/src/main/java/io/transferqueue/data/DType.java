package io.transferqueue.data;

import java.util.Locale;

/**
 * Element types of tensors, named as PyTorch spells them (without the {@code torch.} prefix). Every
 * dtype has a fixed element size; bytes are little-endian. {@code bool} is one byte per element
 * (0 or 1). {@code float16} is IEEE binary16 and {@code bfloat16} the upper half of a binary32; both
 * are stored bit-exact and converted only by the element accessors.
 */
public enum DType {
    BOOL("bool", 1, 1),
    UINT8("uint8", 1, 2),
    INT8("int8", 1, 3),
    INT16("int16", 2, 4),
    INT32("int32", 4, 5),
    INT64("int64", 8, 6),
    FLOAT16("float16", 2, 7),
    BFLOAT16("bfloat16", 2, 8),
    FLOAT32("float32", 4, 9),
    FLOAT64("float64", 8, 10);

    private static final DType[] BY_CODE = new DType[11];

    static {
        for (DType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final String torchName;
    private final int elementSize;
    private final int code;

    DType(String torchName, int elementSize, int code) {
        this.torchName = torchName;
        this.elementSize = elementSize;
        this.code = code;
    }

    /** The PyTorch name without prefix, e.g. {@code float32}. */
    public String torchName() {
        return torchName;
    }

    /** Bytes per element. */
    public int elementSize() {
        return elementSize;
    }

    /** Stable small integer used by the wire format; never reordered. */
    public int code() {
        return code;
    }

    /** True for the four floating-point types. */
    public boolean isFloatingPoint() {
        return this == FLOAT16 || this == BFLOAT16 || this == FLOAT32 || this == FLOAT64;
    }

    /**
     * Parses a dtype name as PyTorch prints it: {@code float32}, {@code torch.float32}; the common
     * aliases {@code float}, {@code double}, {@code half}, {@code long}, {@code int}, {@code short}
     * are accepted too. Case-insensitive.
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static DType parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("dtype is null");
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("torch.")) {
            n = n.substring("torch.".length());
        }
        switch (n) {
            case "float":
                return FLOAT32;
            case "double":
                return FLOAT64;
            case "half":
                return FLOAT16;
            case "long":
                return INT64;
            case "int":
                return INT32;
            case "short":
                return INT16;
            default:
                break;
        }
        for (DType t : values()) {
            if (t.torchName.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'; expected one of bool, uint8, int8, int16, "
                + "int32, int64, float16, bfloat16, float32, float64 (optionally prefixed with 'torch.')");
    }

    /**
     * The dtype with the given wire code.
     *
     * @throws IllegalArgumentException if no dtype has that code
     */
    public static DType fromCode(int code) {
        if (code <= 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown dtype code " + code);
        }
        return BY_CODE[code];
    }

    @Override
    public String toString() {
        return torchName;
    }
}
