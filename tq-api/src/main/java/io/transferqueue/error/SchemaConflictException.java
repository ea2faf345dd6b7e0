package io.transferqueue.error;

/** Data whose dtype or kind contradicts what was already produced for the same field. Nothing was changed. */
public class SchemaConflictException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public SchemaConflictException(String message) {
        super(message);
    }

    public SchemaConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "SCHEMA_CONFLICT";
    }
}
