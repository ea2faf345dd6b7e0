package io.transferqueue.cli.bench;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A backend and the baselines it is compared with, opened together and measured iteration by iteration in
 * alternating order, so noise on the machine hits both alike. Closing closes the sides, then the processes and
 * servers they used.
 *
 * @param backend the backend's name ({@code simple}, {@code simple-remote}, ...)
 * @param sides the backend's side first, then its baselines
 * @param baseline the side its ratios are taken against
 * @param note what the group ran on (runtime, server, processes), printed once
 * @param resources closed after the sides, in reverse order
 */
record Group(String backend, List<Side> sides, String baseline, String note, List<AutoCloseable> resources)
        implements AutoCloseable {

    Group {
        requireNonNull(backend, "backend is null");
        sides = List.copyOf(sides);
        resources = List.copyOf(resources);
        if (sides.stream().noneMatch(s -> s.name().equals(baseline))) {
            throw new IllegalArgumentException("baseline " + baseline + " is not a side of " + backend);
        }
    }

    Side backendSide() {
        return sides.get(0);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(sides);
        for (int i = resources.size() - 1; i >= 0; i--) {
            all.add(resources.get(i));
        }
        RuntimeException failure = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure == null) {
                    failure = new IllegalStateException("closing the " + backend + " benchmark: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
