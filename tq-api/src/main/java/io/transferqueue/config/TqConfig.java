package io.transferqueue.config;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration of one TransferQueue instance: raw values from several sources, read through typed
 * {@link ConfigOption}s. Later sources win:
 *
 * <ol>
 *   <li>built-in defaults (of each option)
 *   <li>a properties file ({@code tq.properties} in the working directory, or the file named by
 *       {@code -Dtq.config.file} / {@code TQ_CONFIG_FILE})
 *   <li>{@code TQ_*} environment variables ({@code tq.rpc.timeout} ↔ {@code TQ_RPC_TIMEOUT})
 *   <li>{@code -Dtq.*} system properties
 *   <li>values set in code ({@link #with})
 * </ol>
 *
 * <p>Immutable and thread-safe; nothing is read from the process environment after construction, and no
 * instance sees another's values. Unknown {@code tq.*} keys in a file, in system properties or in code fail
 * {@link #validate}; unknown {@code TQ_*} environment variables are only reported by
 * {@link #unknownEnvironmentVariables}, because the environment is shared with other tools (the Python
 * TransferQueue reads {@code TQ_*} variables too).
 */
public final class TqConfig {
    /** The {@code ./tq} launcher's JVM options: a {@code TQ_*} variable that is not an option, never reported. */
    public static final String LAUNCHER_JAVA_OPTS = "TQ_JAVA_OPTS";

    /** The file option itself (so it is a known key). */
    public static final ConfigOption<String> CONFIG_FILE = ConfigOption.key("tq.config.file").stringType()
            .noDefaultValue()
            .description("Properties file with tq.* settings; default: tq.properties in the working directory if "
                    + "present.");

    private static final String DEFAULT_FILE = "tq.properties";

    /** Lowest layer above the defaults: values a controller serves to its clients. */
    private final Map<String, String> served;
    private final String servedBy;
    private final Map<String, String> file;
    private final String fileName;
    private final Map<String, String> env;
    private final Map<String, String> sysProps;
    private final Map<String, String> code;

    private TqConfig(Map<String, String> served, String servedBy, Map<String, String> file, String fileName,
            Map<String, String> env, Map<String, String> sysProps, Map<String, String> code) {
        this.served = served;
        this.servedBy = servedBy;
        this.file = file;
        this.fileName = fileName;
        this.env = env;
        this.sysProps = sysProps;
        this.code = code;
    }

    /** Defaults only: no file, environment or system properties. */
    public static TqConfig defaults() {
        return new TqConfig(Map.of(), null, Map.of(), null, Map.of(), Map.of(), Map.of());
    }

    /**
     * The standard sources of this process: the properties file, {@code TQ_*} environment variables and
     * {@code tq.*} system properties, captured now.
     *
     * @throws ConfigException if the named file cannot be read
     */
    public static TqConfig load() {
        return load(System.getenv(), System.getProperties(), Path.of(""));
    }

    /**
     * The standard sources given explicitly (for tests and embedding).
     *
     * @param workingDir where {@code tq.properties} is looked for when no file is named
     */
    public static TqConfig load(Map<String, String> environment, Properties systemProperties, Path workingDir) {
        Map<String, String> env = new TreeMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith("TQ_")) {
                env.put(k, v);
            }
        });
        Map<String, String> sys = new TreeMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith("tq.")) {
                sys.put(name, systemProperties.getProperty(name));
            }
        }
        String named = sys.getOrDefault(CONFIG_FILE.key(), env.get(CONFIG_FILE.envName()));
        Path path = named != null ? Path.of(named) : workingDir.resolve(DEFAULT_FILE);
        Map<String, String> fileValues = Map.of();
        String fileName = null;
        if (named != null || Files.isRegularFile(path)) {
            fileValues = readFile(path);
            fileName = path.toString();
        }
        return new TqConfig(Map.of(), null, fileValues, fileName, Collections.unmodifiableMap(env),
                Collections.unmodifiableMap(sys),
                Map.of());
    }

    /** Reads a properties file (UTF-8). Every key is kept, so validation reports any key that is not an option. */
    private static Map<String, String> readFile(Path path) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + path + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            out.put(name, p.getProperty(name));
        }
        return Collections.unmodifiableMap(out);
    }

    /** A config read from a properties file only (plus defaults). */
    public static TqConfig fromFile(Path path) {
        return new TqConfig(Map.of(), null, readFile(path), path.toString(), Map.of(), Map.of(), Map.of());
    }

    /** A config of the given {@code tq.*} values (as if set in code). */
    public static TqConfig of(Map<String, String> values) {
        return defaults().withAll(values);
    }

    /** A copy with {@code option} set in code (highest precedence). */
    public <T> TqConfig with(ConfigOption<T> option, T value) {
        requireNonNull(option, "option is null");
        requireNonNull(value, "value is null");
        option.check(value, "code");
        return with(option.key(), option.print(value));
    }

    /** A copy with a raw value set in code (validated when read or by {@link #validate}). */
    public TqConfig with(String key, String value) {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        Map<String, String> c = new TreeMap<>(code);
        c.put(key, value);
        return new TqConfig(served, servedBy, file, fileName, env, sysProps, Collections.unmodifiableMap(c));
    }

    /** A copy with all {@code values} set in code. */
    public TqConfig withAll(Map<String, String> values) {
        Map<String, String> c = new TreeMap<>(code);
        values.forEach((k, v) -> c.put(requireNonNull(k, "key is null"), requireNonNull(v, "value of " + k + " is null")));
        return new TqConfig(served, servedBy, file, fileName, env, sysProps, Collections.unmodifiableMap(c));
    }

    /**
     * A copy with a layer below every other source (above only the defaults): the configuration a controller
     * serves to the clients that connect to it. Anything this process sets itself wins.
     *
     * @param source names the layer in {@link #sourceOf} and error messages, e.g. {@code controller tcp://...}
     */
    public TqConfig withServed(Map<String, String> values, String source) {
        Map<String, String> v = new TreeMap<>();
        values.forEach((k, val) -> v.put(requireNonNull(k, "key is null"), requireNonNull(val, "value of " + k + " is null")));
        return new TqConfig(Collections.unmodifiableMap(v), requireNonNull(source, "source is null"), file, fileName, env,
                sysProps, code);
    }

    /**
     * The value of {@code option}: from the highest-precedence source that sets it, else its default
     * ({@code null} if it has none).
     *
     * @throws ConfigException naming key, value, source and rule if the configured text is invalid
     */
    public <T> T get(ConfigOption<T> option) {
        Raw raw = raw(option);
        if (raw == null) {
            return option.defaultValue();
        }
        return option.parse(raw.value, raw.source);
    }

    /** True if some source sets {@code option} (rather than its default applying). */
    public boolean isSet(ConfigOption<?> option) {
        return raw(option) != null;
    }

    /** Where {@code option}'s value comes from: {@code default}, {@code code}, {@code env TQ_X}, ... */
    public String sourceOf(ConfigOption<?> option) {
        Raw raw = raw(option);
        return raw == null ? "default" : raw.source;
    }

    /** The raw text of a key from the sources that hold arbitrary keys (code, system properties, file). */
    public String rawValue(String key) {
        if (code.containsKey(key)) {
            return code.get(key);
        }
        if (sysProps.containsKey(key)) {
            return sysProps.get(key);
        }
        String e = env.get(ConfigOption.envNameOf(key));
        if (e != null) {
            return e;
        }
        return file.containsKey(key) ? file.get(key) : served.get(key);
    }

    private Raw raw(ConfigOption<?> option) {
        String k = option.key();
        if (code.containsKey(k)) {
            return new Raw(code.get(k), "code");
        }
        if (sysProps.containsKey(k)) {
            return new Raw(sysProps.get(k), "system property -D" + k);
        }
        String envName = option.envName();
        if (env.containsKey(envName)) {
            return new Raw(env.get(envName), "environment variable " + envName);
        }
        for (String alias : option.envAliases()) {
            if (env.containsKey(alias)) {
                return new Raw(env.get(alias), "environment variable " + alias);
            }
        }
        if (file.containsKey(k)) {
            return new Raw(file.get(k), "file " + fileName);
        }
        if (served.containsKey(k)) {
            return new Raw(served.get(k), servedBy);
        }
        return null;
    }

    private record Raw(String value, String source) {
    }

    /**
     * Checks every configured key against {@code known} options and parses every configured value.
     *
     * @throws ConfigException listing the unknown keys and the supported ones, or naming an invalid value
     */
    public void validate(Collection<? extends ConfigOption<?>> known) {
        Map<String, ConfigOption<?>> byKey = new HashMap<>();
        for (ConfigOption<?> o : known) {
            byKey.put(o.key(), o);
        }
        byKey.put(CONFIG_FILE.key(), CONFIG_FILE);
        Map<String, String> unknown = new TreeMap<>();
        collectUnknown(code, "code", byKey, unknown);
        collectUnknown(sysProps, "system property", byKey, unknown);
        collectUnknown(file, "file " + fileName, byKey, unknown);
        collectUnknown(served, servedBy, byKey, unknown);
        if (!unknown.isEmpty()) {
            StringBuilder sb = new StringBuilder("unknown configuration key");
            sb.append(unknown.size() > 1 ? "s " : " ");
            List<String> parts = new ArrayList<>();
            unknown.forEach((k, src) -> parts.add("'" + k + "' (from " + src + ")"));
            sb.append(String.join(", ", parts)).append("; supported keys: ").append(new TreeSet<>(byKey.keySet()));
            throw new ConfigException(sb.toString());
        }
        for (ConfigOption<?> o : byKey.values()) {
            get(o);
        }
    }

    private static void collectUnknown(Map<String, String> source, String name, Map<String, ConfigOption<?>> known,
            Map<String, String> unknown) {
        for (String k : source.keySet()) {
            if (!known.containsKey(k)) {
                unknown.putIfAbsent(k, name);
            }
        }
    }

    /**
     * {@code TQ_*} environment variables that match no option in {@code known} (they are ignored; callers
     * log them once).
     */
    public Set<String> unknownEnvironmentVariables(Collection<? extends ConfigOption<?>> known) {
        Set<String> names = new TreeSet<>();
        names.add(CONFIG_FILE.envName());
        names.add(LAUNCHER_JAVA_OPTS);
        for (ConfigOption<?> o : known) {
            names.add(o.envName());
            names.addAll(o.envAliases());
        }
        Set<String> out = new TreeSet<>(env.keySet());
        out.removeAll(names);
        return out;
    }

    /**
     * The effective values of {@code known} options that some source sets, as text (secrets included,
     * for shipping the merged config to peers; never print this map).
     */
    public Map<String, String> effectiveValues(Collection<? extends ConfigOption<?>> known) {
        Map<String, String> out = new TreeMap<>();
        for (ConfigOption<?> o : known) {
            Raw raw = raw(o);
            if (raw != null) {
                out.put(o.key(), raw.value);
            }
        }
        return out;
    }

    /**
     * Refuses keys under {@code prefix} set explicitly here that are none of {@code options}: what a plugin checks
     * for its own namespace when it is created, so a typo in a backend key fails even without {@link #validate}.
     *
     * @param owner names the plugin in the message, e.g. {@code storage backend 'redis'}
     * @throws ConfigException listing the unknown keys and the supported ones
     */
    public void rejectUnknownUnder(String prefix, Collection<? extends ConfigOption<?>> options, String owner) {
        Set<String> known = new TreeSet<>();
        for (ConfigOption<?> o : options) {
            known.add(o.key());
        }
        List<String> unknown = new ArrayList<>();
        for (String key : explicitValues().keySet()) {
            if (key.startsWith(prefix) && !known.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown option" + (unknown.size() > 1 ? "s " : " ") + unknown + " of " + owner
                    + "; supported keys: " + known);
        }
    }

    /** Every explicitly configured key with its raw text (from code, system properties and the file). */
    public Map<String, String> explicitValues() {
        Map<String, String> out = new TreeMap<>(file);
        out.putAll(sysProps);
        out.putAll(code);
        return out;
    }

    /** A printable description: one line per known option, with value and source; secrets masked. */
    public String describe(Collection<? extends ConfigOption<?>> known) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (ConfigOption<?> o : known) {
            lines.put(o.key(), line(o));
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(lines).forEach((k, v) -> sb.append(v).append('\n'));
        return sb.toString();
    }

    private <T> String line(ConfigOption<T> o) {
        return o.key() + " = " + o.display(get(o)) + " (" + sourceOf(o) + ")";
    }

    @Override
    public String toString() {
        Map<String, String> masked = new TreeMap<>();
        explicitValues().forEach((k, v) -> masked.put(k, k.contains("password") || k.contains("secret") ? "****" : v));
        return "TqConfig" + masked;
    }
}
