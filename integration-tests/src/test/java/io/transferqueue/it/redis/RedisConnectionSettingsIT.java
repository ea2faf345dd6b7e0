package io.transferqueue.it.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.api.StatefulRedisConnection;
import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.backend.redis.RedisStorageFactory;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Password, ACL user and database against a server that requires authentication. */
class RedisConnectionSettingsIT {
    private static final String PASSWORD = "s3cret-default";
    private static final String APP_PASSWORD = "s3cret-app";
    private static RedisServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServer.start(LocalRedis.requireServer(), "--requirepass", PASSWORD,
                "--user", "app", "on", ">" + APP_PASSWORD, "~*", "+@all");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private static TqConfig base() {
        return TqConfig.defaults().with(RedisOptions.URI, server.uri());
    }

    private static StorageManager create(TqConfig cfg) {
        return new RedisStorageFactory().create(cfg, StorageContext.of("settings-it",
                RedisConnectionSettingsIT.class.getClassLoader()));
    }

    @Test
    void thePasswordAndTheDatabaseAreUsed() throws Exception {
        try (StorageManager m = create(base().with(RedisOptions.PASSWORD, PASSWORD).with(RedisOptions.DATABASE, 3))) {
            String key = roundTrip(m);

            @SuppressWarnings("unchecked")
            StatefulRedisConnection<String, ByteBuffer> c = m.unwrap(StatefulRedisConnection.class);
            assertThat(c.sync().exists(key)).as("the cell in database 3").isEqualTo(1L);
            assertThat(Resp.calls(server.port(), List.of("AUTH", PASSWORD), List.of("EXISTS", key)).get(1))
                    .as("the cell in database 0").isEqualTo("0");
            assertThat(Resp.calls(server.port(), List.of("AUTH", PASSWORD), List.of("SELECT", "3"),
                    List.of("EXISTS", key)).get(2)).as("the cell in database 3, seen from outside").isEqualTo("1");
        }
    }

    @Test
    void anAclUserAuthenticatesWithItsPassword() throws Exception {
        try (StorageManager m = create(base().with(RedisOptions.USERNAME, "app").with(RedisOptions.PASSWORD,
                APP_PASSWORD))) {
            roundTrip(m);
        }
    }

    @Test
    void aWrongOrMissingPasswordIsABackendErrorThatNeverShowsThePassword() {
        assertThatThrownBy(() -> create(base().with(RedisOptions.PASSWORD, "wrong-s3cret")))
                .isInstanceOf(BackendException.class)
                .isNotInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("WRONGPASS")
                .hasMessageNotContaining("wrong-s3cret");
        assertThatThrownBy(() -> create(base())).isInstanceOf(BackendException.class)
                .isNotInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("NOAUTH");
    }

    private static String roundTrip(StorageManager m) throws Exception {
        Batch batch = AbstractRedisConformanceIT.batchOf(4, 64, 3);
        BatchMeta rows = AbstractRedisConformanceIT.rows("settings-" + UUID.randomUUID(), 0, 4);
        BatchMeta meta = rows.withSchema(m.put(batch, rows, PutOptions.defaults()).get(30, TimeUnit.SECONDS).schema(),
                true);
        assertThat(m.get(meta, ReadOptions.copy()).get(30, TimeUnit.SECONDS)).isEqualTo(batch);
        return "tq:" + meta.partition(0) + "/0.0/payload";
    }
}
