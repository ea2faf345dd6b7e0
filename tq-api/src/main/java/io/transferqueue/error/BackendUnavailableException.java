package io.transferqueue.error;

/** A storage backend, storage unit or the controller could not be reached within the deadline. The message names the peer; the operation may be retried. */
public class BackendUnavailableException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "BACKEND_UNAVAILABLE";
    }
}
