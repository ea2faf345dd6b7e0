package io.transferqueue.backend.npu;

/** Device runtimes of the npu backend ({@code tq.storage.npu.runtime}). */
public enum NpuRuntimeKind {
    /** Ascend CANN if a device is found, else CUDA if a device is found, else {@link #HOST}. */
    AUTO(0),
    /** An emulated device in host memory: explicit copies in and out, the same code paths as a device. */
    HOST(1),
    /** Ascend CANN's AscendCL ({@code libascendcl.so}). */
    ACL(2),
    /** NVIDIA's CUDA runtime ({@code libcudart.so}, {@code libcudart.so.13}, {@code .12}, ...). */
    CUDA(3);

    private final int nativeCode;

    NpuRuntimeKind(int nativeCode) {
        this.nativeCode = nativeCode;
    }

    /** The C layer's {@code tq_rt_kind}. */
    int nativeCode() {
        return nativeCode;
    }

    /** The lower-case name used in configuration and logs. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
