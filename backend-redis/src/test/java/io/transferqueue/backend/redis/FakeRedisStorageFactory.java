package io.transferqueue.backend.redis;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.KvStorageManager;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.time.Duration;
import java.util.List;

/**
 * The redis backend's real client and manager over a {@link FakeRedis} (not registered for discovery): the
 * conformance kit runs the client's logic (chunking, slot splitting, replies, errors) without a server.
 */
final class FakeRedisStorageFactory implements StorageManagerFactory, AutoCloseable {
    final FakeRedis redis = new FakeRedis();
    private final Timer timer = new HashedWheelTimer(r -> {
        Thread t = new Thread(r, "fake-redis-timer");
        t.setDaemon(true);
        return t;
    });

    FakeRedisStorageFactory(boolean cluster) {
        redis.cluster = cluster;
    }

    @Override
    public String name() {
        return "fake-redis";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return RedisOptions.all();
    }

    @Override
    public StorageManager create(TqConfig config, StorageContext context) {
        RedisConfig c = RedisConfig.from(config);
        return new KvStorageManager("redis", client(c), c.keyPrefix());
    }

    RedisKvStorageClient client(RedisConfig c) {
        return new RedisKvStorageClient(RedisConnections.wrap(redis.connection(), redis.cluster, "fake", timer,
                Duration.ofSeconds(5)), c);
    }

    @Override
    public void close() {
        timer.stop();
        redis.close();
    }
}
