/**
 * A key-value backend on accelerator memory through JNI, with a host-emulated device: {@code
 * tq.storage.backend=npu}.
 *
 * <p>{@link io.transferqueue.backend.npu.NpuStorageFactory} creates an
 * {@link io.transferqueue.backend.npu.NpuStorageManager}: the shared {@link io.transferqueue.spi.KvStorageManager}
 * over an {@link io.transferqueue.backend.npu.NpuKvStorageClient}, whose values live in device memory pooled by a
 * chunked allocator and accounted against {@code tq.storage.npu.capacity}. The device runtime (Ascend CANN, CUDA
 * or the host emulation) is chosen at run time by the JNI library built from {@code src/main/c}
 * ({@link io.transferqueue.backend.npu.NpuDevice} is its handle). Zero-copy reads for consumers on the device are
 * {@link io.transferqueue.backend.npu.DeviceBuffer} leases from
 * {@link io.transferqueue.backend.npu.NpuStorageManager#getOnDevice}. See the module's README.md.
 */
package io.transferqueue.backend.npu;
