package io.transferqueue.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.data.ObjectValues;
import io.transferqueue.error.BackendException;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.ClosedException;
import io.transferqueue.error.InvalidRequestException;
import io.transferqueue.error.ProtocolVersionException;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.wire.Encoding;
import io.transferqueue.wire.WireCodec;
import io.transferqueue.wire.WireMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class RpcTest {
    private static final int ECHO = 100;
    private static final int FAIL = 101;
    private static final int SLOW = 102;
    private static final int GREEDY = 103;
    private static final int PARK = 104;

    private static RpcServer echoServer(String bind) {
        return RpcServer.start("echo", bind, RpcSettings.defaults(), req -> {
            if (req.type() == FAIL) {
                throw new InvalidRequestException("bad request " + req.body().get("n"));
            }
            if (req.type() == GREEDY) {
                // what a request for Integer.MAX_VALUE rows once did to the controller: a real OutOfMemoryError
                long[] huge = new long[Integer.MAX_VALUE - 8];
                return CompletableFuture.completedFuture(new WireMessage(GREEDY, req.requestId(), 0,
                        Map.of("n", (long) huge.length), List.of()));
            }
            if (req.type() == SLOW) {
                return CompletableFuture.supplyAsync(() -> new WireMessage(SLOW, req.requestId(), 0, req.body(),
                        List.of()), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            }
            return CompletableFuture.completedFuture(new WireMessage(req.type(), req.requestId(), 0, req.body(),
                    req.payloads()));
        });
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void requestsAndPayloadsRoundTripInEitherEncoding(Encoding enc) throws Exception {
        try (RpcServer server = echoServer("tcp://127.0.0.1:0");
                RpcClient client = RpcClient.create("test", RpcSettings.defaults().withEncoding(enc))) {
            assertThat(get(client.hello(server.endpoint(), "test"))).isEqualTo("echo");
            ByteBuffer payload = ByteBuffer.wrap(new byte[1 << 20]);
            new Random(1).nextBytes(payload.array());
            WireMessage r = get(client.call(server.endpoint(), ECHO, Map.of("n", 7L), List.of(payload)));
            assertThat(r.body()).containsEntry("n", 7L);
            assertThat(r.payloads()).hasSize(1);
            assertThat(r.payloads().get(0)).isEqualTo(payload.duplicate().rewind());
        }
    }

    @Test
    void manyConcurrentCallsAreMatchedToTheirAnswersIncludingLateOnes() throws Exception {
        try (RpcServer server = echoServer("tcp://127.0.0.1:0");
                RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            List<CompletableFuture<WireMessage>> calls = new ArrayList<>();
            for (long i = 0; i < 200; i++) {
                calls.add(client.call(server.endpoint(), i % 2 == 0 ? ECHO : SLOW, Map.of("n", i), List.of()));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(get(calls.get(i)).body()).containsEntry("n", (long) i);
            }
        }
    }

    @Test
    void errorsComeBackAsTheirTypedExceptionAndTheServerKeepsServing() throws Exception {
        try (RpcServer server = echoServer("tcp://127.0.0.1:0");
                RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            assertThatThrownBy(() -> get(client.call(server.endpoint(), FAIL, Map.of("n", 3L), List.of())))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("bad request 3");
            assertThat(get(client.call(server.endpoint(), ECHO, Map.of("n", 4L), List.of())).body())
                    .containsEntry("n", 4L);
        }
    }

    @Test
    void aHandlerRunningOutOfHeapFailsThatRequestTypedAndTheServerKeepsServing() throws Exception {
        try (RpcServer server = echoServer("tcp://127.0.0.1:0");
                RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> get(client.call(server.endpoint(), GREEDY, Map.of(), List.of())))
                        .hasCauseInstanceOf(BackendException.class).hasMessageContaining("out of heap memory")
                        .hasMessageContaining("103");
                assertThat(get(client.call(server.endpoint(), ECHO, Map.of("n", 5L), List.of())).body())
                        .containsEntry("n", 5L);
            }
        }
    }

    @Test
    void aDeadlineTooLongForNanosecondsIsNoDeadlineAndLeavesNothingPending() throws Exception {
        try (RpcServer server = echoServer("tcp://127.0.0.1:0");
                RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            WireMessage r = get(client.call(server.endpoint(), ECHO, Map.of("n", 9L), List.of(),
                    Duration.ofSeconds(Long.MAX_VALUE)));
            assertThat(r.body()).containsEntry("n", 9L);
            assertThat(client.pendingCalls()).isZero();
        }
    }

    @Test
    void everyValueTheDataModelAcceptsCrossesTheWire() throws Exception {
        Object deepest = 1L;
        for (int i = 0; i < ObjectValues.MAX_DEPTH; i++) {
            deepest = List.of(deepest);
        }
        ObjectValues.normalize(deepest, "a value the data model accepts");
        try (RpcServer server = echoServer("tcp://127.0.0.1:0");
                RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            Map<String, Object> body = Map.of("v", Map.of("row", List.of(deepest)));
            assertThat(get(client.call(server.endpoint(), ECHO, body, List.of())).body()).isEqualTo(body);
        }
    }

    @Test
    void aPeerOfAnotherProtocolVersionIsRefusedNamingBothVersions() throws Exception {
        try (RpcServer server = echoServer("tcp://127.0.0.1:0");
                RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            assertThatThrownBy(() -> get(client.call(server.endpoint(), Protocol.HELLO, Map.of("protocol", 99L),
                    List.of()))).hasCauseInstanceOf(ProtocolVersionException.class)
                    .hasMessageContaining("99").hasMessageContaining("version " + Protocol.VERSION);
        }
    }

    @Test
    void anUnreachablePeerFailsWithinTheDeadlineNamingIt() throws Exception {
        int port;
        try (RpcServer probe = echoServer("tcp://127.0.0.1:0")) {
            port = Integer.parseInt(probe.endpoint().substring(probe.endpoint().lastIndexOf(':') + 1));
        }
        String dead = "tcp://127.0.0.1:" + port;
        try (RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            assertThatThrownBy(() -> get(client.call(dead, ECHO, Map.of(), List.of(), Duration.ofMillis(300))))
                    .hasCauseInstanceOf(BackendUnavailableException.class).hasMessageContaining(dead);
        }
    }

    @Test
    void aRestartedServerIsUsedAgainWithoutAnyAction() throws Exception {
        RpcServer first = echoServer("tcp://127.0.0.1:0");
        String endpoint = first.endpoint();
        try (RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            assertThat(get(client.call(endpoint, ECHO, Map.of("n", 1L), List.of())).body()).containsEntry("n", 1L);
            first.close();
            assertThatThrownBy(() -> get(client.call(endpoint, ECHO, Map.of(), List.of(), Duration.ofMillis(300))))
                    .hasCauseInstanceOf(BackendUnavailableException.class);
            try (RpcServer second = echoServer(endpoint)) {
                assertThat(get(client.call(endpoint, ECHO, Map.of("n", 2L), List.of())).body()).containsEntry("n", 2L);
            }
        }
    }

    @Test
    void ipv6LoopbackWorks() throws Exception {
        try (RpcServer server = echoServer("tcp://[::1]:0");
                RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            assertThat(server.endpoint()).startsWith("tcp://[").doesNotContain("127.0.0.1");
            assertThat(get(client.call(server.endpoint(), ECHO, Map.of("n", 6L), List.of())).body())
                    .containsEntry("n", 6L);
        }
    }

    /**
     * A raw DEALER whose connection is proven live by a HELLO round trip (with jeromq 0.6.0 a fresh connection
     * can stay silent; the real client handshakes the same way).
     */
    @Test
    void aSecondRequestWithTheIdOfOneStillInFlightIsRefusedAndTheFirstIsAnswered() throws Exception {
        try (RpcServer server = echoServer("tcp://127.0.0.1:0"); ZContext ctx = new ZContext()) {
            ZMQ.Socket raw = liveRawSocket(ctx, server.endpoint());
            for (long n : new long[] {1, 2}) {
                List<ByteBuffer> frames = WireCodec.encode(WireMessage.of(SLOW, 77, Map.of("n", n)), Encoding.PACKED);
                raw.send(frames.get(0).array(), 0);
            }
            List<WireMessage> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<ByteBuffer> frames = new ArrayList<>();
                frames.add(ByteBuffer.wrap(raw.recv()));
                while (raw.hasReceiveMore()) {
                    frames.add(ByteBuffer.wrap(raw.recv()));
                }
                answers.add(WireCodec.decode(frames));
            }
            assertThat(answers.get(0).isError()).as("the duplicate is refused at once").isTrue();
            assertThat(RpcServer.errorCode(answers.get(0))).isEqualTo(new InvalidRequestException("").code());
            assertThat(answers.get(1).isError()).isFalse();
            assertThat(answers.get(1).body()).containsEntry("n", 1L);
        }
    }

    static ZMQ.Socket liveRawSocket(ZContext ctx, String endpoint) {
        for (int attempt = 0; attempt < 20; attempt++) {
            ZMQ.Socket raw = ctx.createSocket(SocketType.DEALER);
            raw.setLinger(0);
            raw.setReceiveTimeOut(1000);
            raw.connect(endpoint);
            for (ByteBuffer f : WireCodec.encode(WireMessage.of(Protocol.HELLO, 1, Map.of("protocol",
                    (long) Protocol.VERSION)), Encoding.PACKED)) {
                raw.send(f.array(), 0);
            }
            if (raw.recv() != null) {
                while (raw.hasReceiveMore()) {
                    raw.recv();
                }
                raw.setReceiveTimeOut(5000);
                return raw;
            }
            raw.close();
        }
        throw new AssertionError("no live connection to " + endpoint);
    }

    @Test
    void garbageTruncatedAndOversizedFramesNeverStopTheServer() throws Exception {
        RpcSettings small = new RpcSettings(Duration.ofSeconds(30), 64 * 1024, 100, Encoding.FRAMES);
        try (RpcServer server = RpcServer.start("echo", "tcp://127.0.0.1:0", small, req ->
                CompletableFuture.completedFuture(new WireMessage(req.type(), req.requestId(), 0, req.body(), List.of())));
                ZContext ctx = new ZContext();
                RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            ZMQ.Socket raw = liveRawSocket(ctx, server.endpoint());
            Random rnd = new Random(7);
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[rnd.nextInt(64)];
                rnd.nextBytes(junk);
                raw.send(junk, 0);
            }
            List<ByteBuffer> valid = WireCodec.encode(WireMessage.of(ECHO, 42, Map.of("n", 1L)), Encoding.FRAMES);
            byte[] header = valid.get(0).array();
            raw.send(header, ZMQ.SNDMORE);
            raw.send(new byte[] {(byte) 0x85, 1}, 0);
            byte[] answer = raw.recv();
            WireMessage err = WireCodec.decode(List.of(ByteBuffer.wrap(answer), ByteBuffer.wrap(raw.recv())));
            assertThat(err.isError()).isTrue();
            assertThat(err.requestId()).isEqualTo(42);
            assertThat(RpcServer.errorCode(err)).isEqualTo(new WireFormatException("").code());
            ZMQ.Socket big = ctx.createSocket(SocketType.DEALER);
            big.setLinger(0);
            big.connect(server.endpoint());
            big.send(new byte[1 << 20], 0);
            assertThat(get(client.call(server.endpoint(), ECHO, Map.of("n", 9L), List.of())).body())
                    .containsEntry("n", 9L);
            assertThat(server.malformedMessages()).isGreaterThanOrEqualTo(200);
        }
    }
    @Test
    void closeRacingCallsNeverThrowsCompletesEveryCallAndLeavesNoThread() throws Exception {
        try (RpcServer server = echoServer("tcp://127.0.0.1:0")) {
            for (int round = 0; round < 100; round++) {
                String name = "race" + round;
                RpcClient client = RpcClient.create(name, RpcSettings.defaults());
                List<CompletableFuture<WireMessage>> calls = new CopyOnWriteArrayList<>();
                List<Throwable> thrown = new CopyOnWriteArrayList<>();
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> callers = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    Thread t = new Thread(() -> {
                        try {
                            go.await();
                            for (long i = 0; i < 200; i++) {
                                calls.add(client.call(server.endpoint(), ECHO, Map.of("n", i), List.of()));
                            }
                        } catch (Throwable e) {
                            thrown.add(e);
                        }
                    });
                    t.start();
                    callers.add(t);
                }
                go.countDown();
                Thread.sleep(round % 5);
                assertThatCode(client::close).as("close in round %d", round).doesNotThrowAnyException();
                for (Thread t : callers) {
                    t.join();
                }
                assertThat(thrown).as("thrown by call() in round %d", round).isEmpty();
                for (CompletableFuture<WireMessage> call : calls) {
                    assertThatCode(() -> {
                        try {
                            call.get(5, TimeUnit.SECONDS);
                        } catch (ExecutionException e) {
                            assertThat(e.getCause()).isInstanceOf(ClosedException.class);
                        }
                    }).as("a call racing close in round %d", round).doesNotThrowAnyException();
                }
                awaitNoThread("tq-rpc-" + name + "-");
            }
        }
    }

    @Test
    void closingTheClientCancelsItsCallsParkedAtTheServer() throws Exception {
        List<CompletableFuture<WireMessage>> parked = new CopyOnWriteArrayList<>();
        try (RpcServer server = parkingServer(parked)) {
            RpcClient client = RpcClient.create("test", RpcSettings.defaults());
            CompletableFuture<WireMessage> call = client.call(server.endpoint(), PARK, Map.of(), List.of());
            awaitSize(parked, 1);
            client.close();
            assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ClosedException.class);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!parked.get(0).isCancelled()) {
                assertThat(System.nanoTime()).as("the parked request is cancelled at the server")
                        .isLessThan(deadline);
                Thread.sleep(10);
            }
        }
    }

    @Test
    void closingTheServerAnswersItsParkedRequestsWithClosedException() throws Exception {
        List<CompletableFuture<WireMessage>> parked = new CopyOnWriteArrayList<>();
        try (RpcClient client = RpcClient.create("test", RpcSettings.defaults())) {
            RpcServer server = parkingServer(parked);
            CompletableFuture<WireMessage> call = client.call(server.endpoint(), PARK, Map.of(), List.of());
            awaitSize(parked, 1);
            server.close();
            server.close();
            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ClosedException.class).hasMessageContaining("echo closed");
        }
    }

    private static RpcServer parkingServer(List<CompletableFuture<WireMessage>> parked) {
        return RpcServer.start("echo", "tcp://127.0.0.1:0", RpcSettings.defaults(), req -> {
            CompletableFuture<WireMessage> f = new CompletableFuture<>();
            parked.add(f);
            return f;
        });
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < size) {
            assertThat(System.nanoTime()).as("%d requests reach the server", size).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }

    private static void awaitNoThread(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!threadsNamed(prefix).isEmpty()) {
            assertThat(System.nanoTime()).as("threads %s end", threadsNamed(prefix)).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
