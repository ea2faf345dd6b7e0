/*
 * The `cuda` runtime: NVIDIA's CUDA runtime (libcudart.so, or a versioned libcudart.so.N), reached with
 * dlopen/dlsym so the library needs neither CUDA headers at build time nor CUDA at run time. The few
 * prototypes, enums and error codes used are declared here with their documented ABI values.
 */
#define _GNU_SOURCE
#include "tq_npu_runtime.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* driver_types.h values */
#define cudaSuccess 0
#define cudaErrorInvalidValue 1
#define cudaErrorMemoryAllocation 2
#define cudaErrorInitializationError 3
#define cudaErrorInvalidDevicePointer 17
#define cudaErrorInsufficientDriver 35
#define cudaErrorNoDevice 100
#define cudaErrorInvalidDevice 101
#define cudaMemcpyHostToDevice 1 /* enum cudaMemcpyKind */
#define cudaMemcpyDeviceToHost 2

typedef int cudaError_t;

typedef struct cuda_state {
    void *lib;
    cudaError_t (*get_device_count)(int *count);
    cudaError_t (*set_device)(int device);
    cudaError_t (*malloc)(void **dev_ptr, size_t size);
    cudaError_t (*free)(void *dev_ptr);
    cudaError_t (*memcpy)(void *dst, const void *src, size_t count, int kind);
    cudaError_t (*mem_get_info)(size_t *free_bytes, size_t *total_bytes);
    const char *(*get_error_string)(cudaError_t error);
    /* optional */
    cudaError_t (*runtime_get_version)(int *version);
} cuda_state;

/* the runtime whose device this thread set last (by generation; 0: none) */
static __thread unsigned long cuda_bound_generation;

static cuda_state *state_of(tq_rt *rt) {
    return (cuda_state *)rt->impl;
}

static const char *cuda_error_string(tq_rt *rt, int code, char *buf, size_t len) {
    const char *common = tq_rt_common_error(code);
    if (common != NULL) {
        return common;
    }
    cuda_state *s = state_of(rt);
    const char *text = s != NULL ? s->get_error_string(code) : NULL;
    snprintf(buf, len, "CUDA error %d: %s", code, text != NULL ? text : "unknown");
    return buf;
}

static tq_rt_category cuda_category(int code) {
    int common = tq_rt_common_category(code);
    if (common >= 0) {
        return (tq_rt_category)common;
    }
    switch (code) {
    case cudaErrorMemoryAllocation:
        return TQ_RT_CAT_OUT_OF_MEMORY;
    case cudaErrorInvalidValue:
    case cudaErrorInvalidDevicePointer:
    case cudaErrorInvalidDevice:
        return TQ_RT_CAT_INVALID;
    case cudaErrorInitializationError:
    case cudaErrorInsufficientDriver:
    case cudaErrorNoDevice:
        return TQ_RT_CAT_UNAVAILABLE;
    default:
        return TQ_RT_CAT_RUNTIME;
    }
}

static void report_failure(tq_rt *rt, const char *call, int code) {
    char buf[512];
    tq_rt_reportf(rt, "cuda: %s failed: %s", call, cuda_error_string(rt, code, buf, sizeof buf));
}

static int cuda_init(tq_rt *rt, int device_id) {
    cuda_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return TQ_RT_E_NO_MEMORY;
    }
    rt->impl = s;
    s->lib = tq_rt_dlopen_first(rt, "cuda", rt->libraries);
    if (s->lib == NULL) {
        free(s);
        rt->impl = NULL;
        return TQ_RT_E_UNAVAILABLE;
    }
    /* the library stays loaded: unloading the CUDA runtime while it has threads is not safe */
    TQ_RT_LOAD(get_device_count, "cudaGetDeviceCount");
    TQ_RT_LOAD(set_device, "cudaSetDevice");
    TQ_RT_LOAD(malloc, "cudaMalloc");
    TQ_RT_LOAD(free, "cudaFree");
    TQ_RT_LOAD(memcpy, "cudaMemcpy");
    TQ_RT_LOAD(mem_get_info, "cudaMemGetInfo");
    TQ_RT_LOAD(get_error_string, "cudaGetErrorString");
    *(void **)(&s->runtime_get_version) = dlsym(s->lib, "cudaRuntimeGetVersion");

    int version = 0;
    if (s->runtime_get_version != NULL && s->runtime_get_version(&version) == cudaSuccess) {
        tq_rt_reportf(rt, "cuda: runtime version %d.%d", version / 1000, (version % 1000) / 10);
    }
    int count = 0;
    int rc = s->get_device_count(&count);
    if (rc != cudaSuccess) {
        report_failure(rt, "cudaGetDeviceCount", rc);
        rc = cuda_category(rc) == TQ_RT_CAT_UNAVAILABLE ? TQ_RT_E_NO_DEVICE : rc;
        goto fail;
    }
    if (count <= 0) {
        tq_rt_reportf(rt, "cuda: %s loaded but no device found", rt->library);
        rc = TQ_RT_E_NO_DEVICE;
        goto fail;
    }
    if (device_id >= count) {
        tq_rt_reportf(rt, "cuda: device %d requested, %d device(s) found", device_id, count);
        rc = TQ_RT_E_BAD_DEVICE_ID;
        goto fail;
    }
    rc = s->set_device(device_id);
    if (rc != cudaSuccess) {
        report_failure(rt, "cudaSetDevice", rc);
        goto fail;
    }
    /* creates the primary context now, so a broken driver fails here rather than at the first put */
    rc = s->free(NULL);
    if (rc != cudaSuccess) {
        report_failure(rt, "cudaFree(NULL)", rc);
        goto fail;
    }
    cuda_bound_generation = rt->generation;
    tq_rt_reportf(rt, "cuda: device %d of %d opened", device_id, count);
    return 0;
fail:
    free(s);
    rt->impl = NULL;
    return rc;
}

/* Makes this runtime's device current on the calling thread (CUDA keeps it per thread). */
static int bind(tq_rt *rt, cuda_state *s) {
    if (cuda_bound_generation == rt->generation) {
        return 0;
    }
    int rc = s->set_device(rt->device_id);
    if (rc == cudaSuccess) {
        cuda_bound_generation = rt->generation;
    }
    return rc;
}

static int cuda_malloc(tq_rt *rt, void **dev_ptr, size_t size) {
    cuda_state *s = state_of(rt);
    if (dev_ptr == NULL || size == 0) {
        return TQ_RT_E_INVALID_ARGUMENT;
    }
    *dev_ptr = NULL;
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->malloc(dev_ptr, size);
}

static int cuda_free(tq_rt *rt, void *dev_ptr) {
    cuda_state *s = state_of(rt);
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->free(dev_ptr);
}

static int cuda_h2d(tq_rt *rt, void *dst_dev, const void *src_host, size_t n) {
    if (n == 0) {
        return 0;
    }
    cuda_state *s = state_of(rt);
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->memcpy(dst_dev, src_host, n, cudaMemcpyHostToDevice);
}

static int cuda_d2h(tq_rt *rt, void *dst_host, const void *src_dev, size_t n) {
    if (n == 0) {
        return 0;
    }
    cuda_state *s = state_of(rt);
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->memcpy(dst_host, src_dev, n, cudaMemcpyDeviceToHost);
}

static int cuda_mem_info(tq_rt *rt, size_t *free_bytes, size_t *total_bytes) {
    cuda_state *s = state_of(rt);
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->mem_get_info(free_bytes, total_bytes);
}

/* Nothing to destroy: the primary context is shared with every other CUDA user of the process. */
static void cuda_shutdown(tq_rt *rt) {
    cuda_state *s = state_of(rt);
    if (s == NULL) {
        return;
    }
    if (cuda_bound_generation == rt->generation) {
        cuda_bound_generation = 0;
    }
    free(s);
    rt->impl = NULL;
}

const tq_rt_ops tq_rt_cuda_ops = {
    .name = "cuda",
    .init = cuda_init,
    .malloc = cuda_malloc,
    .free = cuda_free,
    .memcpy_h2d = cuda_h2d,
    .memcpy_d2h = cuda_d2h,
    .mem_info = cuda_mem_info,
    .error_string = cuda_error_string,
    .category = cuda_category,
    .shutdown = cuda_shutdown,
};
