package io.transferqueue.error;

/** A message could not be decoded: wrong magic, unsupported format version, truncated or inconsistent frames, limits exceeded. The message is dropped; nothing else is affected. */
public class WireFormatException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "WIRE_FORMAT";
    }
}
