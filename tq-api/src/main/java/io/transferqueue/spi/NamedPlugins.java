package io.transferqueue.spi;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.ConfigException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Named plugins of one SPI found with {@link ServiceLoader} and an explicit class loader. Selection by name
 * fails loudly: an unknown name lists every name found, a name two providers claim names both classes (never
 * "pick the first"). A provider that fails to load is logged and skipped, not fatal to the others.
 *
 * @param <F> the (stateless) factory type
 */
public final class NamedPlugins<F> {
    private static final System.Logger LOG = System.getLogger(NamedPlugins.class.getName());

    private final String what;
    private final Map<String, F> byName;
    private final Map<String, List<String>> duplicates;
    private final List<String> failures;

    private NamedPlugins(String what, Map<String, F> byName, Map<String, List<String>> duplicates, List<String> failures) {
        this.what = what;
        this.byName = byName;
        this.duplicates = duplicates;
        this.failures = failures;
    }

    /**
     * Discovers the providers of {@code spi} visible to {@code loader}.
     *
     * @param what a noun for messages, e.g. {@code storage backend}
     * @param nameOf reads a provider's name
     */
    public static <F> NamedPlugins<F> discover(Class<F> spi, ClassLoader loader, String what, Function<F, String> nameOf) {
        requireNonNull(loader, "loader is null");
        Map<String, F> byName = new TreeMap<>();
        Map<String, List<String>> dups = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Iterator<F> it = ServiceLoader.load(spi, loader).iterator();
        while (true) {
            F f;
            try {
                if (!it.hasNext()) {
                    break;
                }
                f = it.next();
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                failures.add(String.valueOf(e.getMessage()));
                LOG.log(Level.WARNING, "skipping a " + what + " provider that failed to load: " + e);
                continue;
            }
            String name;
            try {
                name = nameOf.apply(f);
            } catch (RuntimeException | LinkageError e) {
                failures.add(f.getClass().getName() + ": " + e);
                LOG.log(Level.WARNING, "skipping " + what + " provider " + f.getClass().getName() + ": " + e);
                continue;
            }
            F prev = byName.putIfAbsent(name, f);
            if (prev != null) {
                dups.computeIfAbsent(name, k -> new ArrayList<>(List.of(prev.getClass().getName())))
                        .add(f.getClass().getName());
            }
        }
        return new NamedPlugins<>(what, Collections.unmodifiableMap(byName), dups, List.copyOf(failures));
    }

    /** A registry of the given plugins (for tests and hosts that wire plugins by hand). */
    public static <F> NamedPlugins<F> of(String what, Map<String, F> plugins) {
        return new NamedPlugins<>(what, Collections.unmodifiableMap(new TreeMap<>(plugins)), Map.of(), List.of());
    }

    /** Names found, sorted. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** All plugins found (one per name), by name. */
    public Map<String, F> all() {
        return byName;
    }

    /** Messages of providers that failed to load. */
    public List<String> failures() {
        return failures;
    }

    /**
     * The plugin called {@code name}.
     *
     * @throws ConfigException if no plugin has that name (listing the names found) or two do (naming both
     *     classes)
     */
    public F get(String name) {
        List<String> dup = duplicates.get(name);
        if (dup != null) {
            throw new ConfigException("two " + what + " providers are named '" + name + "': " + String.join(" and ", dup)
                    + "; remove one of the jars from the class path");
        }
        F f = byName.get(name);
        if (f == null) {
            throw new ConfigException("unknown " + what + " '" + name + "'; found: " + byName.keySet()
                    + (failures.isEmpty() ? "" : " (providers that failed to load: " + failures + ")"));
        }
        return f;
    }

    /** Names claimed by more than one provider, with the classes. */
    public Map<String, List<String>> duplicates() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(duplicates));
    }
}
