package io.transferqueue.backend.redis;

import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance kit on the real client over {@link FakeRedis} in cluster mode: the fake rejects any multi-key
 * command across hash slots (CROSSSLOT), as a cluster node does, so every test also checks the slot splitting.
 */
class FakeRedisClusterConformanceTest extends StorageManagerConformanceTest {
    private static final FakeRedisStorageFactory FACTORY = new FakeRedisStorageFactory(true);

    @AfterAll
    static void stop() {
        FACTORY.close();
    }

    @Override
    protected StorageManagerFactory factory() {
        return FACTORY;
    }

    @Override
    protected TqConfig config() {
        return FakeRedisConformanceTest.smallBatches();
    }
}
