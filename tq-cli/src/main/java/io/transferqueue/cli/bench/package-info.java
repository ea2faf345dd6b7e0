/**
 * {@code tq bench}: every storage backend through the real client path next to the baseline a user would pick
 * instead (same bytes, same process layout), the controller at scale, and the table, CSV and chart the project's
 * performance targets are read from.
 */
package io.transferqueue.cli.bench;
