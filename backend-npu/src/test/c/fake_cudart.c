/* A stand-in libcudart.so.12 for tests (see fake_common.h). Environment: TQ_FAKE_CUDA_DEVICES (default 1),
 * TQ_FAKE_CUDA_MEMORY (bytes per process, default 4 GiB). Stricter than CUDA in one way: memory calls need
 * cudaSetDevice on the calling thread first (CUDA would silently use device 0). */
#include "fake_common.h"

typedef int cudaError_t;

static __thread int current_device = -1;

static int devices(void) {
    return (int)fake_env_size("TQ_FAKE_CUDA_DEVICES", 1);
}

static size_t limit(void) {
    return fake_env_size("TQ_FAKE_CUDA_MEMORY", (size_t)4 << 30);
}

const char *cudaGetErrorString(cudaError_t e) {
    switch (e) {
    case 0:
        return "no error";
    case 1:
        return "invalid argument";
    case 2:
        return "out of memory";
    case 100:
        return "no CUDA-capable device is detected";
    case 101:
        return "invalid device ordinal";
    default:
        return "unknown error";
    }
}

cudaError_t cudaRuntimeGetVersion(int *version) {
    *version = 12040;
    return 0;
}

cudaError_t cudaGetDeviceCount(int *count) {
    *count = 0;
    if (devices() == 0) {
        return 100; /* cudaErrorNoDevice, as CUDA reports it */
    }
    *count = devices();
    return 0;
}

cudaError_t cudaSetDevice(int device) {
    if (device < 0 || device >= devices()) {
        return 101;
    }
    current_device = device;
    return 0;
}

cudaError_t cudaMalloc(void **dev, size_t size) {
    if (current_device < 0) {
        return 101;
    }
    if (dev == NULL) {
        return 1;
    }
    return fake_alloc(dev, size, limit()) == 0 ? 0 : 2;
}

cudaError_t cudaFree(void *dev) {
    if (current_device < 0) {
        return 101;
    }
    if (dev == NULL) {
        return 0;
    }
    return fake_release(dev) == 0 ? 0 : 1;
}

cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, int kind) {
    if (current_device < 0) {
        return 101;
    }
    if (kind == 1) { /* cudaMemcpyHostToDevice */
        if (fake_in_device(dst, count) != 1 || fake_in_device(src, 1) != 0) {
            return 1;
        }
    } else if (kind == 2) { /* cudaMemcpyDeviceToHost */
        if (fake_in_device(src, count) != 1 || fake_in_device(dst, 1) != 0) {
            return 1;
        }
    } else {
        return 1;
    }
    memcpy(dst, src, count);
    return 0;
}

cudaError_t cudaMemGetInfo(size_t *free_bytes, size_t *total_bytes) {
    if (current_device < 0) {
        return 101;
    }
    pthread_mutex_lock(&fake_lock);
    *total_bytes = limit();
    *free_bytes = limit() > fake_used ? limit() - fake_used : 0;
    pthread_mutex_unlock(&fake_lock);
    return 0;
}

/* test introspection */
int tq_fake_live_allocations(void) {
    return fake_live();
}
