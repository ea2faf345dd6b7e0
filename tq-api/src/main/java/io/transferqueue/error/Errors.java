package io.transferqueue.error;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * Maps the stable {@link TransferQueueException#code() codes} back to exception types, so an error
 * that crossed a process boundary is rethrown as the type it was raised as.
 */
public final class Errors {
    private static final Map<String, BiFunction<String, Throwable, TransferQueueException>> BY_CODE = Map.ofEntries(
            Map.entry("STALE_HANDLE", StaleHandleException::new),
            Map.entry("PARTITION_NOT_FOUND", PartitionNotFoundException::new),
            Map.entry("BACKEND_UNAVAILABLE", BackendUnavailableException::new),
            Map.entry("CAPACITY_EXCEEDED", CapacityExceededException::new),
            Map.entry("WIRE_FORMAT", WireFormatException::new),
            Map.entry("PROTOCOL_VERSION", ProtocolVersionException::new),
            Map.entry("CONFIG", ConfigException::new),
            Map.entry("INVALID_REQUEST", InvalidRequestException::new),
            Map.entry("DATA_NOT_FOUND", DataNotFoundException::new),
            Map.entry("SCHEMA_CONFLICT", SchemaConflictException::new),
            Map.entry("ROW_CLEARING", RowClearingException::new),
            Map.entry("DEADLINE_EXCEEDED", DeadlineExceededException::new),
            Map.entry("BACKEND", BackendException::new),
            Map.entry("CLOSED", ClosedException::new));

    private Errors() {
    }

    /**
     * Rebuilds an exception from its wire code and message. An unknown code (a newer peer) becomes a
     * plain {@link TransferQueueException} whose message keeps the code.
     */
    public static TransferQueueException fromCode(String code, String message) {
        BiFunction<String, Throwable, TransferQueueException> factory = BY_CODE.get(code);
        if (factory == null) {
            return new TransferQueueException("[" + code + "] " + message);
        }
        return factory.apply(message, null);
    }

    /**
     * The code to send for any throwable: a {@link TransferQueueException} keeps its own; JDK
     * argument errors (bad input caught by validation in the data model) become INVALID_REQUEST;
     * anything else is INTERNAL.
     */
    public static String codeOf(Throwable t) {
        if (t instanceof TransferQueueException e) {
            return e.code();
        }
        if (t instanceof IllegalArgumentException || t instanceof IndexOutOfBoundsException) {
            return "INVALID_REQUEST";
        }
        return "INTERNAL";
    }
}
