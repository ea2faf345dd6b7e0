/*
 * The device-runtime interface of the NPU backend: a struct of function pointers with one implementation
 * per runtime, chosen at run time. `host` is an emulated device (page-aligned host arenas, explicit copies
 * in and out); `acl` (Ascend CANN, libascendcl.so) and `cuda` (libcudart.so) are reached with dlopen/dlsym,
 * so one build runs everywhere and needs no vendor headers.
 *
 * Every operation returns the runtime's own status code: 0 is success, anything else is an error that
 * ops->error_string() describes and ops->category() classifies. Operations are thread-safe; each binds the
 * runtime's device to the calling thread first where the vendor runtime needs that (CUDA and ACL keep the
 * current device per thread).
 *
 * Memory ownership: a device pointer from ops->malloc() belongs to the caller until ops->free(); the host
 * runtime checks every pointer and copy range against its own table of allocations, so a bad pointer is an
 * error code, never a stray write.
 */
#ifndef TQ_NPU_RUNTIME_H
#define TQ_NPU_RUNTIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runtimes; the numbers are shared with the Java side (NpuRuntimeKind). */
typedef enum tq_rt_kind {
    TQ_RT_HOST = 1,
    TQ_RT_ACL = 2,
    TQ_RT_CUDA = 3
} tq_rt_kind;

/* What an error code means, whatever the runtime; shared with the Java side (NpuNativeException). */
typedef enum tq_rt_category {
    TQ_RT_CAT_OK = 0,
    /* the library, a symbol or a device is missing */
    TQ_RT_CAT_UNAVAILABLE = 1,
    /* the device is out of memory */
    TQ_RT_CAT_OUT_OF_MEMORY = 2,
    /* a bad argument: unknown device pointer, range outside an allocation, bad device id */
    TQ_RT_CAT_INVALID = 3,
    /* any other failure the runtime reported */
    TQ_RT_CAT_RUNTIME = 4
} tq_rt_category;

/* Status codes of this layer itself (negative, so they never clash with a vendor's codes). */
#define TQ_RT_E_UNAVAILABLE (-1)
#define TQ_RT_E_NO_SYMBOL (-2)
#define TQ_RT_E_NO_DEVICE (-3)
#define TQ_RT_E_BAD_DEVICE_ID (-4)
#define TQ_RT_E_NO_MEMORY (-5)
#define TQ_RT_E_INVALID_ARGUMENT (-6)

typedef struct tq_rt tq_rt;

typedef struct tq_rt_ops {
    /* "host", "acl" or "cuda" */
    const char *name;
    /* Loads what the runtime needs and opens device_id; on failure appends why to rt->report. */
    int (*init)(tq_rt *rt, int device_id);
    /* Allocates size (> 0) bytes of device memory. */
    int (*malloc)(tq_rt *rt, void **dev_ptr, size_t size);
    /* Frees what malloc returned. */
    int (*free)(tq_rt *rt, void *dev_ptr);
    /* Copies n bytes host -> device; synchronous: the source may be reused when it returns. */
    int (*memcpy_h2d)(tq_rt *rt, void *dst_dev, const void *src_host, size_t n);
    /* Copies n bytes device -> host; synchronous. */
    int (*memcpy_d2h)(tq_rt *rt, void *dst_host, const void *src_dev, size_t n);
    /* Free and total bytes of the device. */
    int (*mem_info)(tq_rt *rt, size_t *free_bytes, size_t *total_bytes);
    /*
     * A description of code (never NULL; may include the runtime's most recent message of the calling
     * thread): a static string or buf, which the caller provides (len > 0).
     */
    const char *(*error_string)(tq_rt *rt, int code, char *buf, size_t len);
    /* The category of code. */
    tq_rt_category (*category)(int code);
    /* Releases the device context (not the memory: the caller frees what it allocated). */
    void (*shutdown)(tq_rt *rt);
} tq_rt_ops;

#define TQ_RT_REPORT_MAX 4096
#define TQ_RT_LIBRARY_MAX 1024
#define TQ_RT_ERROR_MAX 1024

struct tq_rt {
    const tq_rt_ops *ops;
    int device_id;
    /* unique per opened runtime; lets threads cache which runtime they bound last */
    unsigned long generation;
    /* the vendor library that was loaded ("" for host) */
    char library[TQ_RT_LIBRARY_MAX];
    /* one line per library tried and what happened, for logs and error messages */
    char report[TQ_RT_REPORT_MAX];
    /* the libraries init() tries (NULL-terminated); only valid during init() */
    const char *const *libraries;
    /* the implementation's own state */
    void *impl;
};

extern const tq_rt_ops tq_rt_host_ops;
extern const tq_rt_ops tq_rt_acl_ops;
extern const tq_rt_ops tq_rt_cuda_ops;

/*
 * Opens runtime `kind` on device_id. For acl and cuda, `libraries` is a NULL-terminated list of library
 * names or paths tried in order with dlopen (NULL: the runtime's default list). On success *out is a new
 * runtime (close it with tq_rt_close) and returns 0. On failure returns the error code, *out is NULL, and
 * `report` (if not NULL) holds every attempt and the reason.
 */
int tq_rt_open(tq_rt **out, int kind, int device_id, const char *const *libraries, char *report, size_t report_len);

/* Shuts the runtime down and frees the struct. NULL is ignored. */
void tq_rt_close(tq_rt *rt);

/* The default library names of a vendor runtime (NULL-terminated), NULL for host. */
const char *const *tq_rt_default_libraries(int kind);

/* A description of one of the TQ_RT_E_* codes, or NULL if code is not one of them. */
const char *tq_rt_common_error(int code);

/* The category of one of the TQ_RT_E_* codes (0 for success), or -1 if code is not one of them. */
int tq_rt_common_category(int code);

/* Appends a formatted line to rt->report (truncated when full). */
void tq_rt_reportf(tq_rt *rt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Loads the first of `libraries` that dlopen accepts, recording every attempt in rt->report and the one
 * loaded in rt->library; NULL if none loaded.
 */
void *tq_rt_dlopen_first(tq_rt *rt, const char *what, const char *const *libraries);

/* dlsym that records a missing symbol in rt->report. */
void *tq_rt_dlsym(tq_rt *rt, void *handle, const char *symbol);

/*
 * For a vendor runtime's init: resolves `symbol` into the function pointer `s->field` of the state `s` it
 * allocated into `rt->impl`; a missing symbol frees the state and returns TQ_RT_E_NO_SYMBOL from init.
 */
#define TQ_RT_LOAD(field, symbol)                                                                             \
    do {                                                                                                      \
        *(void **)(&s->field) = tq_rt_dlsym(rt, s->lib, symbol);                                              \
        if (s->field == NULL) {                                                                               \
            free(s);                                                                                          \
            rt->impl = NULL;                                                                                  \
            return TQ_RT_E_NO_SYMBOL;                                                                         \
        }                                                                                                     \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif
