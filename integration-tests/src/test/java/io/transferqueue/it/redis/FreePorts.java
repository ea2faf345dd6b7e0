package io.transferqueue.it.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on the loopback interface (another process may still take one before the server binds it). */
final class FreePorts {
    private FreePorts() {
    }

    /** A free loopback port; with {@code clusterBus}, port + 10000 (the cluster bus) is free as well. */
    static int redisPort(boolean clusterBus) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = clusterBus ? ThreadLocalRandom.current().nextInt(20000, 50000) : ephemeral();
            if (isFree(port) && (!clusterBus || isFree(port + 10000))) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found");
    }

    private static int ephemeral() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback socket: " + e, e);
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
