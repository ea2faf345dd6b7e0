package io.transferqueue.backend.simple;

import static java.util.Objects.requireNonNull;

import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageStats;
import io.transferqueue.transport.Protocol;
import io.transferqueue.transport.RpcOptions;
import io.transferqueue.transport.RpcServer;
import io.transferqueue.wire.BatchCodec;
import io.transferqueue.wire.BatchMetaCodec;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.WireLimits;
import io.transferqueue.wire.WireMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One storage unit as its own server ({@code tq storage-unit}): an in-process unit of the simple backend
 * behind a ZeroMQ ROUTER. Puts arrive with one frame per row and the unit keeps each received row as its
 * cell (no copy). Gets answer a field column of up to {@link UnitMessages#GATHER_LIMIT} bytes as one frame (its
 * rows gathered once) and a larger one as one frame per row, views of the stored cells: a frame of hundreds of MB
 * is written by the JDK at a fraction of the speed of its rows (see {@code docs/DESIGN.md}). Row frames stop at
 * {@link BatchCodec#ROW_FRAME_BUDGET} per message; columns past it are gathered too. Requests run
 * on a worker thread, so large copies never hold up the server's I/O thread. Capacity, generations and typed
 * errors are those of {@link SimpleStorageManager}.
 */
public final class SimpleUnitServer implements AutoCloseable {
    private final SimpleStorageManager unit;
    private final ExecutorService worker;
    private final RpcServer server;

    private SimpleUnitServer(String bind, TqConfig config) {
        SimpleStorageConfig c = SimpleStorageConfig.from(config.with(SimpleStorageOptions.UNITS, 1));
        this.unit = new SimpleStorageManager(c);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tq-simple-unit-server");
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = RpcServer.start("storage-unit", bind, RpcOptions.settings(config), this::handle);
        } catch (RuntimeException e) {
            worker.shutdownNow();
            unit.close();
            throw e;
        }
    }

    /**
     * Starts a unit on {@code bind} ({@code tcp://host:port}; port 0 picks one) with the capacity options of
     * {@code config} ({@code tq.storage.simple.capacity-*}, {@code full-policy}).
     */
    public static SimpleUnitServer start(String bind, TqConfig config) {
        return new SimpleUnitServer(requireNonNull(bind, "bind is null"), requireNonNull(config, "config is null"));
    }

    /** The address clients and the controller use. */
    public String endpoint() {
        return server.endpoint();
    }

    /** What the unit holds. */
    public StorageStats stats() {
        return unit.stats();
    }

    /** Payload bytes stored by copying (for tests: a remote put should adopt its frames instead). */
    long copiedBytes() {
        return unit.copiedBytes();
    }

    /** Payload bytes stored by keeping the received row frames. */
    long adoptedBytes() {
        return unit.adoptedBytes();
    }

    /** Messages that could not be decoded. */
    public long malformedMessages() {
        return server.malformedMessages();
    }

    private CompletableFuture<WireMessage> handle(WireMessage req) {
        return CompletableFuture.supplyAsync(() -> serve(req), worker).thenCompose(Function.identity());
    }

    private CompletableFuture<WireMessage> serve(WireMessage req) {
        Map<String, Object> b = req.body();
        switch (req.type()) {
            case Protocol.UNIT_PUT: {
                BatchMeta meta = BatchMetaCodec.decode(Envelope.getMap(b, "meta"), WireLimits.DEFAULT);
                Batch batch = BatchCodec.decode(Envelope.getMap(b, "batch"), req.payloads(), WireLimits.DEFAULT);
                long timeout = Envelope.getLong(b, "timeoutMillis");
                PutOptions options = PutOptions.defaults().withTransferOwnership()
                        .withTimeout(Duration.ofMillis(Math.max(0, timeout)));
                return unit.put(batch, meta, options).thenApply(r -> Protocol.reply(req, Map.of()));
            }
            case Protocol.UNIT_GET: {
                BatchMeta meta = BatchMetaCodec.decode(Envelope.getMap(b, "meta"), WireLimits.DEFAULT);
                return unit.get(meta, ReadOptions.zeroCopy()).thenApply(batch -> {
                    List<ByteBuffer> payloads = new ArrayList<>();
                    Map<String, Object> body = Map.of("batch",
                            BatchCodec.encode(batch, payloads, UnitMessages.GATHER_LIMIT));
                    return new WireMessage(req.type(), req.requestId(), 0, body, payloads);
                });
            }
            case Protocol.UNIT_CLEAR: {
                BatchMeta meta = BatchMetaCodec.decode(Envelope.getMap(b, "meta"), WireLimits.DEFAULT);
                return unit.clear(meta).thenApply(v -> Protocol.reply(req, Map.of()));
            }
            case Protocol.UNIT_STATS:
                return CompletableFuture.completedFuture(Protocol.reply(req, UnitMessages.stats(unit.stats())));
            default:
                throw new InvalidRequestException("a storage unit does not serve " + Protocol.name(req.type()));
        }
    }

    /** Stops serving and drops the stored rows. Idempotent. */
    @Override
    public void close() {
        server.close();
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        unit.close();
    }
}
