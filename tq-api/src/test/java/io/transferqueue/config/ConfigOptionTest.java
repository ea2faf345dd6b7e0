package io.transferqueue.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.error.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigOptionTest {
    enum Mode {
        BLOCK, NON_BLOCKING
    }

    private static final ConfigOption<Duration> TIMEOUT = ConfigOption.key("tq.test.timeout").durationType()
            .defaultValue(Duration.ofSeconds(30)).validate(d -> !d.isNegative() && !d.isZero(), "must be positive")
            .description("a timeout");

    @ParameterizedTest
    @CsvSource({"30s, PT30S", "30, PT30S", "500ms, PT0.5S", "2m, PT2M", "2min, PT2M", "1h, PT1H", "PT45S, PT45S",
        "pt1m30s, PT1M30S", "P1D, PT24H", "250us, PT0.00025S", "7ns, PT0.000000007S", " 5 s , PT5S"})
    void parsesDurations(String text, String iso) {
        assertThat(ConfigOption.parseDuration(text.trim())).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "-5s", "5 days", "1.5s", "PTxS", "99999999999999999999s"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> ConfigOption.parseDuration(text)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> TIMEOUT.parse(text, "test")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.test.timeout").hasMessageContaining("'" + text + "'")
                .hasMessageContaining("duration");
    }

    @Test
    void printedDurationsParseBackToTheSameValue() {
        for (Duration d : List.of(Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(1500), Duration.ofSeconds(59),
                Duration.ofMinutes(3), Duration.ofHours(26), Duration.ofNanos(500_000), Duration.ofNanos(1),
                Duration.ofSeconds(1, 1), Duration.ofMillis(-1500), Duration.ofSeconds(Long.MAX_VALUE / 4),
                Duration.ofDays(3))) {
            String text = ConfigOption.printDuration(d);
            assertThat(ConfigOption.parseDuration(text)).as("%s printed as %s", d, text).isEqualTo(d);
        }
        assertThat(ConfigOption.printDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigOption.printDuration(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(ConfigOption.printDuration(Duration.ofMillis(250))).isEqualTo("250ms");
    }

    @Test
    void invalidValueMessagesNameKeyValueSourceAndRule() {
        assertThatThrownBy(() -> TIMEOUT.parse("0s", "file x.properties"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.test.timeout").hasMessageContaining("'0ms'")
                .hasMessageContaining("file x.properties").hasMessageContaining("must be positive");
        ConfigOption<Integer> port = ConfigOption.key("tq.test.port").intType().defaultValue(1)
                .validate(p -> p > 0 && p < 65536, "must be in [1, 65535]").description("a port");
        assertThatThrownBy(() -> port.parse("70000", "code")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.test.port = '70000'").hasMessageContaining("[1, 65535]");
        assertThatThrownBy(() -> port.parse("seven", "code")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.test.port = 'seven'").hasMessageContaining("not a valid int");
        assertThat(port.parse(" 8080 ", "code")).isEqualTo(8080);
    }

    @Test
    void booleansEnumsAndLists() {
        ConfigOption<Boolean> flag = ConfigOption.key("tq.test.flag").booleanType().defaultValue(false)
                .description("a flag");
        for (String t : List.of("true", "YES", "on", "1")) {
            assertThat(flag.parse(t, "t")).isTrue();
        }
        for (String t : List.of("false", "No", "off", "0")) {
            assertThat(flag.parse(t, "t")).isFalse();
        }
        assertThatThrownBy(() -> flag.parse("maybe", "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'maybe'");
        ConfigOption<Mode> mode = ConfigOption.key("tq.test.mode").enumType(Mode.class).defaultValue(Mode.BLOCK)
                .description("m");
        assertThat(mode.parse("non-blocking", "t")).isEqualTo(Mode.NON_BLOCKING);
        assertThat(mode.parse("NON_BLOCKING", "t")).isEqualTo(Mode.NON_BLOCKING);
        assertThat(mode.print(Mode.NON_BLOCKING)).isEqualTo("non-blocking");
        assertThat(mode.typeName()).isEqualTo("block | non-blocking");
        assertThatThrownBy(() -> mode.parse("fast", "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("block | non-blocking");
        ConfigOption<List<String>> list = ConfigOption.key("tq.test.list").listType().defaultValue(List.of())
                .description("l");
        assertThat(list.parse(" a, ,b ,", "t")).containsExactly("a", "b");
    }

    @Test
    void keysMustFollowTheNamingRule() {
        for (String bad : List.of("storage.backend", "tq.Storage", "tq..x", "tq.a_b", "tq.", "tq.a-", "TQ.x")) {
            assertThatThrownBy(() -> ConfigOption.key(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
        assertThat(ConfigOption.key("tq.storage.redis.command-timeout").stringType().description("d").envName())
                .isEqualTo("TQ_STORAGE_REDIS_COMMAND_TIMEOUT");
        assertThatThrownBy(() -> ConfigOption.key("tq.x").intType().defaultValue(-1).validate(i -> i > 0, "positive")
                .description("d")).isInstanceOf(IllegalStateException.class).hasMessageContaining("tq.x");
    }

    @Test
    void secretsNeverPrint() {
        ConfigOption<String> pw = ConfigOption.key("tq.test.password").stringType().noDefaultValue().secret()
                .validate(s -> s.length() >= 4, "at least 4 characters").description("pw");
        assertThat(pw.display("hunter2")).isEqualTo("****");
        assertThat(pw.display(null)).isEqualTo("(unset)");
        assertThatThrownBy(() -> pw.parse("abc", "code")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("****").hasMessageNotContaining("abc");
        ConfigOption<Integer> pin = ConfigOption.key("tq.test.pin").intType().noDefaultValue().secret()
                .description("pin");
        assertThatThrownBy(() -> pin.parse("12x4", "code")).isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("12x4").hasMessageContaining("tq.test.pin");
    }
}
