package io.transferqueue.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Checks, before the demo starts the redis backend, that a Redis server answers at a URI: a TCP connection and a
 * {@code PING}. So an unreachable server is one clear message instead of a backend timeout in the middle of a
 * step. Uses no Redis client: a short TCP probe with its own timeout.
 */
final class RedisProbe {
    static final int DEFAULT_PORT = 6379;

    private RedisProbe() {
    }

    /** Null if a server at {@code uri} answers; otherwise what went wrong. */
    static String problem(String uri, Duration timeout) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            return "not a valid URI (" + e.getMessage() + ")";
        }
        if (u.getHost() == null) {
            return "no host in the URI";
        }
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), port), millis);
            if ("rediss".equals(u.getScheme())) {
                return null; // TLS: a connection is all we check without a TLS handshake
            }
            s.setSoTimeout(millis);
            OutputStream o = s.getOutputStream();
            o.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            int first = in.read();
            if (first == '+' || first == '-') {
                // +PONG, or an error such as NOAUTH: either way a Redis server is there
                return null;
            }
            return first < 0 ? "the server closed the connection without answering PING"
                    : "the server's answer to PING is not Redis's";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }
}
