package io.transferqueue.backend.npu;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.DataSize;
import java.util.List;

/** The options of the npu backend, all under {@code tq.storage.npu.}. */
public final class NpuOptions {
    public static final ConfigOption<NpuRuntimeKind> RUNTIME = ConfigOption.key("tq.storage.npu.runtime")
            .enumType(NpuRuntimeKind.class)
            .defaultValue(NpuRuntimeKind.AUTO)
            .description("Device runtime: auto (acl if an Ascend device is found, else cuda if a CUDA device is "
                    + "found, else host), host (emulated device in host memory), acl or cuda.");

    public static final ConfigOption<Integer> DEVICE_ID = ConfigOption.key("tq.storage.npu.device-id")
            .intType()
            .defaultValue(0)
            .validate(i -> i >= 0, "must not be negative")
            .description("Device the cells live on.");

    public static final ConfigOption<DataSize> CAPACITY = ConfigOption.key("tq.storage.npu.capacity")
            .dataSizeType()
            .defaultValue(DataSize.ofGibibytes(1))
            .validate(d -> d.bytes() >= DeviceAllocator.ALIGNMENT, "must be at least " + DeviceAllocator.ALIGNMENT
                    + " bytes")
            .description("Device memory the backend may hold (cells rounded up to 512 bytes); a put that does not "
                    + "fit is rejected with CapacityExceededException.");

    public static final ConfigOption<Boolean> REQUIRED = ConfigOption.key("tq.storage.npu.required")
            .booleanType()
            .defaultValue(false)
            .description("Fail at start when no device of the chosen runtime (or, with auto, of any runtime) is "
                    + "found, instead of falling back to the host runtime.");

    public static final ConfigOption<DataSize> CHUNK_SIZE = ConfigOption.key("tq.storage.npu.chunk-size")
            .dataSizeType()
            .defaultValue(DataSize.ofMebibytes(64))
            .validate(d -> d.bytes() >= DeviceAllocator.ALIGNMENT && d.bytes() % DeviceAllocator.ALIGNMENT == 0,
                    "must be a positive multiple of " + DeviceAllocator.ALIGNMENT + " bytes")
            .description("Device memory is taken from the runtime in chunks of this size (larger cells get a chunk "
                    + "of their own) and reused for later cells; never more than the capacity in total.");

    public static final ConfigOption<Integer> COPY_THREADS = ConfigOption.key("tq.storage.npu.copy-threads")
            .intType()
            .defaultValue(2)
            .validate(n -> n >= 1 && n <= 64, "must be between 1 and 64")
            .description("Threads that copy one put or get of at least 8 MiB into or out of the device, the "
                    + "calling thread included (1: the calling thread alone).");

    public static final ConfigOption<Boolean> STRICT_CLOSE = ConfigOption.key("tq.storage.npu.strict-close")
            .booleanType()
            .defaultValue(false)
            .description("close() throws IllegalStateException (after releasing everything) when device buffers "
                    + "are still leased or allocations are unaccounted for; otherwise it logs a WARN. For tests.");

    public static final ConfigOption<List<String>> ACL_LIBRARIES = ConfigOption.key("tq.storage.npu.acl-libraries")
            .listType()
            .defaultValue(List.of("libascendcl.so", "/usr/local/Ascend/ascend-toolkit/latest/lib64/libascendcl.so"))
            .validate(l -> !l.isEmpty(), "must name at least one library")
            .description("AscendCL libraries tried in order (names searched like dlopen does, or paths).");

    public static final ConfigOption<List<String>> CUDA_LIBRARIES = ConfigOption.key("tq.storage.npu.cuda-libraries")
            .listType()
            .defaultValue(List.of("libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0",
                    "/usr/local/cuda/lib64/libcudart.so"))
            .validate(l -> !l.isEmpty(), "must name at least one library")
            .description("CUDA runtime libraries tried in order (names searched like dlopen does, or paths).");

    private NpuOptions() {
    }

    /** Every option of the backend. */
    public static List<ConfigOption<?>> all() {
        return List.of(RUNTIME, DEVICE_ID, CAPACITY, REQUIRED, CHUNK_SIZE, COPY_THREADS, STRICT_CLOSE, ACL_LIBRARIES,
                CUDA_LIBRARIES);
    }
}
