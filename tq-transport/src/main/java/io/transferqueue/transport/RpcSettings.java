package io.transferqueue.transport;

import static java.util.Objects.requireNonNull;

import io.transferqueue.wire.Encoding;
import java.time.Duration;

/**
 * Transport settings, from {@link RpcOptions}.
 *
 * @param timeout deadline of a call
 * @param maxFrameBytes largest accepted frame
 * @param highWaterMark messages queued per peer and direction
 * @param encoding how this process sends messages (peers read both)
 */
public record RpcSettings(Duration timeout, long maxFrameBytes, int highWaterMark, Encoding encoding) {
    public RpcSettings {
        requireNonNull(timeout, "timeout is null");
        requireNonNull(encoding, "encoding is null");
    }

    /**
     * Defaults: 30 s timeout, 2 GiB frames, HWM 1000, frames encoding. Dead peers are detected by call
     * deadlines, not ZMTP heartbeats (with jeromq 0.6.0 they lost the first message after a connect).
     */
    public static RpcSettings defaults() {
        return new RpcSettings(Duration.ofSeconds(30), 1L << 31, 1000, Encoding.FRAMES);
    }

    public RpcSettings withTimeout(Duration t) {
        return new RpcSettings(t, maxFrameBytes, highWaterMark, encoding);
    }

    public RpcSettings withEncoding(Encoding e) {
        return new RpcSettings(timeout, maxFrameBytes, highWaterMark, e);
    }
}
