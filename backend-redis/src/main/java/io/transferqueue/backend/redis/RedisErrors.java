package io.transferqueue.backend.redis;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.transferqueue.client.Futures;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.CapacityExceededException;
import io.transferqueue.error.TransferQueueException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * Turns what Lettuce and Netty throw into the typed errors of the storage SPI:
 * <ul>
 *   <li>no connection, a rejected command while disconnected, a timeout, a server that is loading, busy or a
 *       cluster that is down: {@link BackendUnavailableException} (retry later);
 *   <li>{@code OOM} (maxmemory reached): {@link CapacityExceededException};
 *   <li>any other error reply: {@link BackendException} carrying Redis's message.
 * </ul>
 * Messages name the server(s) and the operation, never a password.
 */
final class RedisErrors {
    private RedisErrors() {
    }

    /**
     * The typed error for a failed operation.
     *
     * @param where the server or cluster, for messages
     * @param what the operation, e.g. {@code put of 12 keys}
     */
    static TransferQueueException map(Throwable failure, String where, String what, Duration timeout) {
        Throwable t = unwrap(failure);
        if (t instanceof TransferQueueException tq) {
            return tq;
        }
        if (t instanceof RedisCommandTimeoutException) {
            return new BackendUnavailableException("redis at " + where + ": " + what + " got no reply within "
                    + timeout + " (tq.storage.redis.command-timeout); is the server up and reachable?", t);
        }
        if (t instanceof RedisBusyException || t instanceof RedisLoadingException) {
            return new BackendUnavailableException("redis at " + where + " cannot serve " + what + " now: "
                    + t.getMessage() + "; retry later", t);
        }
        if (t instanceof RedisCommandExecutionException) {
            String msg = String.valueOf(t.getMessage());
            if (msg.startsWith("OOM")) {
                return new CapacityExceededException("redis at " + where + " is full (maxmemory reached) during "
                        + what + ": " + msg + "; clear consumed rows, raise maxmemory or add cluster nodes", t);
            }
            if (msg.startsWith("CLUSTERDOWN") || msg.startsWith("TRYAGAIN") || msg.startsWith("MASTERDOWN")) {
                return new BackendUnavailableException("redis at " + where + " cannot serve " + what + " now: " + msg
                        + "; retry later", t);
            }
            return new BackendException("redis at " + where + " failed " + what + ": " + msg, t);
        }
        if (isConnectionFailure(t)) {
            return new BackendUnavailableException("redis at " + where + " is unavailable for " + what + ": "
                    + describe(t), t);
        }
        if (t instanceof CancellationException) {
            return new BackendUnavailableException("redis at " + where + ": " + what + " was cancelled", t);
        }
        return new BackendException("redis at " + where + " failed " + what + ": " + describe(t), t);
    }

    /** Connection-level failures: refused, reset, closed, rejected while disconnected. */
    static boolean isConnectionFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RedisConnectionException || c instanceof IOException
                    || c instanceof io.netty.channel.ChannelException) {
                return true;
            }
            if (c instanceof RedisException && !(c instanceof RedisCommandExecutionException)) {
                String m = String.valueOf(c.getMessage());
                if (m.startsWith("Currently not connected") || m.startsWith("Connection closed")
                        || m.startsWith("Connection is closed") || m.startsWith("Connection disconnected")
                        || m.startsWith("Cannot obtain initial Redis Cluster topology")
                        || m.startsWith("Cannot reload Redis Cluster topology")
                        || m.startsWith("No partition for slot")) {
                    return true;
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable t) {
        return Futures.cause(t);
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t && root.getMessage() != null && !sb.toString().contains(root.getMessage())) {
            sb.append(" (").append(root.getMessage()).append(')');
        }
        return sb.toString();
    }
}
