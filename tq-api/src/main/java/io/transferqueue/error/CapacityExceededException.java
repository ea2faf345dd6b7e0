package io.transferqueue.error;

/** A storage capacity limit (rows or bytes) was reached and the configured policy rejects, or a blocking put ran past its deadline. Nothing was written. */
public class CapacityExceededException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public CapacityExceededException(String message) {
        super(message);
    }

    public CapacityExceededException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "CAPACITY_EXCEEDED";
    }
}
