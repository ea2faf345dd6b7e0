package io.transferqueue.it.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.config.TqConfig;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The suite on {@code redis:7} in a container, when Docker is available; skipped as a whole otherwise (no
 * container API is touched outside this class).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerRedisConformanceIT extends AbstractRedisConformanceIT {
    @Container
    static final GenericContainer<?> REDIS = new GenericContainer<>(DockerImageName.parse("redis:7"))
            .withExposedPorts(6379)
            .withCommand("redis-server", "--save", "", "--appendonly", "no");

    @Override
    protected TqConfig redisConfig() {
        return TqConfig.defaults().with(RedisOptions.URI, "redis://" + REDIS.getHost() + ":" + REDIS.getMappedPort(6379));
    }

    @Override
    protected boolean isCluster() {
        return false;
    }

    /** The inherited suite talks to the container, which keeps nothing on disk (as the local-server variant). */
    @Test
    void theSuiteRunsAgainstTheContainerWithPersistenceOff() {
        RedisClient client = RedisClient.create(redisConfig().get(RedisOptions.URI));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
            assertThat(c.sync().configGet("appendonly")).containsEntry("appendonly", "no");
            assertThat(c.sync().configGet("save")).containsEntry("save", "");
        } finally {
            client.shutdown();
        }
    }
}
