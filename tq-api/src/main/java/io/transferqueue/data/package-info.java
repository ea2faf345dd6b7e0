/**
 * The data model: {@link io.transferqueue.data.DType}, {@link io.transferqueue.data.Tensor}, the three
 * {@link io.transferqueue.data.Column} kinds and {@link io.transferqueue.data.Batch}.
 *
 * <p>All tensor bytes are little-endian, contiguous and row-major. Structure (field names, shapes,
 * dtypes) is immutable; bytes are shared by views and writable only when the underlying buffer is. A
 * GET returns the column kind the producer put: dense stays dense, jagged stays jagged.
 */
package io.transferqueue.data;
