package io.transferqueue.it.redis;

import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.config.TqConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The suite on a Redis Cluster of three masters started on loopback ports from the {@code redis-server} and
 * {@code redis-cli} on the PATH. Skipped without them (failing under {@code CI=true}).
 */
class LocalRedisClusterConformanceIT extends AbstractRedisConformanceIT {
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisCluster.start(LocalRedis.requireServer(), LocalRedis.requireCli());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    protected TqConfig redisConfig() {
        // one seed is enough: the client discovers the others
        return TqConfig.defaults().with(RedisOptions.CLUSTER_NODES, List.of(cluster.masters().get(0).uri()));
    }

    @Override
    protected boolean isCluster() {
        return true;
    }
}
