/*
 * JNI glue between io.transferqueue.backend.npu.NpuNative and the runtime interface. Thin on purpose: the
 * Java side validates every handle (allocation, offset, length, device) before it calls here; this layer
 * still checks what it can see itself (null pointers, array and buffer bounds) so a bug on the Java side is
 * an exception, not a crash. Errors are thrown as NpuNativeException(byte[] utf8Message, int code,
 * int category); messages travel as UTF-8 bytes because vendor messages need not be modified UTF-8.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_transferqueue_backend_npu_NpuNative.h"
#include "tq_npu_runtime.h"

/* Bumped whenever a native method's contract changes; the Java side refuses a library of another version. */
#define TQ_NPU_ABI_VERSION 1
#define MAX_LIBRARIES 64

static jclass exception_class;
static jmethodID exception_ctor;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    jclass c = (*env)->FindClass(env, "io/transferqueue/backend/npu/NpuNativeException");
    if (c == NULL) {
        return JNI_ERR;
    }
    exception_class = (jclass)(*env)->NewGlobalRef(env, c);
    (*env)->DeleteLocalRef(env, c);
    if (exception_class == NULL) {
        return JNI_ERR;
    }
    exception_ctor = (*env)->GetMethodID(env, exception_class, "<init>", "([BII)V");
    if (exception_ctor == NULL) {
        return JNI_ERR;
    }
    return JNI_VERSION_1_8;
}

static jbyteArray utf8_bytes(JNIEnv *env, const char *s) {
    jsize n = (jsize)strnlen(s, 1 << 20);
    jbyteArray a = (*env)->NewByteArray(env, n);
    if (a != NULL) {
        (*env)->SetByteArrayRegion(env, a, 0, n, (const jbyte *)s);
    }
    return a;
}

static void throw_native(JNIEnv *env, const char *message, int code, int category) {
    if ((*env)->ExceptionCheck(env)) {
        return;
    }
    jbyteArray m = utf8_bytes(env, message);
    if (m == NULL) {
        return; /* OutOfMemoryError pending */
    }
    jobject e = (*env)->NewObject(env, exception_class, exception_ctor, m, (jint)code, (jint)category);
    if (e != NULL) {
        (*env)->Throw(env, (jthrowable)e);
    }
}

static void throw_invalid(JNIEnv *env, const char *message) {
    throw_native(env, message, TQ_RT_E_INVALID_ARGUMENT, TQ_RT_CAT_INVALID);
}

static void throw_rt(JNIEnv *env, tq_rt *rt, const char *op, int code) {
    char buf[1024];
    char full[1536];
    const char *text = rt->ops->error_string(rt, code, buf, sizeof buf);
    snprintf(full, sizeof full, "%s runtime (device %d): %s failed: %s", rt->ops->name, rt->device_id, op, text);
    throw_native(env, full, code, (int)rt->ops->category(code));
}

static const char *kind_name(jint kind) {
    switch (kind) {
    case TQ_RT_HOST:
        return "host";
    case TQ_RT_ACL:
        return "acl";
    case TQ_RT_CUDA:
        return "cuda";
    default:
        return "unknown";
    }
}

static tq_rt *rt_of(JNIEnv *env, jlong handle) {
    if (handle == 0) {
        throw_invalid(env, "null runtime handle");
        return NULL;
    }
    return (tq_rt *)(intptr_t)handle;
}

JNIEXPORT jint JNICALL Java_io_transferqueue_backend_npu_NpuNative_abiVersion(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return TQ_NPU_ABI_VERSION;
}

JNIEXPORT jlong JNICALL Java_io_transferqueue_backend_npu_NpuNative_open(JNIEnv *env, jclass cls, jint kind,
                                                                          jint device_id, jobjectArray libraries,
                                                                          jobjectArray report_out) {
    (void)cls;
    if (report_out == NULL || (*env)->GetArrayLength(env, report_out) < 1) {
        throw_invalid(env, "open: report array must have one element");
        return 0;
    }
    char *names[MAX_LIBRARIES + 1];
    jsize count = libraries == NULL ? 0 : (*env)->GetArrayLength(env, libraries);
    if (count > MAX_LIBRARIES) {
        throw_invalid(env, "open: more than 64 library names");
        return 0;
    }
    jsize filled = 0;
    int ok = 1;
    for (; filled < count; filled++) {
        jbyteArray b = (jbyteArray)(*env)->GetObjectArrayElement(env, libraries, filled);
        if (b == NULL) {
            throw_invalid(env, "open: null library name");
            ok = 0;
            break;
        }
        jsize n = (*env)->GetArrayLength(env, b);
        names[filled] = malloc((size_t)n + 1);
        if (names[filled] == NULL) {
            (*env)->DeleteLocalRef(env, b);
            throw_native(env, "open: out of host memory", TQ_RT_E_NO_MEMORY, TQ_RT_CAT_OUT_OF_MEMORY);
            ok = 0;
            break;
        }
        (*env)->GetByteArrayRegion(env, b, 0, n, (jbyte *)names[filled]);
        names[filled][n] = '\0';
        (*env)->DeleteLocalRef(env, b);
    }
    names[filled] = NULL;
    tq_rt *rt = NULL;
    char report[TQ_RT_REPORT_MAX];
    report[0] = '\0';
    int rc = 0;
    if (ok) {
        rc = tq_rt_open(&rt, kind, device_id, libraries == NULL ? NULL : (const char *const *)names, report,
                        sizeof report);
    }
    for (jsize i = 0; i < filled; i++) {
        free(names[i]);
    }
    if (!ok) {
        return 0;
    }
    jbyteArray r = utf8_bytes(env, report);
    if (r == NULL) {
        tq_rt_close(rt);
        return 0;
    }
    (*env)->SetObjectArrayElement(env, report_out, 0, r);
    if (rc != 0) {
        const char *text = tq_rt_common_error(rc);
        char full[256];
        snprintf(full, sizeof full, "cannot open the %s runtime (kind %d) on device %d: %s (code %d)",
                 kind_name(kind), (int)kind, (int)device_id, text != NULL ? text : "see the report", rc);
        int category = tq_rt_common_category(rc);
        throw_native(env, full, rc, category >= 0 ? category : TQ_RT_CAT_UNAVAILABLE);
        return 0;
    }
    return (jlong)(intptr_t)rt;
}

JNIEXPORT void JNICALL Java_io_transferqueue_backend_npu_NpuNative_close(JNIEnv *env, jclass cls, jlong handle) {
    (void)env;
    (void)cls;
    tq_rt_close((tq_rt *)(intptr_t)handle);
}

JNIEXPORT jbyteArray JNICALL Java_io_transferqueue_backend_npu_NpuNative_library(JNIEnv *env, jclass cls,
                                                                                  jlong handle) {
    (void)cls;
    tq_rt *rt = rt_of(env, handle);
    return rt == NULL ? NULL : utf8_bytes(env, rt->library);
}

JNIEXPORT jlong JNICALL Java_io_transferqueue_backend_npu_NpuNative_malloc(JNIEnv *env, jclass cls, jlong handle,
                                                                            jlong size) {
    (void)cls;
    tq_rt *rt = rt_of(env, handle);
    if (rt == NULL) {
        return 0;
    }
    if (size <= 0) {
        throw_invalid(env, "malloc: size must be positive");
        return 0;
    }
    void *p = NULL;
    int rc = rt->ops->malloc(rt, &p, (size_t)size);
    if (rc != 0) {
        throw_rt(env, rt, "malloc", rc);
        return 0;
    }
    return (jlong)(intptr_t)p;
}

JNIEXPORT void JNICALL Java_io_transferqueue_backend_npu_NpuNative_free(JNIEnv *env, jclass cls, jlong handle,
                                                                        jlong ptr) {
    (void)cls;
    tq_rt *rt = rt_of(env, handle);
    if (rt == NULL) {
        return;
    }
    if (ptr == 0) {
        throw_invalid(env, "free: null device pointer");
        return;
    }
    int rc = rt->ops->free(rt, (void *)(intptr_t)ptr);
    if (rc != 0) {
        throw_rt(env, rt, "free", rc);
    }
}

/* Checks a device range and a host array range; throws and returns 0 if either is bad. */
static int check_array(JNIEnv *env, jlong dev, jbyteArray array, jint offset, jint length) {
    if (array == NULL) {
        throw_invalid(env, "null host array");
        return 0;
    }
    jsize n = (*env)->GetArrayLength(env, array);
    if (offset < 0 || length < 0 || (jlong)offset + (jlong)length > (jlong)n) {
        throw_invalid(env, "host array range out of bounds");
        return 0;
    }
    if (dev == 0 && length > 0) {
        throw_invalid(env, "null device pointer");
        return 0;
    }
    return 1;
}

static char *direct_address(JNIEnv *env, jlong dev, jobject buffer, jlong offset, jlong length) {
    if (buffer == NULL) {
        throw_invalid(env, "null direct buffer");
        return NULL;
    }
    char *base = (char *)(*env)->GetDirectBufferAddress(env, buffer);
    jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
    if (base == NULL || capacity < 0) {
        throw_invalid(env, "not a direct buffer");
        return NULL;
    }
    if (offset < 0 || length < 0 || offset > capacity || length > capacity - offset) {
        throw_invalid(env, "direct buffer range out of bounds");
        return NULL;
    }
    if (dev == 0 && length > 0) {
        throw_invalid(env, "null device pointer");
        return NULL;
    }
    return base + offset;
}

JNIEXPORT void JNICALL Java_io_transferqueue_backend_npu_NpuNative_copyFromArray(JNIEnv *env, jclass cls,
                                                                                 jlong handle, jlong dst,
                                                                                 jbyteArray src, jint offset,
                                                                                 jint length) {
    (void)cls;
    tq_rt *rt = rt_of(env, handle);
    if (rt == NULL || !check_array(env, dst, src, offset, length) || length == 0) {
        return;
    }
    jbyte *p = (*env)->GetPrimitiveArrayCritical(env, src, NULL);
    if (p == NULL) {
        return; /* OutOfMemoryError pending */
    }
    int rc = rt->ops->memcpy_h2d(rt, (void *)(intptr_t)dst, p + offset, (size_t)length);
    (*env)->ReleasePrimitiveArrayCritical(env, src, p, JNI_ABORT);
    if (rc != 0) {
        throw_rt(env, rt, "copy host to device", rc);
    }
}

JNIEXPORT void JNICALL Java_io_transferqueue_backend_npu_NpuNative_copyToArray(JNIEnv *env, jclass cls,
                                                                               jlong handle, jlong src,
                                                                               jbyteArray dst, jint offset,
                                                                               jint length) {
    (void)cls;
    tq_rt *rt = rt_of(env, handle);
    if (rt == NULL || !check_array(env, src, dst, offset, length) || length == 0) {
        return;
    }
    jbyte *p = (*env)->GetPrimitiveArrayCritical(env, dst, NULL);
    if (p == NULL) {
        return;
    }
    int rc = rt->ops->memcpy_d2h(rt, p + offset, (const void *)(intptr_t)src, (size_t)length);
    /* mode 0 copies back if the VM made a copy; a failed copy leaves the destination unspecified anyway */
    (*env)->ReleasePrimitiveArrayCritical(env, dst, p, 0);
    if (rc != 0) {
        throw_rt(env, rt, "copy device to host", rc);
    }
}

JNIEXPORT void JNICALL Java_io_transferqueue_backend_npu_NpuNative_copyFromDirect(JNIEnv *env, jclass cls,
                                                                                  jlong handle, jlong dst,
                                                                                  jobject src, jlong offset,
                                                                                  jlong length) {
    (void)cls;
    tq_rt *rt = rt_of(env, handle);
    if (rt == NULL) {
        return;
    }
    char *p = direct_address(env, dst, src, offset, length);
    if (p == NULL || length == 0) {
        return;
    }
    int rc = rt->ops->memcpy_h2d(rt, (void *)(intptr_t)dst, p, (size_t)length);
    if (rc != 0) {
        throw_rt(env, rt, "copy host to device", rc);
    }
}

JNIEXPORT void JNICALL Java_io_transferqueue_backend_npu_NpuNative_copyToDirect(JNIEnv *env, jclass cls,
                                                                                jlong handle, jlong src,
                                                                                jobject dst, jlong offset,
                                                                                jlong length) {
    (void)cls;
    tq_rt *rt = rt_of(env, handle);
    if (rt == NULL) {
        return;
    }
    char *p = direct_address(env, src, dst, offset, length);
    if (p == NULL || length == 0) {
        return;
    }
    int rc = rt->ops->memcpy_d2h(rt, p, (const void *)(intptr_t)src, (size_t)length);
    if (rc != 0) {
        throw_rt(env, rt, "copy device to host", rc);
    }
}

JNIEXPORT void JNICALL Java_io_transferqueue_backend_npu_NpuNative_memInfo(JNIEnv *env, jclass cls, jlong handle,
                                                                           jlongArray out) {
    (void)cls;
    tq_rt *rt = rt_of(env, handle);
    if (rt == NULL) {
        return;
    }
    if (out == NULL || (*env)->GetArrayLength(env, out) < 2) {
        throw_invalid(env, "memInfo: output array must have two elements");
        return;
    }
    size_t free_bytes = 0;
    size_t total_bytes = 0;
    int rc = rt->ops->mem_info(rt, &free_bytes, &total_bytes);
    if (rc != 0) {
        throw_rt(env, rt, "mem info", rc);
        return;
    }
    jlong v[2] = {(jlong)free_bytes, (jlong)total_bytes};
    (*env)->SetLongArrayRegion(env, out, 0, 2, v);
}
