package io.transferqueue.it.redis;

import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.backend.redis.RedisStorageFactory;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.ServiceRegistrationConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plugin smoke test: found by ServiceLoader as 'redis', one factory, options declared, create and close. */
class RedisServiceRegistrationIT extends ServiceRegistrationConformanceTest {
    @RegisterExtension
    static final SharedRedisServer SERVER = new SharedRedisServer();

    @Override
    protected String backendName() {
        return "redis";
    }

    @Override
    protected Class<? extends StorageManagerFactory> factoryClass() {
        return RedisStorageFactory.class;
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults().with(RedisOptions.URI, SERVER.uri());
    }
}
