package io.transferqueue.error;

/**
 * Root of every error TransferQueue raises on purpose. Unchecked: callers catch the subtype they can
 * act on. A message says what was wrong, with the offending value, and what to do.
 *
 * <p>Each subtype has a stable {@link #code()} that the wire format carries, so an error raised in
 * another process is rethrown here as the same type.
 */
public class TransferQueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransferQueueException(String message) {
        super(message);
    }

    public TransferQueueException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Stable wire code of this error type; subclasses return their own. */
    public String code() {
        return "INTERNAL";
    }
}
