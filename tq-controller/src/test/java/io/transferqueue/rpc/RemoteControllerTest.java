package io.transferqueue.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.TransferQueue;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.KvGetOptions;
import io.transferqueue.config.TqConfig;
import io.transferqueue.controller.Controller;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.PartitionNotFoundException;
import io.transferqueue.error.RowClearingException;
import io.transferqueue.error.SchemaConflictException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.transport.Protocol;
import io.transferqueue.transport.RpcClient;
import io.transferqueue.transport.RpcOptions;
import io.transferqueue.wire.WireMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class RemoteControllerTest {
    private final String store = UUID.randomUUID().toString();

    private Map<String, String> served() {
        return Map.of("tq.storage.backend", "test-shared-memory", "tq.storage.test-shared-memory.name", store);
    }

    private ControllerServer server(String bind) {
        TqConfig cfg = TqConfig.defaults().with(RpcOptions.TIMEOUT, Duration.ofSeconds(5));
        return ControllerServer.start(Controller.create(cfg), true, cfg, served(), bind);
    }

    private static TransferQueue client(String address) {
        return TransferQueue.builder().config(TqConfig.defaults().with(RpcOptions.TIMEOUT, Duration.ofSeconds(2)))
                .connect(address);
    }

    private static Batch batch(int rows, int seed) {
        float[] v = new float[rows * 4];
        Random r = new Random(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return Batch.builder().dense("x", Tensor.of(v, rows, 4)).objects("uid",
                java.util.stream.IntStream.range(0, rows).mapToObj(i -> "u" + seed + "-" + i).toList()).build();
    }

    @Test
    void aClientThatKnowsOnlyTheAddressPutsFetchesReadsAndClears() {
        try (ControllerServer server = server("tcp://127.0.0.1:0");
                TransferQueue producer = client(server.endpoint());
                TransferQueue consumer = client(server.endpoint())) {
            assertThat(producer.config().sourceOf(io.transferqueue.config.CoreOptions.STORAGE_BACKEND))
                    .contains("controller");
            Batch data = batch(6, 1);
            BatchMeta put = producer.sync().put("p", data, java.util.Collections.nCopies(6, Map.of("v", 1)));
            BatchMeta got = consumer.sync().getMeta(GetMetaRequest.fetch("p", "t", List.of("x", "uid"), 6));
            assertThat(got.handles()).isEqualTo(put.handles());
            assertThat(got.tags(3)).containsEntry("v", 1L);
            assertThat(consumer.sync().get(got)).isEqualTo(data);
            assertThat(consumer.sync().stats("p").consumedPerTask()).containsEntry("t", 6L);
            assertThat(consumer.sync().partitions()).containsExactly("p");
            consumer.sync().kvBatchPut("kv", List.of("a", "b"), batch(2, 2), null);
            assertThat(producer.sync().kvBatchGet("kv", List.of("b"), KvGetOptions.strict()).batch().size()).isEqualTo(1);
            assertThat(producer.sync().kvList("kv")).containsOnlyKeys("a", "b");
            producer.sync().clearPartition("p");
            assertThatThrownBy(() -> consumer.sync().stats("p")).isInstanceOf(PartitionNotFoundException.class);
        }
    }

    @Test
    void aKvClearOverTheWireCompletesAClearWhoseDeletionFailed() {
        TqConfig cfg = TqConfig.defaults().with(RpcOptions.TIMEOUT, Duration.ofSeconds(5));
        Controller ctl = Controller.create(cfg);
        try (ControllerServer server = ControllerServer.start(ctl, true, cfg, served(), "tcp://127.0.0.1:0");
                TransferQueue c = client(server.endpoint())) {
            c.sync().kvPut("kv", "a", batch(1, 1), null);
            // the first step of a clear whose storage deletion then failed: the key stays being cleared
            ctl.beginClear(ctl.kvLookup("kv", List.of("a"), null, false, false).meta());
            assertThatThrownBy(() -> c.sync().kvBatchGet("kv", List.of("a"), KvGetOptions.strict()))
                    .isInstanceOf(RowClearingException.class);

            c.sync().kvClear("kv", List.of("a"));

            assertThat(c.sync().stats("kv").rows()).isZero();
            assertThat(c.sync().kvList("kv")).isEmpty();
        }
    }

    @Test
    void typedErrorsCrossTheWireAndTheServerKeepsServing() {
        try (ControllerServer server = server("tcp://127.0.0.1:0"); TransferQueue c = client(server.endpoint())) {
            BatchMeta rows = c.sync().put("p", batch(2, 1));
            assertThatThrownBy(() -> c.sync().getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1).withSampler("x")))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("sequential");
            Batch ints = Batch.builder().dense("x", Tensor.of(new int[8], 2, 4)).build();
            assertThatThrownBy(() -> c.sync().put(ints, rows)).isInstanceOf(SchemaConflictException.class);
            assertThat(c.sync().getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 2)).size()).isEqualTo(2);
        }
    }

    @Test
    void aRewriteTheControllerRefusesIsCheckedOverTheWireBeforeAnyByteIsWritten() {
        try (ControllerServer server = server("tcp://127.0.0.1:0"); TransferQueue c = client(server.endpoint())) {
            Batch data = batch(2, 1);
            c.sync().put("p", data);
            // the meta describes only uid: the client asks the controller what x is before writing
            BatchMeta onlyUid = c.sync().getMeta(GetMetaRequest.forceFetch("p", List.of("uid")));
            assertThat(onlyUid.hasField("x")).isFalse();
            Batch jaggedInts = Batch.builder().jagged("x", List.of(Tensor.of(new int[] {1}, 1),
                    Tensor.of(new int[] {2, 3}, 2))).build();
            assertThatThrownBy(() -> c.sync().put(jaggedInts, onlyUid)).isInstanceOf(SchemaConflictException.class)
                    .hasMessageContaining("dtype mismatch for field 'x'");
            BatchMeta all = c.sync().getMeta(GetMetaRequest.forceFetch("p", List.of("x", "uid")));
            assertThat(c.sync().get(all)).isEqualTo(data);
        }
    }

    @Test
    void oversizedRequestsFromTheWireGetTypedErrorsAndTheServerKeepsAnswering() throws Exception {
        TqConfig cfg = TqConfig.defaults().with(RpcOptions.TIMEOUT, Duration.ofSeconds(5));
        try (ControllerServer server = server("tcp://127.0.0.1:0"); TransferQueue c = client(server.endpoint());
                RpcClient raw = RpcClient.create("raw", RpcOptions.settings(cfg))) {
            String at = server.endpoint();
            c.sync().put("p", batch(2, 1));

            Map<String, Object> insert = RpcCodecs.request(GetMetaRequest.insert("p", 1));
            insert.put("batchSize", (long) Integer.MAX_VALUE);
            assertThatThrownBy(() -> raw.call(at, Protocol.GET_META, insert, List.of()).join())
                    .hasCauseInstanceOf(InvalidRequestException.class);
            assertThat(c.sync().stats("p").rows()).isEqualTo(2);

            Map<String, Object> dp = RpcCodecs.request(GetMetaRequest.fetch("p", "t", List.of("x"), 1)
                    .withSampler("seqlen-balanced"));
            dp.put("dpRank", 0L);
            dp.put("dpSize", (long) Integer.MAX_VALUE);
            assertThatThrownBy(() -> raw.call(at, Protocol.GET_META, dp, List.of()).join())
                    .hasCauseInstanceOf(InvalidRequestException.class).hasMessageContaining("dp size");

            Map<String, Object> repeated = RpcCodecs.request(GetMetaRequest.forceFetch("p", List.of("x")));
            repeated.put("fields", new ArrayList<Object>(Collections.nCopies(100_000, "x")));
            BatchMeta described = RpcCodecs.meta(raw.call(at, Protocol.GET_META, repeated, List.of())
                    .get(10, TimeUnit.SECONDS).body(), "meta");
            assertThat(described.fieldNames()).containsExactly("x");
            assertThat(described.size()).isEqualTo(2);
            Map<String, Object> distinct = RpcCodecs.request(GetMetaRequest.forceFetch("p", List.of("x")));
            distinct.put("fields", new ArrayList<Object>(java.util.stream.IntStream.range(0, 5000)
                    .mapToObj(i -> "f" + i).toList()));
            assertThatThrownBy(() -> raw.call(at, Protocol.GET_META, distinct, List.of()).join())
                    .hasCauseInstanceOf(InvalidRequestException.class).hasMessageContaining("4096");
            assertThat(server.controller().stats("p").consumedPerTask()).isEmpty();

            // the longest waits are shortened, not overflowed: both park and are answered when rows arrive
            Map<String, Object> forever = RpcCodecs.request(GetMetaRequest.fetch("p", "t", List.of("x"), 4)
                    .withWait(Duration.ofSeconds(1)));
            forever.put("waitMillis", Long.MAX_VALUE);
            CompletableFuture<WireMessage> parked = raw.call(at, Protocol.GET_META, forever, List.of(),
                    Duration.ofSeconds(30));
            CompletableFuture<BatchMeta> viaClient = c.getMeta(GetMetaRequest.fetch("p", "u", List.of("x"), 4)
                    .withWait(Duration.ofMillis(Long.MAX_VALUE)));
            awaitWaiting(server, 2);
            c.sync().put("p", batch(2, 2));
            assertThat(RpcCodecs.meta(parked.get(10, TimeUnit.SECONDS).body(), "meta").size()).isEqualTo(4);
            assertThat(viaClient.get(10, TimeUnit.SECONDS).size()).isEqualTo(4);
            assertThat(server.controller().waitingFetches()).isZero();
            assertThat(c.sync().getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 1)).isEmpty()).isTrue();
            assertThat(c.sync().partitions()).containsExactly("p");
        }
    }

    @Test
    void aWaitingFetchDoesNotDelayAProducersNotify() throws Exception {
        try (ControllerServer server = server("tcp://127.0.0.1:0");
                TransferQueue consumer = client(server.endpoint());
                TransferQueue producer = client(server.endpoint())) {
            CompletableFuture<BatchMeta> waiting = consumer.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 4)
                    .withWait(Duration.ofSeconds(20)));
            CompletableFuture<BatchMeta> other = consumer.getMeta(GetMetaRequest.fetch("q", "t", List.of("x"), 1)
                    .withWait(Duration.ofSeconds(20)));
            for (int i = 0; i < 4; i++) {
                producer.sync().put("p", batch(1, i));
            }
            assertThat(waiting.get(10, TimeUnit.SECONDS).size()).isEqualTo(4);
            assertThat(other).isNotDone();
        }
    }

    @Test
    void aCancelledWaitingFetchStopsAtTheControllerAndConsumesNothing() throws Exception {
        try (ControllerServer server = server("tcp://127.0.0.1:0");
                TransferQueue consumer = client(server.endpoint());
                TransferQueue producer = client(server.endpoint())) {
            CompletableFuture<BatchMeta> waiting = consumer.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 2)
                    .withWait(Duration.ofSeconds(30)));
            producer.sync().put("p", batch(1, 1));
            awaitWaiting(server, 1);
            assertThat(waiting.cancel(true)).isTrue();
            awaitWaiting(server, 0);
            producer.sync().put("p", batch(1, 2));
            BatchMeta got = consumer.sync().getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 2));
            assertThat(got.size()).isEqualTo(2);
        }
    }

    @Test
    void aClientClosedWithAFetchParkedLeavesNoFetchBehindToConsumeRows() throws Exception {
        try (ControllerServer server = server("tcp://127.0.0.1:0");
                TransferQueue producer = client(server.endpoint())) {
            TransferQueue consumer = client(server.endpoint());
            CompletableFuture<BatchMeta> parked = consumer.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 4)
                    .withWait(Duration.ofSeconds(60)));
            awaitWaiting(server, 1);
            consumer.close();
            assertThatThrownBy(() -> parked.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ClosedException.class);
            awaitWaiting(server, 0);
            producer.sync().put("p", batch(4, 1));
            try (TransferQueue next = client(server.endpoint())) {
                BatchMeta got = next.sync().getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 4));
                assertThat(got.size()).as("rows a new consumer of the task gets").isEqualTo(4);
            }
        }
    }

    @Test
    void closingTheServerFailsAParkedRemoteFetchWithClosedException() throws Exception {
        ControllerServer server = server("tcp://127.0.0.1:0");
        try (TransferQueue consumer = client(server.endpoint())) {
            CompletableFuture<BatchMeta> parked = consumer.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 4)
                    .withWait(Duration.ofSeconds(60)));
            awaitWaiting(server, 1);
            server.close();
            server.close();
            assertThatThrownBy(() -> parked.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ClosedException.class);
        }
    }

    private static void awaitWaiting(ControllerServer server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.controller().waitingFetches() != expected) {
            assertThat(System.nanoTime()).as("parked fetches reach %d", expected).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aRestartedControllerGivesTypedErrorsThenWorksAgain() {
        ControllerServer first = server("tcp://127.0.0.1:0");
        String address = first.endpoint();
        try (TransferQueue c = client(address)) {
            c.sync().put("p", batch(1, 1));
            first.close();
            assertThatThrownBy(() -> c.sync().partitions()).isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining(address);
            try (ControllerServer second = server(address)) {
                assertThat(c.sync().partitions()).isEmpty();
                c.sync().put("p", batch(1, 2));
                assertThat(c.sync().partitions()).containsExactly("p");
            }
        } finally {
            first.close();
        }
    }

    @Test
    void randomAndTruncatedFramesAreAnsweredOrDroppedWhileOthersAreServed() throws Exception {
        try (ControllerServer server = server("tcp://127.0.0.1:0"); TransferQueue c = client(server.endpoint());
                ZContext ctx = new ZContext()) {
            ZMQ.Socket raw = liveRawSocket(ctx, server.endpoint());
            Random rnd = new Random(3);
            for (int i = 0; i < 300; i++) {
                byte[] junk = new byte[rnd.nextInt(200)];
                rnd.nextBytes(junk);
                if (junk.length > 2) {
                    junk[0] = 'T';
                    junk[1] = 'Q';
                }
                raw.send(junk, 0);
            }
            c.sync().put("p", batch(3, 1));
            assertThat(c.sync().stats("p").rows()).isEqualTo(3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.malformedMessages() < 300 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(server.malformedMessages()).isGreaterThanOrEqualTo(300);
            assertThat(ByteBuffer.allocate(0).remaining()).isZero();
        }
    }

    /** A raw DEALER whose connection a HELLO round trip proved live (jeromq 0.6.0 can leave a new one silent). */
    private static ZMQ.Socket liveRawSocket(ZContext ctx, String endpoint) {
        for (int attempt = 0; attempt < 20; attempt++) {
            ZMQ.Socket raw = ctx.createSocket(SocketType.DEALER);
            raw.setLinger(0);
            raw.setReceiveTimeOut(1000);
            raw.connect(endpoint);
            for (ByteBuffer f : io.transferqueue.wire.WireCodec.encode(io.transferqueue.wire.WireMessage.of(
                    io.transferqueue.transport.Protocol.HELLO, 1, Map.of("protocol",
                            (long) io.transferqueue.transport.Protocol.VERSION)), io.transferqueue.wire.Encoding.PACKED)) {
                raw.send(f.array(), 0);
            }
            if (raw.recv() != null) {
                while (raw.hasReceiveMore()) {
                    raw.recv();
                }
                return raw;
            }
            raw.close();
        }
        throw new AssertionError("no live connection to " + endpoint);
    }

    @Test
    void ipv6LoopbackWorks() {
        try (ControllerServer server = server("tcp://[::1]:0"); TransferQueue c = client(server.endpoint())) {
            c.sync().put("p", batch(1, 1));
            assertThat(c.sync().partitions()).containsExactly("p");
        }
    }
}
