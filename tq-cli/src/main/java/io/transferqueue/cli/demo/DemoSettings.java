package io.transferqueue.cli.demo;

import io.transferqueue.config.TqConfig;
import java.time.Duration;

/**
 * A checked demo configuration.
 *
 * @param config the TransferQueue configuration (backend included)
 * @param backend the storage backend's name
 * @param rows total responses (rows of the partition); a multiple of {@code 2 × n}
 * @param n responses per prompt (GRPO group size)
 * @param extraFields extra dense fields per row
 * @param seed seed of the synthetic data
 * @param sampler the trainers' sampler: {@code seqlen-balanced} or {@code rank-aware}
 * @param terminal draw progress bars (else plain lines)
 * @param corruptRow the row whose cell the test hook overwrites, or -1
 * @param timeout how long the step may take before the demo gives up
 */
record DemoSettings(TqConfig config, String backend, int rows, int n, int extraFields, long seed, String sampler,
        boolean terminal, long corruptRow, Duration timeout) {
    /** Data-parallel trainer ranks. */
    static final int RANKS = 2;
    /** Rollout producer threads. */
    static final int ROLLOUT_THREADS = 2;

    int prompts() {
        return rows / n;
    }

    /** Rows per fetch of one trainer rank: whole groups, about eight steps per run. */
    int trainBatch() {
        int groupsPerRank = Math.max(1, (prompts() + RANKS * 8 - 1) / (RANKS * 8));
        return groupsPerRank * n;
    }

    /** Rows per micro-batch of a trainer rank. */
    int microBatch() {
        return Math.max(1, trainBatch() / 4);
    }

    /**
     * Rows per fetch of the reward and reference producers: whole groups, and a divisor of {@code rows}, so that every
     * fetch can be filled before the partition is complete.
     */
    int producerBatch() {
        int groups = 1;
        for (int g = 8; g >= 1; g--) {
            if (prompts() % g == 0) {
                groups = g;
                break;
            }
        }
        return groups * n;
    }
}
