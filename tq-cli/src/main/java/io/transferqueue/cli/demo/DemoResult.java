package io.transferqueue.cli.demo;

import io.transferqueue.client.PartitionStats;
import io.transferqueue.spi.StorageStats;
import java.util.List;
import java.util.Map;

/**
 * What a demo step did.
 *
 * @param settings the configuration
 * @param stages rollout, reward, reference, then one per trainer rank
 * @param ledger checksums and receipts
 * @param tasks the exactly-once check of each consuming task
 * @param steps per trainer rank: batch index → {rows, response tokens, prompt+response tokens}
 * @param stats the controller's view of the partition at the end, or null if the step failed
 * @param held the backend's usage at the end of the step
 * @param afterClear the backend's usage after the partition was cleared
 * @param elapsedNanos wall time of the step
 * @param failure the first failure of a stage, or null
 * @param corruptedField the field the test hook overwrote, or null
 */
record DemoResult(DemoSettings settings, List<Stage> stages, Ledger ledger, List<Ledger.TaskCheck> tasks,
        List<Map<Integer, long[]>> steps, PartitionStats stats, StorageStats held, StorageStats afterClear,
        long elapsedNanos, Throwable failure, String corruptedField) {
}
