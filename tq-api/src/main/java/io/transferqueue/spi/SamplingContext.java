package io.transferqueue.spi;

/**
 * Where a sampling request comes from.
 *
 * @param partition the partition sampled
 * @param task the consuming task
 */
public record SamplingContext(String partition, String task) {
}
