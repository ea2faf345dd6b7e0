/**
 * The self-describing wire format: a fixed header frame (magic, format version, encoding, message type,
 * request id), a msgpack envelope, and payload frames. Two encodings, {@code frames} (payloads sent
 * without copying) and {@code packed} (one frame); every decoder reads both. Java object serialization is
 * never used. Decoders check every length before allocating, refuse a batch whose fields share a payload
 * frame, and fail with {@link io.transferqueue.error.WireFormatException} on malformed input.
 */
package io.transferqueue.wire;
