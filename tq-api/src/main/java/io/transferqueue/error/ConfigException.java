package io.transferqueue.error;

/** A configuration key is unknown or a value breaks its option's rule. The message names the key, the value and the rule. */
public class ConfigException extends TransferQueueException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "CONFIG";
    }
}
