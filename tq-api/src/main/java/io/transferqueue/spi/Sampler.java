package io.transferqueue.spi;

/**
 * Chooses which ready rows a fetch gets. Created by a {@link SamplerFactory}; one instance serves every
 * partition and task of a controller.
 *
 * <p><b>Threading.</b> {@link #sample} is called with the partition's lock held: it must be quick, must not
 * block and must not call back into the controller. Calls for different partitions may run concurrently, so
 * state must be kept per partition in thread-safe structures.
 *
 * <p><b>State.</b> A sampler may cache results keyed by (partition, task, dp rank, batch index), e.g. so
 * every rank of a data-parallel group gets the same batch. {@link #dropPartition} is called when the
 * partition is cleared.
 */
public interface Sampler {

    /**
     * Selects rows.
     *
     * @param batchSize rows requested (per caller)
     * @return the rows for this caller and the rows to mark consumed; empty if there are not enough rows yet
     *     (the request then waits or returns empty)
     * @throws IllegalArgumentException for parameters that can never work (reported to the caller as
     *     {@link io.transferqueue.error.InvalidRequestException}; the controller keeps serving). Any other
     *     exception is taken as a bug in the sampler: it fails only the request being sampled, also with
     *     {@code InvalidRequestException} naming the sampler, and marks nothing consumed
     */
    SampleResult sample(SamplingContext context, ReadyRows ready, int batchSize, SamplingParams params);

    /**
     * True if what this sampler returns for a request with these parameters is remembered and handed to other
     * callers as well (every rank of a data-parallel group, a retry of the same batch index). A fetch that is
     * cancelled after a notify chose its rows but before it received them gives the rows back to its task,
     * unless its sampler shares them this way: other callers get them from the sampler anyway, so offering
     * them again would hand them out twice. The default, false, suits samplers that keep no results.
     */
    default boolean sharesResults(SamplingParams params) {
        return false;
    }

    /** Forgets all state of {@code partition}. */
    default void dropPartition(String partition) {
    }
}
