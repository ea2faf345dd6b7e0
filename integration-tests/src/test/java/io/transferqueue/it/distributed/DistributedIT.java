package io.transferqueue.it.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.TransferQueue;
import io.transferqueue.cli.TqCommand;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.transport.RpcOptions;
import io.transferqueue.wire.Encoding;
import io.transferqueue.wire.WireCodec;
import io.transferqueue.wire.WireMessage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Distributed mode with real processes on loopback: a controller, storage units, producers and consumers each in
 * their own JVM, started with ProcessBuilder and stopped by the test.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DistributedIT {
    private static final Duration START = Duration.ofSeconds(60);

    private static Jvm controller(int units) throws Exception {
        return Jvm.start("controller", TqCommand.class, "controller", "--bind", "tcp://127.0.0.1:0", "--units",
                String.valueOf(units));
    }

    private static String address(Jvm controller) throws InterruptedException {
        return controller.await("tq controller listening on (tcp://\\S+)", START);
    }

    private static Jvm unit(String controller, String name) throws Exception {
        return Jvm.start(name, TqCommand.class, "storage-unit", "--controller", controller);
    }

    private static String unitAddress(Jvm unit) throws InterruptedException {
        return unit.await("listening on (tcp://\\S+)", START);
    }

    private static TransferQueue client(String controller) {
        return TransferQueue.builder().config(TqConfig.defaults().with(RpcOptions.TIMEOUT, Duration.ofSeconds(3)))
                .connect(controller);
    }

    private static Map<String, String> read(Path file) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.split(" ");
            assertThat(out.put(kv[0], kv[1])).as("row %s seen twice in %s", kv[0], file).isNull();
        }
        return out;
    }

    @Test
    void grpoWorkloadAcrossControllerTwoUnitsAProducerAndTwoConsumers(@TempDir Path dir) throws Exception {
        try (Jvm c = controller(2)) {
            String addr = address(c);
            try (Jvm u0 = unit(addr, "unit-0"); Jvm u1 = unit(addr, "unit-1")) {
                unitAddress(u0);
                unitAddress(u1);
                Path produced = dir.resolve("produced.txt");
                Path got0 = dir.resolve("consumer-0.txt");
                Path got1 = dir.resolve("consumer-1.txt");
                try (Jvm k0 = Jvm.start("consumer-0", GrpoConsumer.class, addr, "train", "actor", "0", "8",
                        got0.toString());
                        Jvm k1 = Jvm.start("consumer-1", GrpoConsumer.class, addr, "train", "actor", "1", "8",
                                got1.toString())) {
                    k0.await("connected", START);
                    k1.await("connected", START);
                    try (Jvm p = Jvm.start("producer", GrpoProducer.class, addr, "train", "40", "4", "7",
                            produced.toString())) {
                        assertThat(p.waitFor(Duration.ofSeconds(120))).as(p.output()).isZero();
                    }
                    assertThat(k0.waitFor(Duration.ofSeconds(120))).as(k0.output()).isZero();
                    assertThat(k1.waitFor(Duration.ofSeconds(120))).as(k1.output()).isZero();
                }
                Map<String, String> expected = read(produced);
                Map<String, String> first = read(got0);
                Map<String, String> second = read(got1);
                assertThat(expected).hasSize(160);
                assertThat(first).isNotEmpty();
                assertThat(second).isNotEmpty();
                Map<String, String> all = new HashMap<>(first);
                for (Map.Entry<String, String> e : second.entrySet()) {
                    assertThat(all.put(e.getKey(), e.getValue())).as("row %s consumed twice", e.getKey()).isNull();
                }
                assertThat(all).isEqualTo(expected);
            }
        }
    }

    @Test
    void aKilledUnitFailsRequestsTouchingItWithinTheDeadlineWhileTheOtherKeepsWorking() throws Exception {
        try (Jvm c = controller(2)) {
            String addr = address(c);
            try (Jvm u0 = unit(addr, "unit-0"); Jvm u1 = unit(addr, "unit-1")) {
                unitAddress(u0);
                unitAddress(u1);
                try (TransferQueue tq = client(addr)) {
                    List<String> units = List.of(tq.config().rawValue("tq.storage.simple.remote-units").split(","));
                    BatchMeta rows = tq.sync().put("p", batch(8));
                    String deadUnit = u1.await("listening on (tcp://\\S+)", START);
                    int deadIndex = units.indexOf(deadUnit);
                    assertThat(deadIndex).isNotNegative();
                    u1.kill();
                    List<Integer> alive = new ArrayList<>();
                    for (int i = 0; i < rows.size(); i++) {
                        if (rows.globalIndex(i) % 2 != deadIndex) {
                            alive.add(i);
                        }
                    }
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> tq.sync().get(rows)).isInstanceOf(BackendUnavailableException.class)
                            .hasMessageContaining(deadUnit);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
                    BatchMeta survivors = rows.selectRows(alive.stream().mapToInt(Integer::intValue).toArray());
                    assertThat(tq.sync().get(survivors)).isEqualTo(batch(8).rows(
                            alive.stream().mapToInt(Integer::intValue).toArray()));
                }
            }
        }
    }

    @Test
    void aUnitBoundToEveryInterfaceRegistersTheHostItAdvertisesAndRefusesToStartWithoutOne() throws Exception {
        try (Jvm c = controller(1)) {
            String addr = address(c);
            try (Jvm refused = Jvm.start("unit-wildcard", TqCommand.class, "storage-unit", "--controller", addr,
                    "--bind", "tcp://0.0.0.0:0")) {
                assertThat(refused.waitFor(START)).as(refused.output()).isEqualTo(2);
                assertThat(refused.output()).contains("--advertise-host").doesNotContain("listening on");
            }
            try (Jvm u = Jvm.start("unit-advertised", TqCommand.class, "storage-unit", "--controller", addr,
                    "--bind", "tcp://0.0.0.0:0", "--advertise-host", "localhost")) {
                String registered = u.await("registered as (tcp://\\S+),", START);
                assertThat(registered).startsWith("tcp://localhost:");
                try (TransferQueue tq = client(addr)) {
                    assertThat(tq.config().rawValue("tq.storage.simple.remote-units")).isEqualTo(registered);
                    BatchMeta rows = tq.sync().put("p", batch(4));
                    assertThat(tq.sync().get(rows)).isEqualTo(batch(4));
                }
            }
        }
    }

    @Test
    void aRestartedControllerGivesTypedErrorsThenServesAgainWithTheUnitsReRegistered() throws Exception {
        String addr;
        Jvm c = controller(1);
        try (c) {
            addr = address(c);
        }
        Jvm restarted = null;
        try (Jvm first = Jvm.start("controller", TqCommand.class, "controller", "--bind", addr, "--units", "1");
                Jvm u0 = unit(addr, "unit-0")) {
            address(first);
            unitAddress(u0);
            try (TransferQueue tq = client(addr)) {
                tq.sync().put("p", batch(2));
                first.kill();
                assertThatThrownBy(() -> tq.sync().partitions()).isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining(addr);
                restarted = Jvm.start("controller-again", TqCommand.class, "controller", "--bind", addr, "--units", "1");
                address(restarted);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                List<String> partitions = null;
                while (partitions == null) {
                    try {
                        partitions = tq.sync().partitions();
                    } catch (BackendUnavailableException e) {
                        assertThat(System.nanoTime()).as("controller back within 60 s").isLessThan(deadline);
                    }
                }
                assertThat(partitions).isEmpty();
                tq.sync().put("p", batch(3));
                assertThat(tq.sync().stats("p").rows()).isEqualTo(3);
                try (TransferQueue late = client(addr)) {
                    assertThat(late.sync().partitions()).containsExactly("p");
                }
            }
        } finally {
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    @Test
    void junkFramesToTheControllerAndAUnitAreSurvivedAndOthersAreServed() throws Exception {
        try (Jvm c = controller(1)) {
            String addr = address(c);
            try (Jvm u0 = unit(addr, "unit-0"); ZContext ctx = new ZContext()) {
                String unitAddr = unitAddress(u0);
                Random rnd = new Random(11);
                for (String target : List.of(addr, unitAddr)) {
                    ZMQ.Socket raw = ctx.createSocket(SocketType.DEALER);
                    raw.setLinger(0);
                    raw.connect(target);
                    for (int i = 0; i < 500; i++) {
                        byte[] junk = new byte[rnd.nextInt(300)];
                        rnd.nextBytes(junk);
                        raw.send(junk, 0);
                    }
                    List<ByteBuffer> truncated = WireCodec.encode(WireMessage.of(3, 9, Map.of("partition", "x")),
                            Encoding.PACKED);
                    raw.send(java.util.Arrays.copyOf(truncated.get(0).array(), 20), 0);
                }
                try (TransferQueue tq = client(addr)) {
                    tq.sync().put("p", batch(4));
                    assertThat(tq.sync().get(tq.sync().getMeta(GetMetaRequest.fetch("p", "t", List.of("x"), 4))))
                            .isEqualTo(batch(4));
                }
            }
        }
    }

    @Test
    void aSlowWaitingConsumerNeverDelaysAProducer() throws Exception {
        try (Jvm c = controller(1)) {
            String addr = address(c);
            try (Jvm u0 = unit(addr, "unit-0")) {
                unitAddress(u0);
                try (TransferQueue consumer = client(addr); TransferQueue producer = client(addr)) {
                    CompletableFuture<BatchMeta> waiting = consumer.getMeta(GetMetaRequest.fetch("p", "t", List.of("x"),
                            1000).withWait(Duration.ofSeconds(60)));
                    for (int i = 0; i < 20; i++) {
                        producer.sync().put("p", batch(1));
                    }
                    assertThat(producer.sync().stats("p").rows()).isEqualTo(20);
                    assertThat(waiting).isNotDone();
                    waiting.cancel(true);
                }
            }
        }
    }

    private static Batch batch(int rows) {
        float[] v = new float[rows * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.25f;
        }
        return Batch.builder().dense("x", Tensor.of(v, rows, 3)).build();
    }
}
