package io.transferqueue.backend.npu;

import io.transferqueue.error.BackendException;
import java.nio.charset.StandardCharsets;

/**
 * A device runtime reported an error (thrown by the JNI library): the message is the runtime's own, with the
 * operation and device. {@link #runtimeCode()} is the vendor's status code (or a negative code of the
 * backend's native layer), {@link #category()} what it means whatever the runtime.
 */
public final class NpuNativeException extends BackendException {
    private static final long serialVersionUID = 1L;

    /** What a native error means, whatever the runtime (the numbers are the C layer's {@code tq_rt_category}). */
    public enum Category {
        /** Not an error (never thrown). */
        OK,
        /** The runtime library, one of its symbols, or a device is missing. */
        UNAVAILABLE,
        /** The device is out of memory. */
        OUT_OF_MEMORY,
        /** A bad argument: an unknown device pointer, a range outside an allocation, a bad device id. */
        INVALID,
        /** Any other failure the runtime reported. */
        RUNTIME;

        static Category of(int code) {
            Category[] all = values();
            return code >= 0 && code < all.length ? all[code] : RUNTIME;
        }
    }

    private final int runtimeCode;
    private final Category category;

    /** Called from JNI: the message arrives as UTF-8 bytes (vendor messages need not be modified UTF-8). */
    NpuNativeException(byte[] utf8Message, int runtimeCode, int category) {
        this(new String(utf8Message, StandardCharsets.UTF_8), runtimeCode, Category.of(category));
    }

    NpuNativeException(String message, int runtimeCode, Category category) {
        super(message);
        this.runtimeCode = runtimeCode;
        this.category = category;
    }

    /** The runtime's status code (negative: a code of the backend's own native layer). */
    public int runtimeCode() {
        return runtimeCode;
    }

    public Category category() {
        return category;
    }
}
