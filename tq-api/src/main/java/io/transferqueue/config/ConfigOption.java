package io.transferqueue.config;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.ConfigException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One configuration option, declared once: key, type, default, description and rule. Documentation
 * ({@code tq config --list}) and validation both come from these declarations.
 *
 * <pre>{@code
 * static final ConfigOption<Duration> TIMEOUT = ConfigOption.key("tq.rpc.timeout")
 *         .durationType()
 *         .defaultValue(Duration.ofSeconds(30))
 *         .validate(d -> !d.isNegative() && !d.isZero(), "must be positive")
 *         .description("Deadline of every remote call.");
 * }</pre>
 *
 * @param <T> the value type
 */
public final class ConfigOption<T> {
    private static final Pattern KEY = Pattern.compile("tq(\\.[a-z0-9]+(-[a-z0-9]+)*)+");

    private final String key;
    private final String typeName;
    private final T defaultValue;
    private final String description;
    private final Function<String, T> parser;
    private final Function<T, String> printer;
    private final Predicate<T> validator;
    private final String rule;
    private final boolean secret;
    private final List<String> envAliases;

    private ConfigOption(String key, String typeName, T defaultValue, String description, Function<String, T> parser,
            Function<T, String> printer, Predicate<T> validator, String rule, boolean secret, List<String> envAliases) {
        this.key = key;
        this.typeName = typeName;
        this.defaultValue = defaultValue;
        this.description = description;
        this.parser = parser;
        this.printer = printer;
        this.validator = validator;
        this.rule = rule;
        this.secret = secret;
        this.envAliases = envAliases;
    }

    /**
     * Starts declaring an option.
     *
     * @param key lowercase, dotted and hyphenated, under {@code tq.}: {@code tq.storage.redis.command-timeout}
     */
    public static KeyBuilder key(String key) {
        requireNonNull(key, "key is null");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("option key '" + key + "' must be lowercase, dotted and hyphenated, "
                    + "starting with 'tq.'");
        }
        return new KeyBuilder(key);
    }

    public String key() {
        return key;
    }

    /** Human-readable type: {@code string}, {@code int}, {@code duration}, {@code data size}, ... */
    public String typeName() {
        return typeName;
    }

    /** The default value, or {@code null} if the option has none (unset). */
    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The rule valid values follow, or an empty string. */
    public String rule() {
        return rule;
    }

    /** True for passwords and tokens: printed as {@code ****}. */
    public boolean isSecret() {
        return secret;
    }

    /** The environment variable for this option: {@code TQ_} + key without {@code tq.}, upper case, {@code _} for {@code . -}. */
    public String envName() {
        return envNameOf(key);
    }

    /** Extra environment variable names that set this option (older spellings). */
    public List<String> envAliases() {
        return envAliases;
    }

    static String envNameOf(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Parses and checks a textual value.
     *
     * @throws ConfigException naming the key, the value and the rule
     */
    public T parse(String text, String source) {
        T value;
        try {
            value = parser.apply(text.trim());
        } catch (RuntimeException e) {
            // a secret's text is never printed, nor the parser's message, which may quote it
            throw new ConfigException(key + " = '" + (secret ? "****" : text) + "' (from " + source
                    + ") is not a valid " + typeName + (secret ? "" : ": " + e.getMessage()));
        }
        check(value, source);
        return value;
    }

    /**
     * Checks a typed value against the rule.
     *
     * @throws ConfigException naming the key, the value and the rule
     */
    public void check(T value, String source) {
        if (value != null && !validator.test(value)) {
            throw new ConfigException(key + " = '" + (secret ? "****" : print(value))
                    + "' (from " + source + ") is invalid: " + rule);
        }
    }

    /** The textual form of a value (parseable by {@link #parse}). */
    public String print(T value) {
        return value == null ? "" : printer.apply(value);
    }

    /** A value for display: {@code ****} for secrets, {@code (unset)} for null. */
    public String display(T value) {
        if (value == null) {
            return "(unset)";
        }
        return secret ? "****" : print(value);
    }

    @Override
    public String toString() {
        return key;
    }

    /** First step: choose the type. */
    public static final class KeyBuilder {
        private final String key;

        private KeyBuilder(String key) {
            this.key = key;
        }

        public TypedBuilder<String> stringType() {
            return new TypedBuilder<>(key, "string", s -> s, s -> s);
        }

        public TypedBuilder<Integer> intType() {
            return new TypedBuilder<>(key, "int", Integer::valueOf, String::valueOf);
        }

        public TypedBuilder<Long> longType() {
            return new TypedBuilder<>(key, "long", Long::valueOf, String::valueOf);
        }

        public TypedBuilder<Boolean> booleanType() {
            return new TypedBuilder<>(key, "boolean", ConfigOption::parseBoolean, String::valueOf);
        }

        /** Durations as {@code 30s}, {@code 500ms}, {@code 250us}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
        public TypedBuilder<Duration> durationType() {
            return new TypedBuilder<>(key, "duration", ConfigOption::parseDuration, ConfigOption::printDuration);
        }

        /** Byte sizes, see {@link DataSize#parse}. */
        public TypedBuilder<DataSize> dataSizeType() {
            return new TypedBuilder<>(key, "data size", DataSize::parse, DataSize::toString);
        }

        /** Enum constants, written in lower case with hyphens ({@code BLOCK} is {@code block}). */
        public <E extends Enum<E>> TypedBuilder<E> enumType(Class<E> type) {
            E[] constants = type.getEnumConstants();
            String names = Arrays.stream(constants).map(ConfigOption::enumName).reduce((a, b) -> a + " | " + b)
                    .orElse("");
            return new TypedBuilder<>(key, names, s -> {
                for (E e : constants) {
                    if (enumName(e).equalsIgnoreCase(s) || e.name().equalsIgnoreCase(s)) {
                        return e;
                    }
                }
                throw new IllegalArgumentException("expected one of " + names);
            }, ConfigOption::enumName);
        }

        /** Comma-separated strings (blank entries dropped). */
        public TypedBuilder<List<String>> listType() {
            return new TypedBuilder<>(key, "list", s -> Arrays.stream(s.split(",")).map(String::trim)
                    .filter(x -> !x.isEmpty()).toList(), l -> String.join(",", l));
        }
    }

    /** Second step: default, rule, description. {@link #description} finishes the declaration. */
    public static final class TypedBuilder<T> {
        private final String key;
        private final String typeName;
        private final Function<String, T> parser;
        private final Function<T, String> printer;
        private T defaultValue;
        private Predicate<T> validator = v -> true;
        private String rule = "";
        private boolean secret;
        private List<String> envAliases = List.of();

        private TypedBuilder(String key, String typeName, Function<String, T> parser, Function<T, String> printer) {
            this.key = key;
            this.typeName = typeName;
            this.parser = parser;
            this.printer = printer;
        }

        public TypedBuilder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        /** No default: the option is unset (null) unless configured. */
        public TypedBuilder<T> noDefaultValue() {
            this.defaultValue = null;
            return this;
        }

        /** A rule every configured value must follow, described for error messages. */
        public TypedBuilder<T> validate(Predicate<T> check, String ruleText) {
            this.validator = requireNonNull(check, "check is null");
            this.rule = requireNonNull(ruleText, "ruleText is null");
            return this;
        }

        /** Never print the value (passwords, tokens). */
        public TypedBuilder<T> secret() {
            this.secret = true;
            return this;
        }

        /** Additional environment variable names for this option. */
        public TypedBuilder<T> envAliases(String... names) {
            this.envAliases = List.of(names);
            return this;
        }

        /** Finishes the declaration. */
        public ConfigOption<T> description(String text) {
            requireNonNull(text, "text is null");
            ConfigOption<T> o = new ConfigOption<>(key, typeName, defaultValue, text, parser, printer, validator, rule,
                    secret, envAliases);
            if (defaultValue != null && !validator.test(defaultValue)) {
                throw new IllegalStateException("default of " + key + " breaks its own rule: " + rule);
            }
            return o;
        }
    }

    static String enumName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Boolean parseBoolean(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return Boolean.TRUE;
            case "false": case "no": case "off": case "0":
                return Boolean.FALSE;
            default:
                throw new IllegalArgumentException("expected true or false");
        }
    }

    static Duration parseDuration(String s) {
        String t = s.toLowerCase(Locale.ROOT).replace(" ", "");
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("expected e.g. 30s, 500ms, 2m, 1h or PT30S");
            }
        }
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("expected e.g. 30s, 500ms, 2m, 1h or PT30S");
        }
        long n = Long.parseLong(t.substring(0, i));
        switch (t.substring(i)) {
            case "ms":
                return Duration.ofMillis(n);
            case "":
            case "s":
                return Duration.ofSeconds(n);
            case "m":
            case "min":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "us":
                return Duration.ofNanos(Math.multiplyExact(n, 1000L));
            case "ns":
                return Duration.ofNanos(n);
            default:
                throw new IllegalArgumentException("unknown unit '" + t.substring(i) + "'; expected ns, us, ms, s, m "
                        + "or h");
        }
    }

    /**
     * The shortest exact text {@link #parseDuration} reads back to the same value: whole hours, minutes or
     * seconds, else milli-, micro- or nanoseconds, else (negative or huge) ISO-8601.
     */
    static String printDuration(Duration d) {
        if (d.isNegative()) {
            return d.toString();
        }
        long s = d.getSeconds();
        int nano = d.getNano();
        if (nano == 0) {
            if (s == 0) {
                return "0ms";
            }
            if (s % 3600 == 0) {
                return (s / 3600) + "h";
            }
            if (s % 60 == 0) {
                return (s / 60) + "m";
            }
            return s + "s";
        }
        if (s < Long.MAX_VALUE / 1_000_000_000L) {
            if (nano % 1_000_000 == 0) {
                return (s * 1000 + nano / 1_000_000) + "ms";
            }
            if (nano % 1000 == 0) {
                return (s * 1_000_000 + nano / 1000) + "us";
            }
            return (s * 1_000_000_000L + nano) + "ns";
        }
        return d.toString();
    }
}
