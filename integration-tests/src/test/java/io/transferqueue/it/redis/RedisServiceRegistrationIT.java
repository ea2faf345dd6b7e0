package io.transferqueue.it.redis;

import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.backend.redis.RedisStorageFactory;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.ServiceRegistrationConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The plugin smoke test: found by ServiceLoader as 'redis', one factory, options declared, create and close. */
class RedisServiceRegistrationIT extends ServiceRegistrationConformanceTest {
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
    protected String backendName() {
        return "redis";
    }

    @Override
    protected Class<? extends StorageManagerFactory> factoryClass() {
        return RedisStorageFactory.class;
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults().with(RedisOptions.URI, server.uri());
    }
}
