package io.transferqueue.error;

import java.util.List;

/**
 * A {@link DataNotFoundException} of a key-value store that names the missing keys as data, so a caller maps
 * them back to cells without reading the message. {@link io.transferqueue.spi.KvStorageClient}s throw it for
 * keys they do not have.
 */
public class MissingKeysException extends DataNotFoundException {
    private static final long serialVersionUID = 1L;

    private final List<String> keys;

    /**
     * @param keys the keys that were not found (at least one)
     * @param message names them for people
     */
    public MissingKeysException(List<String> keys, String message) {
        super(message);
        this.keys = List.copyOf(keys);
    }

    /** The keys that were not found. */
    public List<String> keys() {
        return keys;
    }
}
