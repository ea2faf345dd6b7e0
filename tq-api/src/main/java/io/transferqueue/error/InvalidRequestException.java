package io.transferqueue.error;

/** A request that can never succeed as written (missing task, unknown mode or sampler, batch size not a multiple of the group size, ...). Nothing was changed. */
public class InvalidRequestException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "INVALID_REQUEST";
    }
}
