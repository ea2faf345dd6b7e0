package io.transferqueue.error;

/** A key, row or field that the caller asked for does not exist (never written, or cleared). The message names it. */
public class DataNotFoundException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public DataNotFoundException(String message) {
        super(message);
    }

    public DataNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "DATA_NOT_FOUND";
    }
}
