package io.transferqueue.it.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis client for test plumbing (is the server up, is the cluster ok): one command per connection,
 * replies read as text. Keeps server management independent of the client under test.
 */
final class Resp {
    private Resp() {
    }

    /**
     * Sends one command to 127.0.0.1:{@code port} and returns the reply as text (status, integer or bulk
     * string); an error reply is returned as {@code -ERR ...}.
     *
     * @throws IOException if nothing answers within a second
     */
    static String call(int port, String... args) throws IOException {
        return calls(port, List.of(args)).get(0);
    }

    /**
     * Sends the commands one after the other on one connection (e.g. AUTH, SELECT, then a command) and returns
     * every reply.
     */
    @SafeVarargs
    static List<String> calls(int port, List<String>... commands) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            List<String> replies = new ArrayList<>();
            for (List<String> args : commands) {
                StringBuilder sb = new StringBuilder().append('*').append(args.size()).append("\r\n");
                for (String a : args) {
                    byte[] b = a.getBytes(StandardCharsets.UTF_8);
                    sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
                }
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                replies.add(reply(in));
            }
            return replies;
        }
    }

    private static String reply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.startsWith("$")) {
            int n = Integer.parseInt(line.substring(1));
            if (n < 0) {
                return null;
            }
            byte[] body = in.readNBytes(n + 2);
            return new String(body, 0, n, StandardCharsets.UTF_8);
        }
        return line.startsWith("+") || line.startsWith(":") ? line.substring(1) : line;
    }

    /** True if the server on {@code port} answers (PONG, or an error such as NOAUTH when it wants a password). */
    static boolean isUp(int port) {
        try {
            String r = call(port, "PING");
            return "PONG".equals(r) || (r != null && r.startsWith("-NOAUTH"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed before a full reply");
            }
            if (prev == '\r' && c == '\n') {
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            b.write(c);
            prev = c;
        }
    }
}
