package io.transferqueue.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.error.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TqConfigTest {
    private static final ConfigOption<String> NAME = ConfigOption.key("tq.test.name").stringType()
            .defaultValue("default").description("a name");
    private static final ConfigOption<Integer> COUNT = ConfigOption.key("tq.test.count").intType().defaultValue(1)
            .validate(i -> i > 0, "must be positive").description("a count");
    private static final ConfigOption<String> PASSWORD = ConfigOption.key("tq.test.password").stringType()
            .noDefaultValue().secret().description("a password");
    private static final ConfigOption<Duration> WAIT = ConfigOption.key("tq.test.wait").durationType()
            .defaultValue(Duration.ofSeconds(1)).description("a wait");
    private static final List<ConfigOption<?>> KNOWN = List.of(NAME, COUNT, PASSWORD, WAIT,
            CoreOptions.WIRE_ZERO_COPY, CoreOptions.STORAGE_BACKEND);

    @TempDir
    Path dir;

    private void writeFile(String... lines) throws IOException {
        Files.write(dir.resolve("tq.properties"), List.of(lines), StandardCharsets.UTF_8);
    }

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        TqConfig c = TqConfig.load(Map.of(), new Properties(), dir);
        assertThat(c.get(NAME)).isEqualTo("default");
        assertThat(c.get(PASSWORD)).isNull();
        assertThat(c.isSet(NAME)).isFalse();
        assertThat(c.sourceOf(NAME)).isEqualTo("default");
        assertThat(c.get(CoreOptions.WIRE_ZERO_COPY)).isTrue();
        assertThat(TqConfig.defaults().get(COUNT)).isEqualTo(1);
    }

    @Test
    void laterSourcesWinDefaultsFileEnvSystemPropertiesCode() throws IOException {
        writeFile("tq.test.name=file", "tq.test.count=2", "tq.test.wait=2s", "tq.test.password=filepw");
        Map<String, String> env = Map.of("TQ_TEST_NAME", "env", "TQ_TEST_COUNT", "3", "OTHER", "ignored");
        Properties sys = props("tq.test.name", "sys", "java.version.fake", "x");

        TqConfig fileOnly = TqConfig.load(Map.of(), new Properties(), dir);
        assertThat(fileOnly.get(NAME)).isEqualTo("file");
        assertThat(fileOnly.sourceOf(NAME)).contains("file").contains("tq.properties");

        TqConfig all = TqConfig.load(env, sys, dir);
        assertThat(all.get(NAME)).isEqualTo("sys");
        assertThat(all.sourceOf(NAME)).isEqualTo("system property -Dtq.test.name");
        assertThat(all.get(COUNT)).isEqualTo(3);
        assertThat(all.sourceOf(COUNT)).isEqualTo("environment variable TQ_TEST_COUNT");
        assertThat(all.get(WAIT)).isEqualTo(Duration.ofSeconds(2));
        assertThat(all.get(PASSWORD)).isEqualTo("filepw");

        TqConfig code = all.with(NAME, "code").with(COUNT, 4);
        assertThat(code.get(NAME)).isEqualTo("code");
        assertThat(code.sourceOf(NAME)).isEqualTo("code");
        assertThat(code.get(COUNT)).isEqualTo(4);
        assertThat(all.get(NAME)).as("with() returns a copy").isEqualTo("sys");
        code.validate(KNOWN);
    }

    @Test
    void namedFileFromSystemPropertyOrEnvironment(@TempDir Path other) throws IOException {
        Path named = other.resolve("custom.properties");
        Files.writeString(named, "tq.test.name=named\n");
        writeFile("tq.test.name=cwd");
        assertThat(TqConfig.load(Map.of(), props("tq.config.file", named.toString()), dir).get(NAME))
                .isEqualTo("named");
        assertThat(TqConfig.load(Map.of("TQ_CONFIG_FILE", named.toString()), new Properties(), dir).get(NAME))
                .isEqualTo("named");
        assertThat(TqConfig.fromFile(named).get(NAME)).isEqualTo("named");
        assertThatThrownBy(() -> TqConfig.load(Map.of(), props("tq.config.file", other.resolve("missing").toString()),
                dir)).isInstanceOf(ConfigException.class).hasMessageContaining("missing");
    }

    @Test
    void zeroCopySerializationEnvironmentVariableIsAnAlias() {
        TqConfig c = TqConfig.load(Map.of("TQ_ZERO_COPY_SERIALIZATION", "false"), new Properties(), dir);
        assertThat(c.get(CoreOptions.WIRE_ZERO_COPY)).isFalse();
        assertThat(c.sourceOf(CoreOptions.WIRE_ZERO_COPY)).contains("TQ_ZERO_COPY_SERIALIZATION");
        assertThat(c.unknownEnvironmentVariables(KNOWN)).isEmpty();
        TqConfig both = TqConfig.load(Map.of("TQ_ZERO_COPY_SERIALIZATION", "false", "TQ_WIRE_ZERO_COPY", "true"),
                new Properties(), dir);
        assertThat(both.get(CoreOptions.WIRE_ZERO_COPY)).as("the canonical name wins over the alias").isTrue();
        TqConfig sys = TqConfig.load(Map.of("TQ_ZERO_COPY_SERIALIZATION", "true"), props("tq.wire.zero-copy", "false"),
                dir);
        assertThat(sys.get(CoreOptions.WIRE_ZERO_COPY)).isFalse();
    }

    @Test
    void unknownKeysFailWithTheSupportedList() throws IOException {
        writeFile("tq.test.nmae=typo");
        TqConfig c = TqConfig.load(Map.of("TQ_UNRELATED_TOOL", "1", "TQ_JAVA_OPTS", "-Xmx1g"),
                props("tq.test.cuont", "2"), dir);
        assertThatThrownBy(() -> c.validate(KNOWN))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'tq.test.nmae'").hasMessageContaining("'tq.test.cuont'")
                .hasMessageContaining("system property")
                .hasMessageContaining("supported keys")
                .hasMessageContaining("tq.test.name").hasMessageContaining("tq.wire.zero-copy")
                .hasMessageNotContaining("TQ_UNRELATED_TOOL");
        assertThat(c.unknownEnvironmentVariables(KNOWN)).as("the launcher's TQ_JAVA_OPTS is not reported")
                .containsExactly("TQ_UNRELATED_TOOL");
        assertThatThrownBy(() -> TqConfig.defaults().with("tq.nope", "1").validate(KNOWN))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'tq.nope' (from code)");
    }

    @Test
    void invalidValuesNameKeyValueSourceAndRule() {
        TqConfig c = TqConfig.load(Map.of("TQ_TEST_COUNT", "-3"), new Properties(), dir);
        assertThatThrownBy(() -> c.get(COUNT)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.test.count").hasMessageContaining("'-3'")
                .hasMessageContaining("TQ_TEST_COUNT").hasMessageContaining("must be positive");
        assertThatThrownBy(() -> c.validate(KNOWN)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.test.count");
        TqConfig bad = TqConfig.defaults().with("tq.test.wait", "soon");
        assertThatThrownBy(() -> bad.get(WAIT)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.test.wait = 'soon'").hasMessageContaining("(from code)");
        assertThatThrownBy(() -> TqConfig.defaults().with(COUNT, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> TqConfig.defaults().with(COUNT, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void typedValuesSetInCodeSurviveTheirTextForm() {
        Duration odd = Duration.ofNanos(1_500_000_123L);
        assertThat(TqConfig.defaults().with(WAIT, odd).get(WAIT)).isEqualTo(odd);
        assertThat(TqConfig.defaults().with(WAIT, Duration.ofMillis(250)).get(WAIT)).isEqualTo(Duration.ofMillis(250));
        assertThat(TqConfig.of(Map.of("tq.test.count", "9")).get(COUNT)).isEqualTo(9);
    }

    @Test
    void secretsPrintAsStars() throws IOException {
        writeFile("tq.test.password=hunter2");
        TqConfig c = TqConfig.load(Map.of(), new Properties(), dir);
        assertThat(c.get(PASSWORD)).isEqualTo("hunter2");
        String described = c.describe(KNOWN);
        assertThat(described).contains("tq.test.password = ****").doesNotContain("hunter2");
        assertThat(described).contains("tq.test.name = default (default)");
        assertThat(c.toString()).doesNotContain("hunter2").contains("****");
        assertThat(c.effectiveValues(KNOWN)).containsEntry("tq.test.password", "hunter2");
    }

    @Test
    void explicitAndRawValues() throws IOException {
        writeFile("tq.test.name=file");
        TqConfig c = TqConfig.load(Map.of("TQ_TEST_COUNT", "5"), props("tq.test.wait", "3s"), dir)
                .with("tq.storage.backend", "redis");
        assertThat(c.explicitValues()).containsOnlyKeys("tq.test.name", "tq.test.wait", "tq.storage.backend");
        assertThat(c.rawValue("tq.test.count")).isEqualTo("5");
        assertThat(c.rawValue("tq.test.name")).isEqualTo("file");
        assertThat(c.rawValue("tq.absent")).isNull();
        assertThat(c.get(CoreOptions.STORAGE_BACKEND)).isEqualTo("redis");
        assertThat(CoreOptions.all()).contains(CoreOptions.WIRE_ZERO_COPY, TqConfig.CONFIG_FILE);
    }

    @Test
    void configsDoNotShareState() {
        TqConfig a = TqConfig.defaults().with(NAME, "a");
        TqConfig b = TqConfig.defaults().with(NAME, "b");
        assertThat(a.get(NAME)).isEqualTo("a");
        assertThat(b.get(NAME)).isEqualTo("b");
        assertThat(TqConfig.defaults().isSet(NAME)).isFalse();
    }
}
