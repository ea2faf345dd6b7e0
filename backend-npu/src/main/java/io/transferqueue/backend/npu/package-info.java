/** A key-value backend on accelerator memory through JNI, with a host-emulated device. */
package io.transferqueue.backend.npu;
