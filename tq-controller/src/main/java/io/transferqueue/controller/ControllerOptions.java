package io.transferqueue.controller;

import io.transferqueue.config.ConfigOption;
import java.util.List;

/** Options of the controller. */
public final class ControllerOptions {
    /** Sampler used by fetches that name none. */
    public static final ConfigOption<String> SAMPLER = ConfigOption.key("tq.sampler")
            .stringType()
            .defaultValue("sequential")
            .validate(s -> !s.isBlank(), "must not be blank")
            .description("Default sampler of fetches, by name: sequential, grpo-group-n, rank-aware, seqlen-balanced, "
                    + "or a third-party name.");

    /** Threads that complete waiting fetches (continuations of their futures run there). */
    public static final ConfigOption<Integer> COMPLETION_THREADS = ConfigOption.key("tq.controller.completion-threads")
            .intType()
            .defaultValue(2)
            .validate(n -> n >= 1 && n <= 64, "must be between 1 and 64")
            .description("Threads that complete waiting fetches; continuations of their futures run there.");

    private ControllerOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(SAMPLER, COMPLETION_THREADS);
    }
}
