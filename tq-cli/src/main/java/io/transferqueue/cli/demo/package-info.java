/**
 * {@code tq demo}: one GRPO-style step on an embedded TransferQueue (rollout, reward and reference producers, two
 * data-parallel trainer ranks on the StreamingDataLoader), with progress, a summary and an end-to-end data check.
 */
package io.transferqueue.cli.demo;
