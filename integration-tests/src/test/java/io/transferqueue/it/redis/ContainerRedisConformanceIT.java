package io.transferqueue.it.redis;

import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.config.TqConfig;
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
}
