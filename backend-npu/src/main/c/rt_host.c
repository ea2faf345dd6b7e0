/*
 * The `host` runtime: an emulated device. Device memory is a separate arena of page-aligned mappings
 * (mmap), reached only through explicit copies in and out, exactly like a real device, so the backend runs
 * the same code paths with or without an accelerator. Every pointer and copy range is checked against the
 * table of live mappings: a bad pointer is an error code, never a stray write.
 */
#define _GNU_SOURCE
#include "tq_npu_runtime.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* the host runtime's own codes (positive, like a vendor's) */
#define HOST_E_NO_MEMORY 1
#define HOST_E_UNKNOWN_POINTER 2
#define HOST_E_OUT_OF_RANGE 3
#define HOST_E_INVALID 4

typedef struct host_region {
    uintptr_t base;
    size_t size;
} host_region;

typedef struct host_state {
    pthread_mutex_t lock;
    host_region *regions;
    size_t count;
    size_t cap;
    size_t allocated;
    size_t total;
    int last_errno;
} host_state;

static host_state *state_of(tq_rt *rt) {
    return (host_state *)rt->impl;
}

static int host_init(tq_rt *rt, int device_id) {
    host_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        tq_rt_reportf(rt, "host: out of host memory");
        return TQ_RT_E_NO_MEMORY;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        tq_rt_reportf(rt, "host: cannot create a mutex");
        return TQ_RT_E_NO_MEMORY;
    }
    long pages = sysconf(_SC_PHYS_PAGES);
    long page = sysconf(_SC_PAGESIZE);
    s->total = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : 0;
    rt->impl = s;
    rt->library[0] = '\0';
    tq_rt_reportf(rt, "host: emulated device %d in host memory", device_id);
    return 0;
}

/* Index of the region holding [p, p + n), or -1; -2 if p is in a region but the range runs past its end. */
static long find_region(host_state *s, uintptr_t p, size_t n) {
    for (size_t i = 0; i < s->count; i++) {
        host_region *r = &s->regions[i];
        if (p >= r->base && p < r->base + r->size) {
            return (n <= r->size - (p - r->base)) ? (long)i : -2;
        }
    }
    return -1;
}

static int host_malloc(tq_rt *rt, void **dev_ptr, size_t size) {
    host_state *s = state_of(rt);
    if (dev_ptr == NULL || size == 0) {
        return HOST_E_INVALID;
    }
    *dev_ptr = NULL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (size > SIZE_MAX - page) {
        return HOST_E_NO_MEMORY;
    }
    size_t mapped = (size + page - 1) / page * page;
    void *p = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        s->last_errno = errno;
        return HOST_E_NO_MEMORY;
    }
    pthread_mutex_lock(&s->lock);
    if (s->count == s->cap) {
        size_t cap = s->cap == 0 ? 16 : s->cap * 2;
        host_region *r = realloc(s->regions, cap * sizeof *r);
        if (r == NULL) {
            pthread_mutex_unlock(&s->lock);
            munmap(p, mapped);
            return HOST_E_NO_MEMORY;
        }
        s->regions = r;
        s->cap = cap;
    }
    s->regions[s->count].base = (uintptr_t)p;
    s->regions[s->count].size = mapped;
    s->count++;
    s->allocated += mapped;
    pthread_mutex_unlock(&s->lock);
    *dev_ptr = p;
    return 0;
}

static int host_free(tq_rt *rt, void *dev_ptr) {
    host_state *s = state_of(rt);
    pthread_mutex_lock(&s->lock);
    uintptr_t p = (uintptr_t)dev_ptr;
    for (size_t i = 0; i < s->count; i++) {
        if (s->regions[i].base == p) {
            size_t size = s->regions[i].size;
            s->regions[i] = s->regions[s->count - 1];
            s->count--;
            s->allocated -= size;
            pthread_mutex_unlock(&s->lock);
            munmap(dev_ptr, size);
            return 0;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return HOST_E_UNKNOWN_POINTER;
}

/* Checks that [dev, dev + n) lies in one live allocation. The caller keeps it alive during the copy. */
static int check_range(host_state *s, const void *dev, size_t n) {
    pthread_mutex_lock(&s->lock);
    long i = find_region(s, (uintptr_t)dev, n);
    pthread_mutex_unlock(&s->lock);
    return i >= 0 ? 0 : (i == -2 ? HOST_E_OUT_OF_RANGE : HOST_E_UNKNOWN_POINTER);
}

static int host_h2d(tq_rt *rt, void *dst_dev, const void *src_host, size_t n) {
    if (n == 0) {
        return 0;
    }
    if (src_host == NULL) {
        return HOST_E_INVALID;
    }
    int rc = check_range(state_of(rt), dst_dev, n);
    if (rc != 0) {
        return rc;
    }
    memcpy(dst_dev, src_host, n);
    return 0;
}

static int host_d2h(tq_rt *rt, void *dst_host, const void *src_dev, size_t n) {
    if (n == 0) {
        return 0;
    }
    if (dst_host == NULL) {
        return HOST_E_INVALID;
    }
    int rc = check_range(state_of(rt), src_dev, n);
    if (rc != 0) {
        return rc;
    }
    memcpy(dst_host, src_dev, n);
    return 0;
}

static int host_mem_info(tq_rt *rt, size_t *free_bytes, size_t *total_bytes) {
    host_state *s = state_of(rt);
    if (free_bytes == NULL || total_bytes == NULL) {
        return HOST_E_INVALID;
    }
    pthread_mutex_lock(&s->lock);
    *total_bytes = s->total;
    *free_bytes = s->total > s->allocated ? s->total - s->allocated : 0;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static const char *host_error_string(tq_rt *rt, int code, char *buf, size_t len) {
    const char *common = tq_rt_common_error(code);
    if (common != NULL) {
        return common;
    }
    switch (code) {
    case HOST_E_NO_MEMORY:
        snprintf(buf, len, "host device out of memory (mmap: %s)",
                 strerror(state_of(rt)->last_errno != 0 ? state_of(rt)->last_errno : ENOMEM));
        return buf;
    case HOST_E_UNKNOWN_POINTER:
        return "not a live allocation of this host device";
    case HOST_E_OUT_OF_RANGE:
        return "range runs past the end of its allocation";
    case HOST_E_INVALID:
        return "invalid argument (zero size or null pointer)";
    default:
        snprintf(buf, len, "unknown host runtime error %d", code);
        return buf;
    }
}

static tq_rt_category host_category(int code) {
    int common = tq_rt_common_category(code);
    if (common >= 0) {
        return (tq_rt_category)common;
    }
    switch (code) {
    case HOST_E_NO_MEMORY:
        return TQ_RT_CAT_OUT_OF_MEMORY;
    case HOST_E_UNKNOWN_POINTER:
    case HOST_E_OUT_OF_RANGE:
    case HOST_E_INVALID:
        return TQ_RT_CAT_INVALID;
    default:
        return TQ_RT_CAT_RUNTIME;
    }
}

/* Unmaps whatever is still mapped (the caller should have freed it all) and frees the state. */
static void host_shutdown(tq_rt *rt) {
    host_state *s = state_of(rt);
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->count; i++) {
        munmap((void *)s->regions[i].base, s->regions[i].size);
    }
    free(s->regions);
    pthread_mutex_destroy(&s->lock);
    free(s);
    rt->impl = NULL;
}

const tq_rt_ops tq_rt_host_ops = {
    .name = "host",
    .init = host_init,
    .malloc = host_malloc,
    .free = host_free,
    .memcpy_h2d = host_h2d,
    .memcpy_d2h = host_d2h,
    .mem_info = host_mem_info,
    .error_string = host_error_string,
    .category = host_category,
    .shutdown = host_shutdown,
};
