package io.transferqueue.error;

/** A peer speaks another protocol or wire format version. The message names both versions. */
public class ProtocolVersionException extends WireFormatException {
    private static final long serialVersionUID = 1L;

    public ProtocolVersionException(String message) {
        super(message);
    }

    public ProtocolVersionException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "PROTOCOL_VERSION";
    }
}
