package io.transferqueue.client;

import java.util.Map;

/**
 * Progress of one partition.
 *
 * @param partition the name
 * @param rows live rows (allocated and not cleared)
 * @param producedPerField field → rows that have it produced
 * @param consumedPerTask task → rows it consumed
 * @param complete true once the producers marked the partition complete
 * @param expectedRows the row count the producers announced, or -1
 */
public record PartitionStats(String partition, long rows, Map<String, Long> producedPerField,
        Map<String, Long> consumedPerTask, boolean complete, long expectedRows) {
    public PartitionStats {
        producedPerField = Map.copyOf(producedPerField);
        consumedPerTask = Map.copyOf(consumedPerTask);
    }

    /** Produced fraction of a field (0 when the partition is empty). */
    public double productionProgress(String field) {
        return rows == 0 ? 0 : producedPerField.getOrDefault(field, 0L) / (double) rows;
    }

    /** Consumed fraction for a task (0 when the partition is empty). */
    public double consumptionProgress(String task) {
        return rows == 0 ? 0 : consumedPerTask.getOrDefault(task, 0L) / (double) rows;
    }
}
