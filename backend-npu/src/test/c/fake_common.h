/*
 * Shared by the fake vendor runtimes the native and Java tests load instead of libascendcl.so and
 * libcudart.so: "device" memory is host heap memory kept in a table, and every call is checked the way a
 * real runtime would reject it (copy kinds, device pointers, copy ranges, the thread's current
 * context/device), so a wrong enum value or a missing per-thread bind in the backend fails a test.
 */
#ifndef TQ_FAKE_COMMON_H
#define TQ_FAKE_COMMON_H

#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX_REGIONS 8192

typedef struct fake_region {
    uintptr_t base;
    size_t size;
} fake_region;

static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static fake_region fake_regions[FAKE_MAX_REGIONS];
static int fake_count;
static size_t fake_used;

static size_t fake_env_size(const char *name, size_t fallback) {
    const char *e = getenv(name);
    return e != NULL && e[0] != '\0' ? (size_t)strtoull(e, NULL, 10) : fallback;
}

/* 1 if [p, p + n) lies in one fake device region, 0 if p is no device pointer, -1 if it runs past one */
static int fake_in_device(const void *p, size_t n) {
    uintptr_t a = (uintptr_t)p;
    int r = 0;
    pthread_mutex_lock(&fake_lock);
    for (int i = 0; i < fake_count; i++) {
        if (a >= fake_regions[i].base && a < fake_regions[i].base + fake_regions[i].size) {
            r = n <= fake_regions[i].size - (a - fake_regions[i].base) ? 1 : -1;
            break;
        }
    }
    pthread_mutex_unlock(&fake_lock);
    return r;
}

/* 0, or -1 when over the limit, -2 when the table is full */
static int fake_alloc(void **out, size_t n, size_t limit) {
    pthread_mutex_lock(&fake_lock);
    if (fake_used + n > limit) {
        pthread_mutex_unlock(&fake_lock);
        return -1;
    }
    if (fake_count == FAKE_MAX_REGIONS) {
        pthread_mutex_unlock(&fake_lock);
        return -2;
    }
    void *p = malloc(n);
    if (p == NULL) {
        pthread_mutex_unlock(&fake_lock);
        return -1;
    }
    fake_regions[fake_count].base = (uintptr_t)p;
    fake_regions[fake_count].size = n;
    fake_count++;
    fake_used += n;
    pthread_mutex_unlock(&fake_lock);
    *out = p;
    return 0;
}

/* 0, or -1 if p is not the start of a region */
static int fake_release(void *p) {
    pthread_mutex_lock(&fake_lock);
    for (int i = 0; i < fake_count; i++) {
        if (fake_regions[i].base == (uintptr_t)p) {
            fake_used -= fake_regions[i].size;
            fake_regions[i] = fake_regions[fake_count - 1];
            fake_count--;
            pthread_mutex_unlock(&fake_lock);
            free(p);
            return 0;
        }
    }
    pthread_mutex_unlock(&fake_lock);
    return -1;
}

static int fake_live(void) {
    pthread_mutex_lock(&fake_lock);
    int n = fake_count;
    pthread_mutex_unlock(&fake_lock);
    return n;
}

#endif
