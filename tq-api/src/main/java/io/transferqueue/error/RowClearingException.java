package io.transferqueue.error;

/** The rows are being cleared: they can no longer be produced into or read. */
public class RowClearingException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public RowClearingException(String message) {
        super(message);
    }

    public RowClearingException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "ROW_CLEARING";
    }
}
