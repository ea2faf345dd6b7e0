package io.transferqueue.spi;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import java.util.List;

/**
 * Entry point of a sampler, found with {@link java.util.ServiceLoader} by {@link #name()} (the value of
 * {@code tq.sampler} or of a request's sampler). Stateless.
 */
public interface SamplerFactory {

    /** Lowercase, hyphenated name, e.g. {@code grpo-group-n}. */
    String name();

    /** One line for listings. */
    default String description() {
        return "";
    }

    /** Options this sampler reads, under {@code tq.sampler.<name>.}. */
    List<ConfigOption<?>> options();

    /** A new sampler configured from {@code config}. */
    Sampler create(TqConfig config);
}
