/*
 * The `acl` runtime: Ascend CANN's AscendCL (libascendcl.so), reached with dlopen/dlsym so the library
 * needs neither CANN headers at build time nor CANN at run time. The few prototypes, enums and error codes
 * used are declared here with their documented ABI values.
 */
#define _GNU_SOURCE
#include "tq_npu_runtime.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* acl_base.h / acl_rt.h values */
#define ACL_SUCCESS 0
#define ACL_ERROR_INVALID_PARAM 100000
#define ACL_ERROR_REPEAT_INITIALIZE 100002
#define ACL_ERROR_BAD_ALLOC 200000
#define ACL_ERROR_INVALID_DEVICE 200002
#define ACL_ERROR_RT_PARAM_INVALID 107000
#define ACL_ERROR_RT_INVALID_DEVICEID 107001
#define ACL_ERROR_RT_MEMORY_ALLOCATION 207001
#define ACL_ERROR_RT_NO_DEVICE 207004
#define ACL_MEM_MALLOC_HUGE_FIRST 0 /* aclrtMemMallocPolicy */
#define ACL_MEMCPY_HOST_TO_DEVICE 1 /* aclrtMemcpyKind */
#define ACL_MEMCPY_DEVICE_TO_HOST 2
#define ACL_HBM_MEM 1 /* aclrtMemAttr */

typedef int aclError;
typedef void *aclrtContext;

typedef struct acl_state {
    void *lib;
    aclError (*init)(const char *config_path);
    aclError (*set_device)(int32_t device_id);
    aclError (*reset_device)(int32_t device_id);
    aclError (*get_device_count)(uint32_t *count);
    aclError (*create_context)(aclrtContext *context, int32_t device_id);
    aclError (*destroy_context)(aclrtContext context);
    aclError (*set_current_context)(aclrtContext context);
    aclError (*malloc)(void **dev_ptr, size_t size, int policy);
    aclError (*free)(void *dev_ptr);
    aclError (*memcpy)(void *dst, size_t dest_max, const void *src, size_t count, int kind);
    aclError (*get_mem_info)(int attr, size_t *free_bytes, size_t *total_bytes);
    /* optional (CANN 5+): the calling thread's most recent error message */
    const char *(*recent_err_msg)(void);
    aclrtContext context;
} acl_state;

/* the runtime whose context this thread made current last (by generation; 0: none) */
static __thread unsigned long acl_bound_generation;

static acl_state *state_of(tq_rt *rt) {
    return (acl_state *)rt->impl;
}

static const char *acl_code_name(int code) {
    switch (code) {
    case ACL_ERROR_INVALID_PARAM:
        return "ACL_ERROR_INVALID_PARAM";
    case ACL_ERROR_REPEAT_INITIALIZE:
        return "ACL_ERROR_REPEAT_INITIALIZE";
    case ACL_ERROR_BAD_ALLOC:
        return "ACL_ERROR_BAD_ALLOC";
    case ACL_ERROR_INVALID_DEVICE:
        return "ACL_ERROR_INVALID_DEVICE";
    case ACL_ERROR_RT_PARAM_INVALID:
        return "ACL_ERROR_RT_PARAM_INVALID";
    case ACL_ERROR_RT_INVALID_DEVICEID:
        return "ACL_ERROR_RT_INVALID_DEVICEID";
    case ACL_ERROR_RT_MEMORY_ALLOCATION:
        return "ACL_ERROR_RT_MEMORY_ALLOCATION";
    case ACL_ERROR_RT_NO_DEVICE:
        return "ACL_ERROR_RT_NO_DEVICE";
    default:
        return "ACL error";
    }
}

static const char *acl_error_string(tq_rt *rt, int code, char *buf, size_t len) {
    const char *common = tq_rt_common_error(code);
    if (common != NULL) {
        return common;
    }
    acl_state *s = state_of(rt);
    const char *recent = s != NULL && s->recent_err_msg != NULL ? s->recent_err_msg() : NULL;
    snprintf(buf, len, "%s %d%s%s", acl_code_name(code), code, recent != NULL && recent[0] != '\0' ? ": " : "",
             recent != NULL ? recent : "");
    return buf;
}

static tq_rt_category acl_category(int code) {
    int common = tq_rt_common_category(code);
    if (common >= 0) {
        return (tq_rt_category)common;
    }
    switch (code) {
    case ACL_ERROR_RT_MEMORY_ALLOCATION:
    case ACL_ERROR_BAD_ALLOC:
        return TQ_RT_CAT_OUT_OF_MEMORY;
    case ACL_ERROR_INVALID_PARAM:
    case ACL_ERROR_RT_PARAM_INVALID:
    case ACL_ERROR_INVALID_DEVICE:
    case ACL_ERROR_RT_INVALID_DEVICEID:
        return TQ_RT_CAT_INVALID;
    case ACL_ERROR_RT_NO_DEVICE:
        return TQ_RT_CAT_UNAVAILABLE;
    default:
        return TQ_RT_CAT_RUNTIME;
    }
}

static void report_failure(tq_rt *rt, const char *call, int code) {
    char buf[512];
    tq_rt_reportf(rt, "acl: %s failed: %s", call, acl_error_string(rt, code, buf, sizeof buf));
}

static int acl_init(tq_rt *rt, int device_id) {
    acl_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return TQ_RT_E_NO_MEMORY;
    }
    rt->impl = s;
    s->lib = tq_rt_dlopen_first(rt, "acl", rt->libraries);
    if (s->lib == NULL) {
        free(s);
        rt->impl = NULL;
        return TQ_RT_E_UNAVAILABLE;
    }
    /* the library stays loaded: unloading a vendor runtime that may have started threads is not safe */
    TQ_RT_LOAD(init, "aclInit");
    TQ_RT_LOAD(set_device, "aclrtSetDevice");
    TQ_RT_LOAD(reset_device, "aclrtResetDevice");
    TQ_RT_LOAD(get_device_count, "aclrtGetDeviceCount");
    TQ_RT_LOAD(create_context, "aclrtCreateContext");
    TQ_RT_LOAD(destroy_context, "aclrtDestroyContext");
    TQ_RT_LOAD(set_current_context, "aclrtSetCurrentContext");
    TQ_RT_LOAD(malloc, "aclrtMalloc");
    TQ_RT_LOAD(free, "aclrtFree");
    TQ_RT_LOAD(memcpy, "aclrtMemcpy");
    TQ_RT_LOAD(get_mem_info, "aclrtGetMemInfo");
    *(void **)(&s->recent_err_msg) = dlsym(s->lib, "aclGetRecentErrMsg");

    /* process-wide; another user in this process may have initialized it already */
    int rc = s->init(NULL);
    if (rc != ACL_SUCCESS && rc != ACL_ERROR_REPEAT_INITIALIZE) {
        report_failure(rt, "aclInit", rc);
        goto fail;
    }
    uint32_t count = 0;
    rc = s->get_device_count(&count);
    if (rc != ACL_SUCCESS) {
        report_failure(rt, "aclrtGetDeviceCount", rc);
        rc = TQ_RT_E_NO_DEVICE;
        goto fail;
    }
    if (count == 0) {
        tq_rt_reportf(rt, "acl: %s loaded but no device found", rt->library);
        rc = TQ_RT_E_NO_DEVICE;
        goto fail;
    }
    if ((uint32_t)device_id >= count) {
        tq_rt_reportf(rt, "acl: device %d requested, %u device(s) found", device_id, count);
        rc = TQ_RT_E_BAD_DEVICE_ID;
        goto fail;
    }
    rc = s->set_device(device_id);
    if (rc != ACL_SUCCESS) {
        report_failure(rt, "aclrtSetDevice", rc);
        goto fail;
    }
    rc = s->create_context(&s->context, device_id);
    if (rc != ACL_SUCCESS) {
        report_failure(rt, "aclrtCreateContext", rc);
        s->reset_device(device_id);
        goto fail;
    }
    acl_bound_generation = rt->generation;
    tq_rt_reportf(rt, "acl: device %d of %u opened", device_id, count);
    return 0;
fail:
    free(s);
    rt->impl = NULL;
    return rc;
}

/* Makes this runtime's context current on the calling thread (ACL keeps it per thread). */
static int bind(tq_rt *rt, acl_state *s) {
    if (acl_bound_generation == rt->generation) {
        return 0;
    }
    int rc = s->set_current_context(s->context);
    if (rc == ACL_SUCCESS) {
        acl_bound_generation = rt->generation;
    }
    return rc;
}

static int acl_malloc(tq_rt *rt, void **dev_ptr, size_t size) {
    acl_state *s = state_of(rt);
    if (dev_ptr == NULL || size == 0) {
        return TQ_RT_E_INVALID_ARGUMENT;
    }
    *dev_ptr = NULL;
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->malloc(dev_ptr, size, ACL_MEM_MALLOC_HUGE_FIRST);
}

static int acl_free(tq_rt *rt, void *dev_ptr) {
    acl_state *s = state_of(rt);
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->free(dev_ptr);
}

static int acl_h2d(tq_rt *rt, void *dst_dev, const void *src_host, size_t n) {
    if (n == 0) {
        return 0;
    }
    acl_state *s = state_of(rt);
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->memcpy(dst_dev, n, src_host, n, ACL_MEMCPY_HOST_TO_DEVICE);
}

static int acl_d2h(tq_rt *rt, void *dst_host, const void *src_dev, size_t n) {
    if (n == 0) {
        return 0;
    }
    acl_state *s = state_of(rt);
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->memcpy(dst_host, n, src_dev, n, ACL_MEMCPY_DEVICE_TO_HOST);
}

static int acl_mem_info(tq_rt *rt, size_t *free_bytes, size_t *total_bytes) {
    acl_state *s = state_of(rt);
    int rc = bind(rt, s);
    return rc != 0 ? rc : s->get_mem_info(ACL_HBM_MEM, free_bytes, total_bytes);
}

/* Destroys the context and releases the device reference aclrtSetDevice took; never aclFinalize (process-wide). */
static void acl_shutdown(tq_rt *rt) {
    acl_state *s = state_of(rt);
    if (s == NULL) {
        return;
    }
    s->destroy_context(s->context);
    s->reset_device(rt->device_id);
    if (acl_bound_generation == rt->generation) {
        acl_bound_generation = 0;
    }
    free(s);
    rt->impl = NULL;
}

const tq_rt_ops tq_rt_acl_ops = {
    .name = "acl",
    .init = acl_init,
    .malloc = acl_malloc,
    .free = acl_free,
    .memcpy_h2d = acl_h2d,
    .memcpy_d2h = acl_d2h,
    .mem_info = acl_mem_info,
    .error_string = acl_error_string,
    .category = acl_category,
    .shutdown = acl_shutdown,
};
