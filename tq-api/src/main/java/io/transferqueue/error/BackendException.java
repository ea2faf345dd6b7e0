package io.transferqueue.error;

/** A storage backend failed an operation it was able to attempt. The message carries the backend's own error. */
public class BackendException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "BACKEND";
    }
}
