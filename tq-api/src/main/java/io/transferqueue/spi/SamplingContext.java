package io.transferqueue.spi;

/**
 * Where a sampling request comes from.
 *
 * @param partition the partition sampled
 * @param task the consuming task
 * @param partitionComplete true when no more rows will be inserted into the partition: a sampler may then
 *     return a last, smaller batch instead of waiting for a full one
 */
public record SamplingContext(String partition, String task, boolean partitionComplete) {
}
