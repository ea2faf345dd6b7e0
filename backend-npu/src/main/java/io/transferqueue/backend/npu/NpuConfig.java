package io.transferqueue.backend.npu;

import static java.util.Objects.requireNonNull;

import io.transferqueue.config.TqConfig;
import java.util.List;

/**
 * The validated configuration of one npu backend.
 *
 * @param capacityBytes device memory the backend may hold
 * @param chunkBytes size of the chunks taken from the runtime
 * @param copyThreads threads copying one large put or get, the caller's included
 */
record NpuConfig(NpuRuntimeKind runtime, int deviceId, long capacityBytes, boolean required, long chunkBytes,
        int copyThreads, boolean strictClose, List<String> aclLibraries, List<String> cudaLibraries) {
    NpuConfig {
        requireNonNull(runtime, "runtime is null");
        aclLibraries = List.copyOf(aclLibraries);
        cudaLibraries = List.copyOf(cudaLibraries);
    }

    /** Reads and checks every option (a bad value is a ConfigException naming the key). */
    static NpuConfig from(TqConfig config) {
        requireNonNull(config, "config is null");
        return new NpuConfig(config.get(NpuOptions.RUNTIME), config.get(NpuOptions.DEVICE_ID),
                config.get(NpuOptions.CAPACITY).bytes(), config.get(NpuOptions.REQUIRED),
                config.get(NpuOptions.CHUNK_SIZE).bytes(), config.get(NpuOptions.COPY_THREADS),
                config.get(NpuOptions.STRICT_CLOSE),
                config.get(NpuOptions.ACL_LIBRARIES), config.get(NpuOptions.CUDA_LIBRARIES));
    }

    List<String> librariesOf(NpuRuntimeKind kind) {
        switch (kind) {
            case ACL:
                return aclLibraries;
            case CUDA:
                return cudaLibraries;
            default:
                return List.of();
        }
    }
}
