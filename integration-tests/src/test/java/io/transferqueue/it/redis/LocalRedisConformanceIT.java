package io.transferqueue.it.redis;

import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.config.TqConfig;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The suite on a standalone {@code redis-server} from the PATH, started on a free loopback port with persistence
 * off. Skipped without one (failing under {@code CI=true}).
 */
class LocalRedisConformanceIT extends AbstractRedisConformanceIT {
    @RegisterExtension
    static final SharedRedisServer SERVER = new SharedRedisServer();

    @Override
    protected TqConfig redisConfig() {
        return TqConfig.defaults().with(RedisOptions.URI, SERVER.uri());
    }

    @Override
    protected boolean isCluster() {
        return false;
    }
}
