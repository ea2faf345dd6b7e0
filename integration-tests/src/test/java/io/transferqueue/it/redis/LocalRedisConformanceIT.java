package io.transferqueue.it.redis;

import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.config.TqConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The suite on a standalone {@code redis-server} from the PATH, started on a free loopback port with persistence
 * off. Skipped without one (failing under {@code CI=true}).
 */
class LocalRedisConformanceIT extends AbstractRedisConformanceIT {
    private static RedisServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServer.start(LocalRedis.requireServer());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    protected TqConfig redisConfig() {
        return TqConfig.defaults().with(RedisOptions.URI, server.uri());
    }

    @Override
    protected boolean isCluster() {
        return false;
    }
}
