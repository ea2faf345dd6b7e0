package io.transferqueue.backend.npu;

import io.transferqueue.error.BackendUnavailableException;
import java.nio.ByteBuffer;

/**
 * The JNI library {@code libtqnpu}: the device-runtime interface of {@code src/main/c}. Callers pass only
 * handles the Java side has validated (see {@link NpuDevice}); the C side still checks null pointers and
 * array and buffer bounds. Errors are thrown as {@link NpuNativeException}.
 */
final class NpuNative {
    /** Must equal TQ_NPU_ABI_VERSION of tq_npu_jni.c. */
    static final int ABI_VERSION = 1;

    static final NativeLibraryLoader LOADER = new NativeLibraryLoader("tqnpu", "META-INF/native",
            NpuNative.class.getClassLoader());

    private static volatile boolean checked;

    private NpuNative() {
    }

    /**
     * Loads the library once per class loader and checks its ABI version.
     *
     * @throws BackendUnavailableException if it cannot be loaded or is of another version
     */
    static void ensureLoaded() {
        if (checked) {
            return;
        }
        LOADER.ensureAvailable();
        int v = abiVersion();
        if (v != ABI_VERSION) {
            throw new BackendUnavailableException("native library tqnpu loaded from " + LOADER.loadedFrom()
                    + " has ABI version " + v + ", this jar needs " + ABI_VERSION
                    + "; remove the stale copy from java.library.path");
        }
        checked = true;
    }

    static native int abiVersion();

    /** Opens a runtime ({@link NpuRuntimeKind#nativeCode()}); reportOut[0] receives the UTF-8 report. */
    static native long open(int kind, int deviceId, byte[][] libraries, byte[][] reportOut);

    static native void close(long rt);

    static native byte[] library(long rt);

    static native long malloc(long rt, long size);

    static native void free(long rt, long devicePointer);

    static native void copyFromArray(long rt, long dst, byte[] src, int offset, int length);

    static native void copyToArray(long rt, long src, byte[] dst, int offset, int length);

    static native void copyFromDirect(long rt, long dst, ByteBuffer src, long offset, long length);

    static native void copyToDirect(long rt, long src, ByteBuffer dst, long offset, long length);

    static native void memInfo(long rt, long[] freeAndTotal);
}
