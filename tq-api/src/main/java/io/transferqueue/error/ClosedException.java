package io.transferqueue.error;

/** The object was closed; no further operations are accepted. */
public class ClosedException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public ClosedException(String message) {
        super(message);
    }

    public ClosedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "CLOSED";
    }
}
