/* A stand-in libascendcl.so for tests (see fake_common.h). Environment: TQ_FAKE_ACL_DEVICES (default 1),
 * TQ_FAKE_ACL_MEMORY (bytes per process, default 4 GiB). */
#include "fake_common.h"

typedef int aclError;

#define MAGIC 0x4AC1C7u

typedef struct fake_context {
    unsigned magic;
    int device;
} fake_context;

static int initialized;
static int device_refs;
static int contexts;
static __thread fake_context *current;
static __thread char recent[256];

static int devices(void) {
    return (int)fake_env_size("TQ_FAKE_ACL_DEVICES", 1);
}

static size_t limit(void) {
    return fake_env_size("TQ_FAKE_ACL_MEMORY", (size_t)4 << 30);
}

static aclError fail(aclError code, const char *msg) {
    snprintf(recent, sizeof recent, "EE9999: fake acl: %s", msg);
    return code;
}

aclError aclInit(const char *config) {
    (void)config;
    pthread_mutex_lock(&fake_lock);
    int again = initialized;
    initialized = 1;
    pthread_mutex_unlock(&fake_lock);
    return again ? fail(100002, "repeated aclInit") : 0;
}

aclError aclFinalize(void) {
    return 0;
}

aclError aclrtGetDeviceCount(uint32_t *count) {
    if (!initialized) {
        return fail(100001, "aclInit was not called");
    }
    *count = (uint32_t)devices();
    return 0;
}

aclError aclrtSetDevice(int32_t device) {
    if (device < 0 || device >= devices()) {
        return fail(107001, "invalid device id");
    }
    __atomic_add_fetch(&device_refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

aclError aclrtResetDevice(int32_t device) {
    if (device < 0 || device >= devices()) {
        return fail(107001, "invalid device id");
    }
    __atomic_sub_fetch(&device_refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

aclError aclrtCreateContext(void **context, int32_t device) {
    if (device < 0 || device >= devices()) {
        return fail(107001, "invalid device id");
    }
    fake_context *c = malloc(sizeof *c);
    if (c == NULL) {
        return fail(200000, "bad alloc");
    }
    c->magic = MAGIC;
    c->device = device;
    current = c;
    __atomic_add_fetch(&contexts, 1, __ATOMIC_SEQ_CST);
    *context = c;
    return 0;
}

aclError aclrtDestroyContext(void *context) {
    fake_context *c = context;
    if (c == NULL || c->magic != MAGIC) {
        return fail(107017, "invalid context");
    }
    c->magic = 0;
    if (current == c) {
        current = NULL;
    }
    free(c);
    __atomic_sub_fetch(&contexts, 1, __ATOMIC_SEQ_CST);
    return 0;
}

aclError aclrtSetCurrentContext(void *context) {
    fake_context *c = context;
    if (c == NULL || c->magic != MAGIC) {
        return fail(107017, "invalid context");
    }
    current = c;
    return 0;
}

static aclError need_context(void) {
    return current != NULL && current->magic == MAGIC ? 0 : fail(107002, "no current context on this thread");
}

aclError aclrtMalloc(void **dev, size_t size, int policy) {
    aclError rc = need_context();
    if (rc != 0) {
        return rc;
    }
    if (policy < 0 || policy > 5 || dev == NULL || size == 0) {
        return fail(100000, "invalid malloc parameter");
    }
    int r = fake_alloc(dev, size, limit());
    return r == 0 ? 0 : fail(207001, "out of device memory");
}

aclError aclrtFree(void *dev) {
    aclError rc = need_context();
    if (rc != 0) {
        return rc;
    }
    return fake_release(dev) == 0 ? 0 : fail(107000, "not a device allocation");
}

aclError aclrtMemcpy(void *dst, size_t dest_max, const void *src, size_t count, int kind) {
    aclError rc = need_context();
    if (rc != 0) {
        return rc;
    }
    if (count > dest_max) {
        return fail(100000, "count exceeds destMax");
    }
    if (kind == 1) { /* ACL_MEMCPY_HOST_TO_DEVICE */
        if (fake_in_device(dst, count) != 1 || fake_in_device(src, 1) != 0) {
            return fail(107000, "host-to-device copy with a wrong direction or range");
        }
    } else if (kind == 2) { /* ACL_MEMCPY_DEVICE_TO_HOST */
        if (fake_in_device(src, count) != 1 || fake_in_device(dst, 1) != 0) {
            return fail(107000, "device-to-host copy with a wrong direction or range");
        }
    } else {
        return fail(100000, "unexpected memcpy kind");
    }
    memcpy(dst, src, count);
    return 0;
}

aclError aclrtGetMemInfo(int attr, size_t *free_bytes, size_t *total_bytes) {
    aclError rc = need_context();
    if (rc != 0) {
        return rc;
    }
    if (attr != 1) { /* ACL_HBM_MEM */
        return fail(100000, "unexpected memory attribute");
    }
    pthread_mutex_lock(&fake_lock);
    *total_bytes = limit();
    *free_bytes = limit() > fake_used ? limit() - fake_used : 0;
    pthread_mutex_unlock(&fake_lock);
    return 0;
}

const char *aclGetRecentErrMsg(void) {
    return recent;
}

/* test introspection */
int tq_fake_live_allocations(void) {
    return fake_live();
}

int tq_fake_open_contexts(void) {
    return __atomic_load_n(&contexts, __ATOMIC_SEQ_CST);
}

int tq_fake_device_refs(void) {
    return __atomic_load_n(&device_refs, __ATOMIC_SEQ_CST);
}
