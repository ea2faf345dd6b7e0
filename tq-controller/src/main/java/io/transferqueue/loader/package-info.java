/**
 * Per-rank streaming of a partition as micro-batches for trainer ranks that consume while producers still write:
 * {@link io.transferqueue.loader.StreamingDataLoader}.
 */
package io.transferqueue.loader;
