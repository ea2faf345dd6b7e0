/*
 * Native tests of the device-runtime interface (src/main/c), run by the Maven build twice: as built and
 * under AddressSanitizer. Arguments: the fake libascendcl.so and the fake libcudart.so.12 the build made
 * (src/test/c/fake_*.c). Prints one line per failed check and "N passed, N failed"; exits non-zero on any
 * failure.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tq_npu_runtime.h"

static int passed;
static int failed;

#define CHECK(cond, ...)                                                                                      \
    do {                                                                                                      \
        if (cond) {                                                                                           \
            passed++;                                                                                         \
        } else {                                                                                              \
            failed++;                                                                                         \
            fprintf(stderr, "FAILED %s:%d: %s: ", __FILE__, __LINE__, #cond);                                 \
            fprintf(stderr, __VA_ARGS__);                                                                     \
            fputc('\n', stderr);                                                                              \
        }                                                                                                     \
    } while (0)

static const char *fake_acl;
static const char *fake_cuda;

static void fill(unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        p[i] = (unsigned char)(seed * 31u + i * 7u + (i >> 8));
    }
}

static const char *err(tq_rt *rt, int code) {
    static __thread char buf[512];
    return rt->ops->error_string(rt, code, buf, sizeof buf);
}

/* a device round trip of n bytes at offset off of an allocation of size bytes */
static void round_trip(tq_rt *rt, size_t size, size_t off, size_t n, unsigned seed) {
    void *dev = NULL;
    int rc = rt->ops->malloc(rt, &dev, size);
    CHECK(rc == 0 && dev != NULL, "%s malloc(%zu): %s", rt->ops->name, size, err(rt, rc));
    if (rc != 0) {
        return;
    }
    unsigned char *in = malloc(n);
    unsigned char *out = calloc(1, n);
    fill(in, n, seed);
    rc = rt->ops->memcpy_h2d(rt, (char *)dev + off, in, n);
    CHECK(rc == 0, "%s h2d: %s", rt->ops->name, err(rt, rc));
    rc = rt->ops->memcpy_d2h(rt, out, (char *)dev + off, n);
    CHECK(rc == 0, "%s d2h: %s", rt->ops->name, err(rt, rc));
    CHECK(memcmp(in, out, n) == 0, "%s: bytes differ after a round trip of %zu bytes", rt->ops->name, n);
    rc = rt->ops->free(rt, dev);
    CHECK(rc == 0, "%s free: %s", rt->ops->name, err(rt, rc));
    free(in);
    free(out);
}

typedef struct worker {
    tq_rt *rt;
    unsigned seed;
    int failures;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    for (int i = 0; i < 20; i++) {
        size_t n = 4096 + (size_t)(w->seed * 977u + (unsigned)i * 131u) % 65536u;
        void *dev = NULL;
        unsigned char *in = malloc(n);
        unsigned char *out = malloc(n);
        fill(in, n, w->seed + (unsigned)i);
        if (w->rt->ops->malloc(w->rt, &dev, n) != 0 || w->rt->ops->memcpy_h2d(w->rt, dev, in, n) != 0
            || w->rt->ops->memcpy_d2h(w->rt, out, dev, n) != 0 || memcmp(in, out, n) != 0
            || w->rt->ops->free(w->rt, dev) != 0) {
            w->failures++;
        }
        free(in);
        free(out);
    }
    return NULL;
}

/* four threads that never bound the runtime before: per-thread binding (ACL context, CUDA device) */
static void threads(tq_rt *rt) {
    pthread_t t[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i].rt = rt;
        w[i].seed = (unsigned)i + 1;
        w[i].failures = 0;
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    int failures = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        failures += w[i].failures;
    }
    CHECK(failures == 0, "%s: %d operations failed on other threads", rt->ops->name, failures);
}

static void mem_info(tq_rt *rt) {
    size_t f = 0;
    size_t t = 0;
    int rc = rt->ops->mem_info(rt, &f, &t);
    CHECK(rc == 0 && t > 0 && f <= t, "%s mem_info: rc %d (%s), free %zu, total %zu", rt->ops->name, rc,
          err(rt, rc), f, t);
}

static tq_rt *open_ok(int kind, int device, const char *const *libs) {
    tq_rt *rt = NULL;
    char report[TQ_RT_REPORT_MAX];
    int rc = tq_rt_open(&rt, kind, device, libs, report, sizeof report);
    CHECK(rc == 0 && rt != NULL, "open kind %d: rc %d, report: %s", kind, rc, report);
    return rc == 0 ? rt : NULL;
}

static void test_host(void) {
    tq_rt *rt = open_ok(TQ_RT_HOST, 0, NULL);
    if (rt == NULL) {
        return;
    }
    CHECK(strcmp(rt->ops->name, "host") == 0, "name %s", rt->ops->name);
    CHECK(strstr(rt->report, "host") != NULL, "report: %s", rt->report);
    round_trip(rt, 1 << 20, 0, 1 << 20, 1);
    round_trip(rt, 1 << 20, 4096 + 3, 1000, 2);
    round_trip(rt, 1, 0, 1, 3);
    mem_info(rt);
    threads(rt);

    void *dev = NULL;
    int rc = rt->ops->malloc(rt, &dev, 8192);
    CHECK(rc == 0, "malloc: %s", err(rt, rc));
    unsigned char buf[16384];
    memset(buf, 1, sizeof buf);
    /* the mapping is page-rounded: 8192 is the end */
    rc = rt->ops->memcpy_h2d(rt, (char *)dev + 8000, buf, 193);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_INVALID, "a copy past the end: rc %d", rc);
    rc = rt->ops->memcpy_d2h(rt, buf, (char *)dev + 4096, 8192);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_INVALID, "a read past the end: rc %d", rc);
    rc = rt->ops->memcpy_h2d(rt, buf + 100, buf, 10);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_INVALID, "a host pointer as device pointer: rc %d", rc);
    rc = rt->ops->malloc(rt, &dev + 0, 0);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_INVALID, "malloc(0): rc %d", rc);
    rc = rt->ops->free(rt, buf);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_INVALID, "free of a host pointer: rc %d", rc);
    CHECK(strlen(err(rt, rc)) > 0, "an error string");
    rc = rt->ops->malloc(rt, &dev, 8192);
    CHECK(rc == 0, "malloc: %s", err(rt, rc));
    rc = rt->ops->free(rt, dev);
    CHECK(rc == 0, "free: %s", err(rt, rc));
    rc = rt->ops->free(rt, dev);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_INVALID, "double free: rc %d", rc);
    rc = rt->ops->memcpy_d2h(rt, buf, dev, 10);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_INVALID, "a copy from freed memory: rc %d", rc);
    size_t huge = (size_t)1 << 62;
    rc = rt->ops->malloc(rt, &dev, huge);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_OUT_OF_MEMORY, "malloc(2^62): rc %d (%s)", rc, err(rt, rc));
    /* a block still allocated at close is unmapped by shutdown (the leak check of ASan would see it otherwise) */
    rc = rt->ops->malloc(rt, &dev, 4096);
    CHECK(rc == 0, "malloc: %s", err(rt, rc));
    tq_rt_close(rt);
}

static void test_open_errors(void) {
    tq_rt *rt = NULL;
    char report[TQ_RT_REPORT_MAX];
    int rc = tq_rt_open(&rt, 99, 0, NULL, report, sizeof report);
    CHECK(rc != 0 && rt == NULL && strstr(report, "99") != NULL, "unknown kind: rc %d, report %s", rc, report);
    rc = tq_rt_open(&rt, TQ_RT_HOST, -1, NULL, report, sizeof report);
    CHECK(rc == TQ_RT_E_BAD_DEVICE_ID && rt == NULL, "negative device: rc %d", rc);

    const char *const acl_missing[] = {"/nonexistent/tq-test/libascendcl.so", NULL};
    rc = tq_rt_open(&rt, TQ_RT_ACL, 0, acl_missing, report, sizeof report);
    CHECK(rc != 0 && rt == NULL && tq_rt_common_category(rc) == TQ_RT_CAT_UNAVAILABLE, "acl missing: rc %d", rc);
    CHECK(strstr(report, "/nonexistent/tq-test/libascendcl.so") != NULL, "the report names the library: %s",
          report);

    const char *const cuda_missing[] = {"/nonexistent/tq-test/libcudart.so", "libtq-test-no-such-cudart.so.12", NULL};
    rc = tq_rt_open(&rt, TQ_RT_CUDA, 0, cuda_missing, report, sizeof report);
    CHECK(rc != 0 && rt == NULL && tq_rt_common_category(rc) == TQ_RT_CAT_UNAVAILABLE, "cuda missing: rc %d", rc);
    CHECK(strstr(report, "/nonexistent/tq-test/libcudart.so") != NULL
              && strstr(report, "libtq-test-no-such-cudart.so.12") != NULL,
          "the report names every library tried: %s", report);

    /* a library that loads but is not AscendCL */
    const char *const wrong[] = {fake_cuda, NULL};
    rc = tq_rt_open(&rt, TQ_RT_ACL, 0, wrong, report, sizeof report);
    CHECK(rc == TQ_RT_E_NO_SYMBOL && rt == NULL && strstr(report, "aclInit") != NULL,
          "a library without aclInit: rc %d, report %s", rc, report);

    CHECK(tq_rt_default_libraries(TQ_RT_ACL) != NULL
              && strcmp(tq_rt_default_libraries(TQ_RT_ACL)[0], "libascendcl.so") == 0,
          "default acl libraries");
    CHECK(tq_rt_default_libraries(TQ_RT_CUDA) != NULL, "default cuda libraries");
    CHECK(tq_rt_default_libraries(TQ_RT_HOST) == NULL, "no libraries for host");
}

static int fake_counter(const char *lib, const char *symbol) {
    void *h = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
    if (h == NULL) {
        return -1;
    }
    int (*f)(void);
    *(void **)(&f) = dlsym(h, symbol);
    int v = f != NULL ? f() : -1;
    dlclose(h);
    return v;
}

static void test_vendor(int kind, const char *lib, const char *devices_env, const char *memory_env,
                        const char *oom_text) {
    const char *const libs[] = {"/nonexistent/tq-test/first-candidate.so", lib, NULL};
    tq_rt *rt = open_ok(kind, 0, libs);
    if (rt == NULL) {
        return;
    }
    CHECK(strcmp(rt->library, lib) == 0, "loaded %s, expected %s", rt->library, lib);
    CHECK(strstr(rt->report, "first-candidate.so") != NULL, "the report lists the failed candidate: %s", rt->report);
    round_trip(rt, 1 << 20, 0, 1 << 20, 11);
    round_trip(rt, 3 << 20, 12345, 100000, 12);
    mem_info(rt);
    threads(rt);

    /* a second runtime of the same kind in the process (ACL: a repeated aclInit is fine) */
    tq_rt *second = open_ok(kind, 0, libs);
    if (second != NULL) {
        round_trip(second, 4096, 0, 4096, 13);
        round_trip(rt, 4096, 0, 4096, 14); /* the first again: rebinds on this thread */
        tq_rt_close(second);
    }

    setenv(memory_env, "1048576", 1);
    void *dev = NULL;
    int rc = rt->ops->malloc(rt, &dev, 2 << 20);
    CHECK(rc != 0 && rt->ops->category(rc) == TQ_RT_CAT_OUT_OF_MEMORY, "%s: malloc past the limit: rc %d (%s)",
          rt->ops->name, rc, err(rt, rc));
    CHECK(strstr(err(rt, rc), oom_text) != NULL, "%s: the error string has the runtime's text: %s", rt->ops->name,
          err(rt, rc));
    unsetenv(memory_env);
    tq_rt_close(rt);
    CHECK(fake_counter(lib, "tq_fake_live_allocations") == 0, "%s: allocations left in the fake",
          kind == TQ_RT_ACL ? "acl" : "cuda");
    if (kind == TQ_RT_ACL) {
        CHECK(fake_counter(lib, "tq_fake_open_contexts") == 0, "acl: contexts left open");
        CHECK(fake_counter(lib, "tq_fake_device_refs") == 0, "acl: aclrtSetDevice without aclrtResetDevice");
    }

    char report[TQ_RT_REPORT_MAX];
    rc = tq_rt_open(&rt, kind, 1, libs, report, sizeof report);
    CHECK(rc == TQ_RT_E_BAD_DEVICE_ID && rt == NULL, "device 1 of 1: rc %d, report %s", rc, report);
    setenv(devices_env, "0", 1);
    rc = tq_rt_open(&rt, kind, 0, libs, report, sizeof report);
    CHECK(rc == TQ_RT_E_NO_DEVICE && rt == NULL && strstr(report, "device") != NULL,
          "no device: rc %d, report %s", rc, report);
    unsetenv(devices_env);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s <fake libascendcl.so> <fake libcudart.so.12>\n", argv[0]);
        return 2;
    }
    fake_acl = argv[1];
    fake_cuda = argv[2];
    test_host();
    test_open_errors();
    test_vendor(TQ_RT_ACL, fake_acl, "TQ_FAKE_ACL_DEVICES", "TQ_FAKE_ACL_MEMORY", "ACL_ERROR_RT_MEMORY_ALLOCATION");
    test_vendor(TQ_RT_CUDA, fake_cuda, "TQ_FAKE_CUDA_DEVICES", "TQ_FAKE_CUDA_MEMORY", "out of memory");
    printf("native runtime tests: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
