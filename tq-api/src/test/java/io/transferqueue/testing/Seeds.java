package io.transferqueue.testing;

/**
 * Seeds for randomized tests: a fixed default per test so builds are reproducible, overridden with
 * {@code -Dtq.test.seed=<n>} (or {@code random}) to explore. Tests print the seed in every failure message.
 */
public final class Seeds {
    private Seeds() {
    }

    public static long seed(long defaultSeed) {
        String s = System.getProperty("tq.test.seed");
        if (s == null || s.isBlank()) {
            return defaultSeed;
        }
        if (s.equals("random")) {
            return new java.util.Random().nextLong();
        }
        return Long.parseLong(s.trim());
    }
}
