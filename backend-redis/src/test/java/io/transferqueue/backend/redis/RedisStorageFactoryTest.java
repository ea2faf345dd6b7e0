package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.TqConfig;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ConfigException;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManagerFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Discovery and creation failures; creating a working backend needs a server (see the integration tests). */
class RedisStorageFactoryTest {
    private final StorageContext context = StorageContext.of("test", getClass().getClassLoader());

    @Test
    void theFactoryIsFoundByServiceLoaderUnderItsName() {
        NamedPlugins<StorageManagerFactory> plugins = NamedPlugins.discover(StorageManagerFactory.class,
                getClass().getClassLoader(), "storage backend", StorageManagerFactory::name);

        assertThat(plugins.get("redis")).isExactlyInstanceOf(RedisStorageFactory.class);
        assertThat(plugins.duplicates()).doesNotContainKey("redis");
    }

    @Test
    void anUnknownOptionFailsBeforeConnecting() {
        assertThatThrownBy(() -> new RedisStorageFactory().create(TqConfig.defaults()
                .with("tq.storage.redis.url", "redis://x:1"), context)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.redis.url").hasMessageContaining("tq.storage.redis.uri");
    }

    @Test
    void noServerIsBackendUnavailableAndLeavesNoThreadsBehind() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TqConfig cfg = TqConfig.defaults().with(RedisOptions.URI, "redis://127.0.0.1:" + port)
                .with(RedisOptions.COMMAND_TIMEOUT, Duration.ofSeconds(2))
                .with(RedisOptions.PASSWORD, "hunter2");
        Set<Thread> before = tqRedisThreads();

        assertThatThrownBy(() -> new RedisStorageFactory().create(cfg, context))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageNotContaining("hunter2");

        for (Thread t : tqRedisThreads()) {
            if (!before.contains(t)) {
                t.join(10_000);
            }
        }
        Set<Thread> left = tqRedisThreads();
        left.removeAll(before);
        assertThat(left).as("threads of the failed backend").isEmpty();
    }

    private static Set<Thread> tqRedisThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("tq-redis-")) {
                out.add(t);
            }
        }
        return out;
    }
}
