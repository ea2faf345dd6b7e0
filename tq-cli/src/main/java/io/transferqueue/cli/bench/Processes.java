package io.transferqueue.cli.bench;

import java.util.concurrent.TimeUnit;

/** Stopping the processes a bench starts (storage units, the controller, a redis-server). */
final class Processes {
    private Processes() {
    }

    /**
     * Removes {@code shutdownHook} (which would stop {@code process} if the bench were killed) and stops the
     * process: SIGTERM, then SIGKILL after 10 s; waits at most 10 s more.
     */
    static void stop(Process process, Thread shutdownHook) {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook stops the process
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
