package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.error.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedisConfigTest {

    @Test
    void defaultsAreOneLocalServerWithTheTqPrefix() {
        RedisConfig c = RedisConfig.from(TqConfig.defaults());

        assertThat(c.cluster()).isFalse();
        assertThat(c.nodes()).containsExactly(new RedisConfig.Endpoint("127.0.0.1", 6379, false));
        assertThat(c.database()).isZero();
        assertThat(c.keyPrefix()).isEqualTo("tq:");
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.ttl()).isNull();
        assertThat(c.maxBatchBytes()).isEqualTo(1L << 20);
        assertThat(c.username()).isNull();
        assertThat(c.password()).isNull();
    }

    @Test
    void everyOptionIsDeclaredOnceUnderTheBackendsPrefixWithADescriptionAndAValidDefault() {
        List<ConfigOption<?>> all = RedisOptions.all();

        assertThat(all).extracting(ConfigOption::key).doesNotHaveDuplicates()
                .allMatch(k -> k.startsWith("tq.storage.redis."));
        assertThat(all).allSatisfy(o -> assertThat(o.description()).as(o.key()).isNotBlank());
        assertThat(all).filteredOn(ConfigOption::isSecret).extracting(ConfigOption::key)
                .containsExactly("tq.storage.redis.password");
        assertThat(new RedisStorageFactory().options()).isEqualTo(all);
    }

    @Test
    void clusterNodesSelectClusterMode() {
        RedisConfig c = RedisConfig.from(TqConfig.defaults().with(RedisOptions.CLUSTER_NODES.key(),
                "redis://10.0.0.1:7000, redis://10.0.0.2 ,rediss://[::1]:7002"));

        assertThat(c.cluster()).isTrue();
        assertThat(c.nodes()).containsExactly(new RedisConfig.Endpoint("10.0.0.1", 7000, false),
                new RedisConfig.Endpoint("10.0.0.2", 6379, false), new RedisConfig.Endpoint("::1", 7002, true));
        assertThat(c.nodes().get(2)).hasToString("rediss://[::1]:7002");
    }

    @Test
    void settingBothUriAndClusterNodesIsRejected() {
        TqConfig cfg = TqConfig.defaults().with(RedisOptions.URI, "redis://a:1")
                .with(RedisOptions.CLUSTER_NODES, List.of("redis://b:2"));

        assertThatThrownBy(() -> RedisConfig.from(cfg)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.redis.uri").hasMessageContaining("tq.storage.redis.cluster-nodes");
    }

    @Test
    void theDatabaseComesFromTheUriPathOrTheOptionAndTheyMustAgree() {
        assertThat(RedisConfig.from(TqConfig.defaults().with(RedisOptions.URI, "redis://h:1/3")).database()).isEqualTo(3);
        assertThat(RedisConfig.from(TqConfig.defaults().with(RedisOptions.DATABASE, 5)).database()).isEqualTo(5);
        assertThat(RedisConfig.from(TqConfig.defaults().with(RedisOptions.URI, "redis://h:1/3")
                .with(RedisOptions.DATABASE, 3)).database()).isEqualTo(3);
        assertThatThrownBy(() -> RedisConfig.from(TqConfig.defaults().with(RedisOptions.URI, "redis://h:1/3")
                .with(RedisOptions.DATABASE, 4))).isInstanceOf(ConfigException.class).hasMessageContaining("database 3");
    }

    @Test
    void aClusterHasOnlyDatabaseZero() {
        assertThatThrownBy(() -> RedisConfig.from(TqConfig.defaults()
                .with(RedisOptions.CLUSTER_NODES, List.of("redis://h:7000")).with(RedisOptions.DATABASE, 1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database 0");
        assertThatThrownBy(() -> RedisConfig.from(TqConfig.defaults()
                .with(RedisOptions.CLUSTER_NODES, List.of("redis://h:7000/2"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://:hunter2@h:6379", "redis://user:hunter2@h:6379", "rediss://hunter2@h"})
    void credentialsInAUriAreRejectedWithoutEchoingThem(String uri) {
        assertThatThrownBy(() -> RedisConfig.from(TqConfig.defaults().with(RedisOptions.URI, uri)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.redis.password")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisConfig.from(TqConfig.defaults().with(RedisOptions.CLUSTER_NODES.key(), uri)))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tq.storage.redis.uri|http://h:1|redis://",
        "tq.storage.redis.uri|redis://|is invalid",
        "tq.storage.redis.uri|redis://h:1/x|database number",
        "tq.storage.redis.uri|redis://h:1?timeout=5|query",
        "tq.storage.redis.uri|'  '|must not be blank",
        "tq.storage.redis.cluster-nodes|','|at least one",
        "tq.storage.redis.command-timeout|0s|must be positive",
        "tq.storage.redis.command-timeout|soon|not a valid duration",
        "tq.storage.redis.ttl|0ms|at least 1ms",
        "tq.storage.redis.max-batch-size|512|between 1KiB and 1GiB",
        "tq.storage.redis.max-batch-size|2GiB|between 1KiB and 1GiB",
        "tq.storage.redis.database|-1|must not be negative",
        "tq.storage.redis.key-prefix|tq:{job7}:|hash tag",
        "tq.storage.redis.tls|maybe|true or false",
    })
    void invalidValuesAreRejectedNamingTheKeyAndTheRule(String key, String value, String rule) {
        TqConfig cfg = TqConfig.defaults().with(key, value);

        assertThatThrownBy(() -> RedisConfig.from(cfg)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(rule);
    }

    @Test
    void unknownKeysOfThisBackendAreRejectedListingTheSupportedOnes() {
        TqConfig cfg = TqConfig.defaults().with("tq.storage.redis.comand-timeout", "5s")
                .with("tq.storage.rocksdb.path", "/elsewhere");

        assertThatThrownBy(() -> RedisConfig.from(cfg)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.redis.comand-timeout")
                .hasMessageContaining("tq.storage.redis.command-timeout")
                .hasMessageNotContaining("rocksdb");
    }

    @Test
    void aUsernameNeedsAPassword() {
        assertThatThrownBy(() -> RedisConfig.from(TqConfig.defaults().with(RedisOptions.USERNAME, "app")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tq.storage.redis.password");
    }

    @Test
    void thePasswordIsNeverPrinted() {
        TqConfig cfg = TqConfig.of(Map.of("tq.storage.redis.password", "hunter2", "tq.storage.redis.username", "app"));
        RedisConfig c = RedisConfig.from(cfg);

        assertThat(c.password()).isEqualTo("hunter2");
        assertThat(c.toString()).contains("password ****").contains("username app").doesNotContain("hunter2");
        assertThat(cfg.describe(RedisOptions.all())).contains("tq.storage.redis.password = ****")
                .doesNotContain("hunter2");
        assertThat(RedisOptions.PASSWORD.display("hunter2")).isEqualTo("****");
        RedisURI uri = c.redisUri(c.nodes().get(0));
        assertThat(uri.toString()).doesNotContain("hunter2");
        assertThat(uri.getCredentialsProvider().resolveCredentials().block().getPassword()).isEqualTo("hunter2".toCharArray());
    }

    @Test
    void tlsIsOnForRedissUrisOrWhenTheOptionSaysSo() {
        assertThat(RedisConfig.from(TqConfig.defaults().with(RedisOptions.URI, "rediss://h:1")).nodes().get(0).tls())
                .isTrue();
        assertThat(RedisConfig.from(TqConfig.defaults().with(RedisOptions.TLS, true)).nodes().get(0).tls()).isTrue();
        RedisConfig c = RedisConfig.from(TqConfig.defaults().with(RedisOptions.TLS, true));
        assertThat(c.redisUri(c.nodes().get(0)).isSsl()).isTrue();
        assertThat(RedisConfig.from(TqConfig.defaults()).nodes().get(0).tls()).isFalse();
    }

    @Test
    void theLettuceUriCarriesDatabaseTimeoutAndClientName() {
        RedisConfig c = RedisConfig.from(TqConfig.defaults().with(RedisOptions.URI, "redis://example:6380/2")
                .with(RedisOptions.COMMAND_TIMEOUT, Duration.ofMillis(1500)));
        RedisURI uri = c.redisUri(c.nodes().get(0));

        assertThat(uri.getHost()).isEqualTo("example");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(uri.getClientName()).isEqualTo("transferqueue");
    }

    @Test
    void optionalSettingsAreRead() {
        RedisConfig c = RedisConfig.from(TqConfig.defaults().with(RedisOptions.TTL, Duration.ofMinutes(5))
                .with(RedisOptions.MAX_BATCH_SIZE, DataSize.ofMebibytes(16)).with(RedisOptions.KEY_PREFIX, "")
                .with(RedisOptions.COMMAND_TIMEOUT, Duration.ofSeconds(2)));

        assertThat(c.ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.maxBatchBytes()).isEqualTo(16L << 20);
        assertThat(c.keyPrefix()).isEmpty();
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    }
}
