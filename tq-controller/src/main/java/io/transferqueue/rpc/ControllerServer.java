package io.transferqueue.rpc;

import static java.util.Objects.requireNonNull;

import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.config.TqConfig;
import io.transferqueue.controller.Controller;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.transport.Endpoints;
import io.transferqueue.transport.Protocol;
import io.transferqueue.transport.RpcOptions;
import io.transferqueue.transport.RpcServer;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.WireMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link Controller} over ZeroMQ: every operation of its in-process API, with typed errors carried
 * back; the merged configuration and the storage topology for clients that only know the address; and the
 * registration of remote storage units. Requests run on the server's I/O thread (controller operations never
 * block); a waiting fetch is answered when the controller completes it, so a slow consumer never delays a
 * producer's notify.
 */
public final class ControllerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);

    private final Controller controller;
    private final boolean ownsController;
    private final Map<String, String> servedConfig;
    private final int expectedUnits;
    private final List<String> units = new ArrayList<>();
    private final RpcServer server;

    private ControllerServer(Controller controller, boolean owns, TqConfig config, Map<String, String> servedConfig,
            String bind) {
        this.controller = requireNonNull(controller, "controller is null");
        this.ownsController = owns;
        this.servedConfig = Map.copyOf(servedConfig);
        this.expectedUnits = config.get(ServerOptions.STORAGE_UNITS);
        this.server = RpcServer.start("controller", bind, RpcOptions.settings(config), this::handle);
    }

    /**
     * Starts a server for {@code controller} on {@code bind}.
     *
     * @param servedConfig the configuration clients receive (their backend and its options)
     * @param ownsController close the controller with the server
     */
    public static ControllerServer start(Controller controller, boolean ownsController, TqConfig config,
            Map<String, String> servedConfig, String bind) {
        return new ControllerServer(controller, ownsController, config, servedConfig, Endpoints.check(bind));
    }

    /** The address clients connect to. */
    public String endpoint() {
        return server.endpoint();
    }

    public Controller controller() {
        return controller;
    }

    /** Registered storage units in routing order. */
    public synchronized List<String> units() {
        return List.copyOf(units);
    }

    /** Messages that could not be decoded. */
    public long malformedMessages() {
        return server.malformedMessages();
    }

    private CompletableFuture<WireMessage> handle(WireMessage req) {
        Map<String, Object> b = req.body();
        switch (req.type()) {
            case Protocol.GET_META: {
                GetMetaRequest r = RpcCodecs.request(b);
                CompletableFuture<io.transferqueue.meta.BatchMeta> fetch = controller.getMeta(r);
                CompletableFuture<WireMessage> answer = fetch.thenApply(m -> reply(req, "meta",
                        RpcCodecs.metaForClient(m)));
                // a client that gives up cancels the answer: stop the parked fetch so it consumes nothing later
                answer.whenComplete((v, t) -> {
                    if (answer.isCancelled()) {
                        fetch.cancel(false);
                    }
                });
                return answer;
            }
            case Protocol.NOTIFY:
                controller.notifyProduced(RpcCodecs.notice(b));
                return done(req, Map.of());
            case Protocol.CHECK_PRODUCE: {
                BatchMeta rows = RpcCodecs.meta(b, "rows");
                return done(req, RpcCodecs.held(controller.checkProduce(rows, RpcCodecs.schemaTypes(b))));
            }
            case Protocol.BEGIN_CLEAR:
                return done(req, Map.of("meta", RpcCodecs.meta(controller.beginClear(RpcCodecs.meta(b, "rows")))));
            case Protocol.FINISH_CLEAR:
                controller.finishClear(RpcCodecs.meta(b, "rows"));
                return done(req, Map.of());
            case Protocol.BEGIN_CLEAR_PARTITION:
                return done(req, Map.of("meta", RpcCodecs.meta(controller.beginClearPartition(
                        Envelope.getString(b, "partition")))));
            case Protocol.FINISH_CLEAR_PARTITION:
                controller.finishClearPartition(Envelope.getString(b, "partition"), RpcCodecs.meta(b, "rows"));
                return done(req, Map.of());
            case Protocol.RESET_CONSUMPTION:
                controller.resetConsumption(Envelope.getString(b, "partition"), Envelope.optString(b, "task", null));
                return done(req, Map.of());
            case Protocol.PARTITIONS:
                return done(req, Map.of("partitions", new ArrayList<Object>(controller.partitions())));
            case Protocol.STATS:
                return done(req, RpcCodecs.stats(controller.stats(Envelope.getString(b, "partition"))));
            case Protocol.MARK_COMPLETE:
                controller.markComplete(Envelope.getString(b, "partition"));
                return done(req, Map.of());
            case Protocol.EXPECT_ROWS:
                controller.expectRows(Envelope.getString(b, "partition"), Envelope.getLong(b, "rows"));
                return done(req, Map.of());
            case Protocol.KV_PREPARE:
                return done(req, RpcCodecs.kvRows(controller.kvPrepare(Envelope.getString(b, "partition"),
                        RpcCodecs.strings(b, "keys"))));
            case Protocol.KV_ABORT:
                controller.kvAbort(RpcCodecs.meta(b, "rows"));
                return done(req, Map.of());
            case Protocol.KV_CLEAR_ROWS:
                return done(req, RpcCodecs.kvRows(controller.kvClearRows(Envelope.getString(b, "partition"),
                        RpcCodecs.strings(b, "keys"))));
            case Protocol.KV_LOOKUP:
                return done(req, RpcCodecs.kvRows(controller.kvLookup(Envelope.getString(b, "partition"),
                        RpcCodecs.strings(b, "keys"), b.get("fields") == null ? null : RpcCodecs.strings(b, "fields"),
                        Envelope.getBoolean(b, "commonOnly"), Envelope.getBoolean(b, "skipMissing"))));
            case Protocol.KV_LIST: {
                Map<String, Object> keys = new LinkedHashMap<>(controller.kvList(Envelope.getString(b, "partition")));
                return done(req, Map.of("keys", keys));
            }
            case Protocol.GET_CONFIG:
                return done(req, config());
            case Protocol.REGISTER_UNIT:
                return done(req, register(Endpoints.check(Envelope.getString(b, "address"))));
            default:
                throw new InvalidRequestException("the controller does not serve " + Protocol.name(req.type()));
        }
    }

    private synchronized Map<String, Object> config() {
        if (units.size() < expectedUnits) {
            throw new BackendUnavailableException("waiting for storage units: " + units.size() + " of " + expectedUnits
                    + " registered");
        }
        Map<String, Object> cfg = new LinkedHashMap<>(servedConfig);
        if (!units.isEmpty()) {
            cfg.put("tq.storage.backend", "simple");
            cfg.put(ServerOptions.REMOTE_UNITS_KEY, String.join(",", units));
        }
        return Map.of("config", cfg, "units", new ArrayList<Object>(units));
    }

    private synchronized Map<String, Object> register(String address) {
        int index = units.indexOf(address);
        if (index < 0) {
            if (units.size() >= expectedUnits) {
                throw new InvalidRequestException("all " + expectedUnits + " storage unit slots are taken by " + units
                        + "; a replacement unit must use the address of the unit it replaces");
            }
            units.add(address);
            index = units.size() - 1;
            LOG.info("storage unit {} registered at {} ({} of {})", index, address, units.size(), expectedUnits);
        } else {
            LOG.info("storage unit {} at {} registered again", index, address);
        }
        return Map.of("index", (long) index, "units", new ArrayList<Object>(units));
    }

    private static WireMessage reply(WireMessage req, String key, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(key, value);
        return Protocol.reply(req, body);
    }

    private static CompletableFuture<WireMessage> done(WireMessage req, Map<String, Object> body) {
        return CompletableFuture.completedFuture(Protocol.reply(req, body));
    }

    /**
     * Closes the controller if owned, then stops serving. The owned controller goes first so that its parked
     * fetches fail with {@link io.transferqueue.error.ClosedException} and the server still sends those answers;
     * requests still running after that are answered with the same error by {@link RpcServer#close()}.
     * Idempotent.
     */
    @Override
    public void close() {
        try {
            if (ownsController) {
                controller.close();
            }
        } finally {
            server.close();
        }
    }
}
