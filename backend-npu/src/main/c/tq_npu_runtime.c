/* Opening and closing runtimes, and helpers the vendor implementations share. */
#define _GNU_SOURCE
#include "tq_npu_runtime.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ACL_DEFAULT_LIBRARIES[] = {
    "libascendcl.so",
    "/usr/local/Ascend/ascend-toolkit/latest/lib64/libascendcl.so",
    NULL,
};

static const char *const CUDA_DEFAULT_LIBRARIES[] = {
    "libcudart.so",
    "libcudart.so.13",
    "libcudart.so.12",
    "libcudart.so.11.0",
    "/usr/local/cuda/lib64/libcudart.so",
    NULL,
};

static unsigned long next_generation = 0;

const char *const *tq_rt_default_libraries(int kind) {
    switch (kind) {
    case TQ_RT_ACL:
        return ACL_DEFAULT_LIBRARIES;
    case TQ_RT_CUDA:
        return CUDA_DEFAULT_LIBRARIES;
    default:
        return NULL;
    }
}

const char *tq_rt_common_error(int code) {
    switch (code) {
    case 0:
        return "success";
    case TQ_RT_E_UNAVAILABLE:
        return "runtime library not available";
    case TQ_RT_E_NO_SYMBOL:
        return "runtime library lacks a required symbol";
    case TQ_RT_E_NO_DEVICE:
        return "no device found";
    case TQ_RT_E_BAD_DEVICE_ID:
        return "no device with this id";
    case TQ_RT_E_NO_MEMORY:
        return "out of host memory";
    case TQ_RT_E_INVALID_ARGUMENT:
        return "invalid argument";
    default:
        return NULL;
    }
}

int tq_rt_common_category(int code) {
    switch (code) {
    case 0:
        return TQ_RT_CAT_OK;
    case TQ_RT_E_UNAVAILABLE:
    case TQ_RT_E_NO_SYMBOL:
    case TQ_RT_E_NO_DEVICE:
        return TQ_RT_CAT_UNAVAILABLE;
    case TQ_RT_E_BAD_DEVICE_ID:
    case TQ_RT_E_INVALID_ARGUMENT:
        return TQ_RT_CAT_INVALID;
    case TQ_RT_E_NO_MEMORY:
        return TQ_RT_CAT_OUT_OF_MEMORY;
    default:
        return -1;
    }
}

void tq_rt_reportf(tq_rt *rt, const char *fmt, ...) {
    size_t used = strnlen(rt->report, sizeof rt->report);
    if (used + 1 >= sizeof rt->report) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(rt->report + used, sizeof rt->report - used, fmt, ap);
    va_end(ap);
    if (n < 0) {
        rt->report[used] = '\0';
        return;
    }
    used = strnlen(rt->report, sizeof rt->report);
    if (used + 1 < sizeof rt->report) {
        rt->report[used] = '\n';
        rt->report[used + 1] = '\0';
    }
}

void *tq_rt_dlopen_first(tq_rt *rt, const char *what, const char *const *libraries) {
    if (libraries == NULL || libraries[0] == NULL) {
        tq_rt_reportf(rt, "%s: no library names to try", what);
        return NULL;
    }
    for (const char *const *l = libraries; *l != NULL; l++) {
        if ((*l)[0] == '\0') {
            continue;
        }
        dlerror();
        void *h = dlopen(*l, RTLD_NOW | RTLD_LOCAL);
        if (h != NULL) {
            snprintf(rt->library, sizeof rt->library, "%s", *l);
            tq_rt_reportf(rt, "%s: loaded %s", what, *l);
            return h;
        }
        const char *e = dlerror();
        tq_rt_reportf(rt, "%s: cannot load %s: %s", what, *l, e != NULL ? e : "unknown dlopen error");
    }
    return NULL;
}

void *tq_rt_dlsym(tq_rt *rt, void *handle, const char *symbol) {
    dlerror();
    void *s = dlsym(handle, symbol);
    if (s == NULL) {
        const char *e = dlerror();
        tq_rt_reportf(rt, "%s: symbol %s missing: %s", rt->library, symbol, e != NULL ? e : "null");
    }
    return s;
}

int tq_rt_open(tq_rt **out, int kind, int device_id, const char *const *libraries, char *report, size_t report_len) {
    if (report != NULL && report_len > 0) {
        report[0] = '\0';
    }
    if (out == NULL) {
        return TQ_RT_E_INVALID_ARGUMENT;
    }
    *out = NULL;
    const tq_rt_ops *ops;
    switch (kind) {
    case TQ_RT_HOST:
        ops = &tq_rt_host_ops;
        break;
    case TQ_RT_ACL:
        ops = &tq_rt_acl_ops;
        break;
    case TQ_RT_CUDA:
        ops = &tq_rt_cuda_ops;
        break;
    default:
        if (report != NULL && report_len > 0) {
            snprintf(report, report_len, "unknown runtime kind %d\n", kind);
        }
        return TQ_RT_E_INVALID_ARGUMENT;
    }
    if (device_id < 0) {
        if (report != NULL && report_len > 0) {
            snprintf(report, report_len, "%s: device id %d is negative\n", ops->name, device_id);
        }
        return TQ_RT_E_BAD_DEVICE_ID;
    }
    tq_rt *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        if (report != NULL && report_len > 0) {
            snprintf(report, report_len, "%s: out of host memory\n", ops->name);
        }
        return TQ_RT_E_NO_MEMORY;
    }
    rt->ops = ops;
    rt->device_id = device_id;
    rt->generation = __atomic_add_fetch(&next_generation, 1, __ATOMIC_RELAXED);
    rt->libraries = libraries != NULL ? libraries : tq_rt_default_libraries(kind);
    int rc = ops->init(rt, device_id);
    rt->libraries = NULL;
    if (report != NULL && report_len > 0) {
        snprintf(report, report_len, "%s", rt->report);
    }
    if (rc != 0) {
        free(rt);
        return rc;
    }
    *out = rt;
    return 0;
}

void tq_rt_close(tq_rt *rt) {
    if (rt == NULL) {
        return;
    }
    rt->ops->shutdown(rt);
    free(rt);
}
