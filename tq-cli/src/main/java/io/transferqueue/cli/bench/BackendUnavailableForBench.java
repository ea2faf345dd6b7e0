package io.transferqueue.cli.bench;

/** A backend that cannot run here (no server, no native library); the benchmark skips it with this reason. */
final class BackendUnavailableForBench extends Exception {
    private static final long serialVersionUID = 1L;

    BackendUnavailableForBench(String reason) {
        super(reason);
    }

    BackendUnavailableForBench(String reason, Throwable cause) {
        super(reason, cause);
    }
}
