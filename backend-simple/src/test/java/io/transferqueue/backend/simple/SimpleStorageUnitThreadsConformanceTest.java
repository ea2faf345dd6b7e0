package io.transferqueue.backend.simple;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;

/**
 * The conformance kit again with every request on the unit threads (threshold 0) and three units, so the
 * parallel path passes the same tests as the caller-thread path the small test data takes by default.
 */
class SimpleStorageUnitThreadsConformanceTest extends SimpleStorageConformanceTest {
    @Override
    protected TqConfig config() {
        return TqConfig.defaults().with(SimpleStorageOptions.UNITS, 3)
                .with(SimpleStorageOptions.PARALLEL_THRESHOLD, DataSize.ofBytes(0));
    }
}
