package io.transferqueue.error;

/** An operation did not complete within its deadline. Whether it took effect is unknown unless the operation says otherwise. */
public class DeadlineExceededException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(String message) {
        super(message);
    }

    public DeadlineExceededException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "DEADLINE_EXCEEDED";
    }
}
