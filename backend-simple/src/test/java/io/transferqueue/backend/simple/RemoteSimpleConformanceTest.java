package io.transferqueue.backend.simple;

import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.spi.StorageManagerFactory;
import io.transferqueue.transport.RpcOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance kit against two storage-unit servers on loopback, reached over ZeroMQ. */
class RemoteSimpleConformanceTest extends StorageManagerConformanceTest {
    private static final List<SimpleUnitServer> SERVERS = new ArrayList<>();
    private static String units;

    @BeforeAll
    static void startUnits() {
        units = start(TqConfig.defaults());
    }

    private static synchronized String start(TqConfig unitConfig) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SimpleUnitServer s = SimpleUnitServer.start("tcp://127.0.0.1:0", unitConfig);
            SERVERS.add(s);
            addresses.add(s.endpoint());
        }
        return String.join(",", addresses);
    }

    @AfterAll
    static synchronized void stopUnits() {
        for (SimpleUnitServer s : SERVERS) {
            s.close();
        }
        SERVERS.clear();
    }

    @Override
    protected StorageManagerFactory factory() {
        return new SimpleStorageFactory();
    }

    @Override
    protected TqConfig config() {
        return TqConfig.defaults().with(SimpleStorageOptions.REMOTE_UNITS.key(), units)
                .with(RpcOptions.TIMEOUT, Duration.ofSeconds(10));
    }

    @Override
    protected TqConfig configWithCapacity(long rowsPerUnitOrTotal, DataSize bytes) {
        String limited = start(TqConfig.defaults().with(SimpleStorageOptions.CAPACITY_ROWS, rowsPerUnitOrTotal)
                .with(SimpleStorageOptions.CAPACITY_BYTES, bytes).with(SimpleStorageOptions.FULL_POLICY, FullPolicy.REJECT));
        return TqConfig.defaults().with(SimpleStorageOptions.REMOTE_UNITS.key(), limited)
                .with(RpcOptions.TIMEOUT, Duration.ofSeconds(10));
    }
}
