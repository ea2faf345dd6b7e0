package io.transferqueue.it.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One standalone {@code redis-server} from the PATH for all tests of a class, started on a free loopback port
 * before the first and stopped after the last. Register it with {@code @RegisterExtension} on a static field;
 * without {@code redis-server} the class is skipped (failing under {@code CI=true}, see {@link LocalRedis}).
 */
final class SharedRedisServer implements BeforeAllCallback, AfterAllCallback {
    private RedisServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = RedisServer.start(LocalRedis.requireServer());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** {@code redis://127.0.0.1:port} of the running server. */
    String uri() {
        return running().uri();
    }

    /** The loopback port of the running server. */
    int port() {
        return running().port();
    }

    private RedisServer running() {
        if (server == null) {
            throw new IllegalStateException("the shared redis-server is not running (register this extension on a "
                    + "static field)");
        }
        return server;
    }
}
