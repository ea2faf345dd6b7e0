package io.transferqueue.rpc;

import static java.util.Objects.requireNonNull;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.controller.ControllerApi;
import io.transferqueue.controller.KvRows;
import io.transferqueue.controller.ProduceNotice;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.FieldSchema;
import io.transferqueue.transport.Protocol;
import io.transferqueue.transport.RpcClient;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.WireMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@link ControllerApi} over the network: one long-lived connection to the controller, request ids, and a
 * deadline on every call ({@code tq.rpc.timeout}; a waiting fetch gets its wait on top). An unreachable or
 * restarted controller surfaces as {@link io.transferqueue.error.BackendUnavailableException}; calls work
 * again once it is back.
 */
public final class RemoteControllerApi implements ControllerApi {
    private final String address;
    private final RpcClient rpc;
    private final boolean ownsRpc;

    /**
     * @param ownsRpc close {@code rpc} with this API
     */
    public RemoteControllerApi(String address, RpcClient rpc, boolean ownsRpc) {
        this.address = requireNonNull(address, "address is null");
        this.rpc = requireNonNull(rpc, "rpc is null");
        this.ownsRpc = ownsRpc;
    }

    /** The controller's address. */
    public String address() {
        return address;
    }

    /** Checks the protocol version (refused with both versions named on mismatch). */
    public CompletableFuture<String> hello() {
        return rpc.hello(address, "client");
    }

    /** The configuration and storage topology the controller serves. */
    public CompletableFuture<Map<String, String>> servedConfig() {
        return call(Protocol.GET_CONFIG, Map.of(), b -> RpcCodecs.stringMap(b, "config"));
    }

    /** Registers a storage unit; returns its routing index. */
    public CompletableFuture<Integer> registerUnit(String unitAddress) {
        return call(Protocol.REGISTER_UNIT, Map.of("address", unitAddress),
                b -> (int) Envelope.getLong(b, "index"));
    }

    private <T> CompletableFuture<T> call(int type, Map<String, Object> body, Function<Map<String, Object>, T> decode) {
        return call(type, body, rpc.settings().timeout(), decode);
    }

    private <T> CompletableFuture<T> call(int type, Map<String, Object> body, Duration timeout,
            Function<Map<String, Object>, T> decode) {
        CompletableFuture<WireMessage> call = rpc.call(address, type, body, List.of(), timeout);
        CompletableFuture<T> out = call.thenApply((WireMessage r) -> decode.apply(r.body()));
        // cancelling the caller's future cancels the call, which tells the controller to stop (a parked fetch)
        out.whenComplete((v, t) -> {
            if (out.isCancelled()) {
                call.cancel(false);
            }
        });
        return out;
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public CompletableFuture<BatchMeta> getMeta(GetMetaRequest request) {
        return call(Protocol.GET_META, RpcCodecs.request(request), rpc.settings().timeout().plus(request.maxWait()),
                b -> RpcCodecs.meta(b, "meta"));
    }

    @Override
    public CompletableFuture<Void> notifyProduced(ProduceNotice notice) {
        return call(Protocol.NOTIFY, RpcCodecs.notice(notice), b -> null);
    }

    @Override
    public CompletableFuture<Map<String, boolean[]>> checkProduce(BatchMeta rows, Map<String, FieldSchema> schema) {
        return call(Protocol.CHECK_PRODUCE, RpcCodecs.checkProduce(rows, schema),
                b -> RpcCodecs.held(b, rows.size()));
    }

    @Override
    public CompletableFuture<BatchMeta> beginClear(BatchMeta rows) {
        return call(Protocol.BEGIN_CLEAR, body("rows", RpcCodecs.meta(rows)), b -> RpcCodecs.meta(b, "meta"));
    }

    @Override
    public CompletableFuture<Void> finishClear(BatchMeta rows) {
        return call(Protocol.FINISH_CLEAR, body("rows", RpcCodecs.meta(rows)), b -> null);
    }

    @Override
    public CompletableFuture<BatchMeta> beginClearPartition(String partition) {
        return call(Protocol.BEGIN_CLEAR_PARTITION, body("partition", partition), b -> RpcCodecs.meta(b, "meta"));
    }

    @Override
    public CompletableFuture<Void> finishClearPartition(String partition, BatchMeta rows) {
        return call(Protocol.FINISH_CLEAR_PARTITION, body("partition", partition, "rows", RpcCodecs.meta(rows)),
                b -> null);
    }

    @Override
    public CompletableFuture<Void> resetConsumption(String partition, String task) {
        return call(Protocol.RESET_CONSUMPTION, body("partition", partition, "task", task), b -> null);
    }

    @Override
    public CompletableFuture<List<String>> partitions() {
        return call(Protocol.PARTITIONS, Map.of(), b -> RpcCodecs.strings(b, "partitions"));
    }

    @Override
    public CompletableFuture<PartitionStats> stats(String partition) {
        return call(Protocol.STATS, body("partition", partition), RpcCodecs::stats);
    }

    @Override
    public CompletableFuture<Void> markComplete(String partition) {
        return call(Protocol.MARK_COMPLETE, body("partition", partition), b -> null);
    }

    @Override
    public CompletableFuture<Void> expectRows(String partition, long rows) {
        return call(Protocol.EXPECT_ROWS, body("partition", partition, "rows", rows), b -> null);
    }

    @Override
    public CompletableFuture<KvRows> kvPrepare(String partition, List<String> keys) {
        return call(Protocol.KV_PREPARE, body("partition", partition, "keys", new ArrayList<Object>(keys)),
                RpcCodecs::kvRows);
    }

    @Override
    public CompletableFuture<Void> kvAbort(BatchMeta rows) {
        return call(Protocol.KV_ABORT, body("rows", RpcCodecs.meta(rows)), b -> null);
    }

    @Override
    public CompletableFuture<KvRows> kvLookup(String partition, List<String> keys, List<String> fields,
            boolean commonOnly, boolean skipMissing) {
        return call(Protocol.KV_LOOKUP, body("partition", partition, "keys", new ArrayList<Object>(keys), "fields",
                fields == null ? null : new ArrayList<Object>(fields), "commonOnly", commonOnly, "skipMissing",
                skipMissing), RpcCodecs::kvRows);
    }

    @Override
    public CompletableFuture<KvRows> kvClearRows(String partition, List<String> keys) {
        return call(Protocol.KV_CLEAR_ROWS, body("partition", partition, "keys", new ArrayList<Object>(keys)),
                RpcCodecs::kvRows);
    }

    @Override
    public CompletableFuture<Map<String, Map<String, Object>>> kvList(String partition) {
        return call(Protocol.KV_LIST, body("partition", partition),
                b -> RpcCodecs.tagsByKey(Envelope.getMap(b, "keys")));
    }

    @Override
    public void close() {
        if (ownsRpc) {
            rpc.close();
        }
    }
}
