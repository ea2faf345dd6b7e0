package io.transferqueue.transport;

import io.transferqueue.error.ConfigException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks and formats ZeroMQ TCP endpoints, IPv6 included ({@code tcp://[::1]:5570}). */
public final class Endpoints {
    private static final Pattern TCP = Pattern.compile("tcp://(\\[[0-9a-fA-F:.%a-zA-Z]+\\]|[^:/\\[\\]]+):(\\d+|\\*)");

    private Endpoints() {
    }

    /**
     * Validates a {@code tcp://host:port} endpoint ({@code *} or 0 as port means "any free port" for binds).
     *
     * @throws ConfigException naming the address and the expected form
     */
    public static String check(String address) {
        if (address == null || !TCP.matcher(address.trim()).matches()) {
            throw new ConfigException("'" + address + "' is not a ZeroMQ TCP endpoint; expected tcp://host:port, e.g. "
                    + "tcp://127.0.0.1:5570 or tcp://[::1]:5570");
        }
        return address.trim();
    }

    /** True for an IPv6 literal host. */
    public static boolean isIpv6(String address) {
        Matcher m = TCP.matcher(address.trim());
        return m.matches() && m.group(1).startsWith("[");
    }

    /**
     * True if the endpoint's host is a wildcard ({@code 0.0.0.0}, {@code *}, {@code [::]}): a server can bind it,
     * but no peer can connect to it, so a server that tells others its address must name a real host instead.
     */
    public static boolean isWildcard(String address) {
        Matcher m = TCP.matcher(check(address));
        m.matches();
        String host = m.group(1);
        return host.equals("0.0.0.0") || host.equals("*") || host.equals("[::]") || host.equals("[0:0:0:0:0:0:0:0]");
    }

    /**
     * {@code endpoint} with its host replaced by {@code host} (a host name, an IPv4 address, or an IPv6 address
     * with or without brackets), for the address a server advertises to its peers.
     *
     * @throws ConfigException if {@code host} is empty, a wildcard, or does not make a valid endpoint
     */
    public static String withHost(String endpoint, String host) {
        Matcher m = TCP.matcher(check(endpoint));
        m.matches();
        String h = host == null ? "" : host.trim();
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        String out = "tcp://" + h + ":" + m.group(2);
        if (h.isEmpty() || !TCP.matcher(out).matches() || isWildcard(out)) {
            throw new ConfigException("'" + host + "' is not a host peers can connect to; expected a host name or "
                    + "address, e.g. node7.example.org, 10.0.0.7 or fd00::7");
        }
        return out;
    }

    /** The endpoint to bind: port {@code 0} becomes ZeroMQ's {@code *}. */
    static String bindForm(String address) {
        Matcher m = TCP.matcher(check(address));
        m.matches();
        String port = m.group(2).equals("0") ? "*" : m.group(2);
        return "tcp://" + m.group(1) + ":" + port;
    }

    /** A connectable endpoint from a bound one (wildcard hosts become loopback). */
    static String connectForm(String bound) {
        String s = bound.replace("tcp://0.0.0.0:", "tcp://127.0.0.1:").replace("tcp://*:", "tcp://127.0.0.1:");
        return s.replace("tcp://[::]:", "tcp://[::1]:");
    }
}
