package io.transferqueue.transport;

import io.transferqueue.error.Errors;
import io.transferqueue.error.TransferQueueException;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.WireMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Protocol constants shared by every peer: the protocol version checked by the {@link #HELLO} handshake, the
 * message type codes of the controller and storage-unit protocols, and the error body.
 */
public final class Protocol {
    /** Version of the request/response protocol (message types and bodies). */
    public static final int VERSION = 1;

    /** Handshake: body {@code {protocol, role}}; answered with the server's {@code {protocol, role}}. */
    public static final int HELLO = 1;

    /**
     * The caller gave up on its request {@code requestId} (body {@code {requestId}}): the server cancels the
     * request's future if it is still running (e.g. a parked fetch). Not answered.
     */
    public static final int CANCEL = 19;

    // controller protocol
    public static final int GET_META = 2;
    public static final int NOTIFY = 3;
    public static final int BEGIN_CLEAR = 4;
    public static final int FINISH_CLEAR = 5;
    public static final int BEGIN_CLEAR_PARTITION = 6;
    public static final int FINISH_CLEAR_PARTITION = 7;
    public static final int RESET_CONSUMPTION = 8;
    public static final int PARTITIONS = 9;
    public static final int STATS = 10;
    public static final int MARK_COMPLETE = 11;
    public static final int EXPECT_ROWS = 12;
    public static final int KV_PREPARE = 13;
    public static final int KV_ABORT = 14;
    public static final int KV_LOOKUP = 15;
    public static final int KV_LIST = 16;
    public static final int GET_CONFIG = 17;
    public static final int REGISTER_UNIT = 18;
    /** Checks rows and field types as a notify would, changing nothing (before a write replaces cells). */
    public static final int CHECK_PRODUCE = 20;
    /** Looks keys up for a clear, taking rows a failed clear left being cleared (so a retry completes it). */
    public static final int KV_CLEAR_ROWS = 21;

    // storage-unit protocol
    public static final int UNIT_PUT = 32;
    public static final int UNIT_GET = 33;
    public static final int UNIT_CLEAR = 34;
    public static final int UNIT_STATS = 35;

    private Protocol() {
    }

    /** A name for logs and errors. */
    public static String name(int type) {
        switch (type) {
            case HELLO: return "HELLO";
            case CANCEL: return "CANCEL";
            case GET_META: return "GET_META";
            case NOTIFY: return "NOTIFY";
            case BEGIN_CLEAR: return "BEGIN_CLEAR";
            case FINISH_CLEAR: return "FINISH_CLEAR";
            case BEGIN_CLEAR_PARTITION: return "BEGIN_CLEAR_PARTITION";
            case FINISH_CLEAR_PARTITION: return "FINISH_CLEAR_PARTITION";
            case RESET_CONSUMPTION: return "RESET_CONSUMPTION";
            case PARTITIONS: return "PARTITIONS";
            case STATS: return "STATS";
            case MARK_COMPLETE: return "MARK_COMPLETE";
            case EXPECT_ROWS: return "EXPECT_ROWS";
            case KV_PREPARE: return "KV_PREPARE";
            case KV_ABORT: return "KV_ABORT";
            case KV_LOOKUP: return "KV_LOOKUP";
            case KV_LIST: return "KV_LIST";
            case GET_CONFIG: return "GET_CONFIG";
            case REGISTER_UNIT: return "REGISTER_UNIT";
            case CHECK_PRODUCE: return "CHECK_PRODUCE";
            case KV_CLEAR_ROWS: return "KV_CLEAR_ROWS";
            case UNIT_PUT: return "UNIT_PUT";
            case UNIT_GET: return "UNIT_GET";
            case UNIT_CLEAR: return "UNIT_CLEAR";
            case UNIT_STATS: return "UNIT_STATS";
            default: return "TYPE_" + type;
        }
    }

    /** An error response to {@code requestType}/{@code requestId}. */
    public static WireMessage error(int requestType, long requestId, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message == null ? "" : message);
        return new WireMessage(requestType, requestId, WireMessage.FLAG_ERROR, body, List.of());
    }

    /** An error response carrying {@code t}'s type and message. */
    public static WireMessage error(WireMessage request, Throwable t) {
        String msg = t.getMessage() != null ? t.getMessage() : t.toString();
        return error(request.type(), request.requestId(), Errors.codeOf(t), msg);
    }

    /** The exception an error response carries, of its original type. */
    public static TransferQueueException exceptionOf(WireMessage response, String peer) {
        String code = Envelope.optString(response.body(), "code", "INTERNAL");
        String message = Envelope.optString(response.body(), "message", "");
        return Errors.fromCode(code, message + " [from " + peer + "]");
    }

    /** A success response with {@code body} and no payloads. */
    public static WireMessage reply(WireMessage request, Map<String, Object> body) {
        return WireMessage.of(request.type(), request.requestId(), body);
    }
}
