package io.transferqueue.it.redis;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finding {@code redis-server} / {@code redis-cli} on the PATH, and what a test does when they are missing: it
 * is skipped with a message saying how to enable it, except under {@code CI=true}, where a skip would hide a
 * suite that must run, so the test fails instead.
 */
final class LocalRedis {
    private LocalRedis() {
    }

    /** The executable called {@code name} on the PATH, if any. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** True when the environment variable {@code CI} is {@code true}. */
    static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** {@code redis-server} from the PATH, or skips (fails under CI) saying how to get it. */
    static Path requireServer() {
        return onPath("redis-server").orElseGet(() -> unavailable("redis-server is not on the PATH"));
    }

    /** {@code redis-cli} from the PATH, or skips (fails under CI) saying how to get it. */
    static Path requireCli() {
        return onPath("redis-cli").orElseGet(() -> unavailable("redis-cli is not on the PATH"));
    }

    /** Skips the test (or fails it under CI=true) because Redis is not available. */
    static <T> T unavailable(String why) {
        String how = "install Redis (Debian/Ubuntu: apt-get install -y redis-server, which brings redis-cli) so "
                + "redis-server is on the PATH, or run where Docker is available for the Testcontainers suite";
        if (underCi()) {
            throw new AssertionError(why + ", and CI=true: the Redis integration tests must run in CI, not be "
                    + "skipped (" + how + "; .ci/run installs it)");
        }
        Assumptions.abort(why + ": skipping the Redis integration test; to run it, " + how);
        throw new AssertionError("unreachable");
    }
}
