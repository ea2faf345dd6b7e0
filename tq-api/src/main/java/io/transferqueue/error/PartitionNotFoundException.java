package io.transferqueue.error;

/** The named partition does not exist (it was never created, or it was cleared). */
public class PartitionNotFoundException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public PartitionNotFoundException(String message) {
        super(message);
    }

    public PartitionNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "PARTITION_NOT_FOUND";
    }
}
