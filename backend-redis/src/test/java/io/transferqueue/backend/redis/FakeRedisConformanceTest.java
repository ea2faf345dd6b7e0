package io.transferqueue.backend.redis;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance kit on the real client over {@link FakeRedis} in standalone mode, with a tiny batch size so
 * that every test splits its calls into many pipelined commands. The same kit runs against real servers in the
 * integration tests.
 */
class FakeRedisConformanceTest extends StorageManagerConformanceTest {
    private static final FakeRedisStorageFactory FACTORY = new FakeRedisStorageFactory(false);

    @AfterAll
    static void stop() {
        FACTORY.close();
    }

    /** 1 KiB commands: almost every call of the kit becomes several pipelined commands. */
    static TqConfig smallBatches() {
        return TqConfig.defaults().with(RedisOptions.MAX_BATCH_SIZE, DataSize.ofKibibytes(1));
    }

    @Override
    protected StorageManagerFactory factory() {
        return FACTORY;
    }

    @Override
    protected TqConfig config() {
        return smallBatches();
    }
}
