/**
 * Request/response transport over ZeroMQ (jeromq) shared by clients, the controller server and storage-unit
 * servers: {@link io.transferqueue.transport.RpcServer} (ROUTER, one I/O thread) and
 * {@link io.transferqueue.transport.RpcClient} (one DEALER per peer, request ids, deadlines), speaking the
 * self-describing wire format of {@code io.transferqueue.wire} and the message types of
 * {@link io.transferqueue.transport.Protocol}.
 */
package io.transferqueue.transport;
