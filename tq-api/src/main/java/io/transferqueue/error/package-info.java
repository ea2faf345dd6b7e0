/**
 * The typed errors of TransferQueue. Every intentional failure is a subclass of
 * {@link io.transferqueue.error.TransferQueueException} with a stable code that survives a process
 * boundary. Argument validation in the data model uses the JDK's {@link IllegalArgumentException}
 * and {@link IndexOutOfBoundsException}; over the wire those arrive as
 * {@link io.transferqueue.error.InvalidRequestException}.
 */
package io.transferqueue.error;
