/** The {@code tq} command line (picocli): controller, storage-unit, status, config, demo, bench. */
package io.transferqueue.cli;
