package io.transferqueue.error;

/** A row handle whose generation is older than the row's current one: the row was cleared (and possibly reused) after the metadata was taken. Nothing was read, written or cleared. */
public class StaleHandleException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public StaleHandleException(String message) {
        super(message);
    }

    public StaleHandleException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "STALE_HANDLE";
    }
}
