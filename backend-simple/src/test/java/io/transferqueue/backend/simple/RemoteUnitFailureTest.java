package io.transferqueue.backend.simple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.TqConfig;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.error.WireFormatException;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.transport.Protocol;
import io.transferqueue.transport.RpcClient;
import io.transferqueue.transport.RpcOptions;
import io.transferqueue.wire.BatchCodec;
import io.transferqueue.wire.BatchMetaCodec;
import io.transferqueue.wire.Envelope;
import io.transferqueue.wire.WireLimits;
import io.transferqueue.wire.WireMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RemoteUnitFailureTest {
    private static BatchMeta rows(long... gis) {
        return BatchMeta.builder().rows("p", gis, new int[gis.length]).build();
    }

    private static Batch data(int n) {
        float[] v = new float[n * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Batch.builder().dense("x", Tensor.of(v, n, 2)).build();
    }

    @Test
    void aRemotePutSendsOneFramePerRowAndTheUnitKeepsThemWithoutCopying() throws Exception {
        try (SimpleUnitServer u = SimpleUnitServer.start("tcp://127.0.0.1:0", TqConfig.defaults());
                StorageManager m = new SimpleStorageFactory().create(TqConfig.defaults()
                        .with(SimpleStorageOptions.REMOTE_UNITS.key(), u.endpoint()),
                        StorageContext.of("t", getClass().getClassLoader()))) {
            m.put(data(4), rows(0, 1, 2, 3), PutOptions.defaults()).get(10, TimeUnit.SECONDS);
            assertThat(u.adoptedBytes()).isEqualTo(4 * 2 * 4);
            assertThat(u.copiedBytes()).isZero();
            assertThat(u.stats().rows()).isEqualTo(4);
        }
    }

    @Test
    void aRemotePutWithATimeoutBeyondLongMillisecondsIsSentWithTheLongestWait() throws Exception {
        PutOptions forever = PutOptions.defaults().withTimeout(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(forever.timeout()).isEqualTo(PutOptions.MAX_TIMEOUT);
        try (SimpleUnitServer u = SimpleUnitServer.start("tcp://127.0.0.1:0", TqConfig.defaults());
                StorageManager m = new SimpleStorageFactory().create(TqConfig.defaults()
                        .with(SimpleStorageOptions.REMOTE_UNITS.key(), u.endpoint()),
                        StorageContext.of("t", getClass().getClassLoader()))) {
            m.put(data(2), rows(0, 1), forever).get(10, TimeUnit.SECONDS);
            assertThat(u.stats().rows()).isEqualTo(2);
        }
    }

    @Test
    void aRemotePutAndGetOfMoreRowsThanAMessageHasFramesSucceed() throws Exception {
        int n = 70_000; // one frame per row would pass the receivers' limit of 65,536 frames
        Batch batch = data(n);
        long[] gis = new long[n];
        for (int i = 0; i < n; i++) {
            gis[i] = i;
        }
        BatchMeta meta = rows(gis);
        try (SimpleUnitServer u = SimpleUnitServer.start("tcp://127.0.0.1:0", TqConfig.defaults());
                StorageManager m = new SimpleStorageFactory().create(TqConfig.defaults()
                        .with(SimpleStorageOptions.REMOTE_UNITS.key(), u.endpoint()),
                        StorageContext.of("t", getClass().getClassLoader()))) {
            m.put(batch, meta, PutOptions.defaults()).get(30, TimeUnit.SECONDS);
            assertThat(u.stats().rows()).isEqualTo(n);
            assertThat(m.get(meta.withFields(batch, true), ReadOptions.copy()).get(30, TimeUnit.SECONDS))
                    .isEqualTo(batch);
            assertThat(u.malformedMessages()).isZero();
        }
    }

    @Test
    void aRemoteGetAnswersALargeColumnOneFramePerRowAndASmallOneAsOneGatheredFrame() throws Exception {
        int rows = 4;
        int wide = (int) (UnitMessages.GATHER_LIMIT / 4 / 2); // floats per row: 4 rows make 2x the limit
        float[] big = new float[rows * wide];
        for (int i = 0; i < big.length; i++) {
            big[i] = i;
        }
        Batch batch = Batch.builder().dense("big", Tensor.of(big, rows, wide)).add("small", data(rows).column("x"))
                .build();
        try (SimpleUnitServer u = SimpleUnitServer.start("tcp://127.0.0.1:0", TqConfig.defaults());
                StorageManager m = new SimpleStorageFactory().create(TqConfig.defaults()
                        .with(SimpleStorageOptions.REMOTE_UNITS.key(), u.endpoint()),
                        StorageContext.of("t", getClass().getClassLoader()));
                RpcClient raw = RpcClient.create("test", RpcOptions.settings(TqConfig.defaults()))) {
            BatchMeta meta = rows(0, 1, 2, 3);
            m.put(batch, meta, PutOptions.defaults()).get(10, TimeUnit.SECONDS);
            BatchMeta withFields = meta.withFields(batch, true);

            WireMessage answer = raw.call(u.endpoint(), Protocol.UNIT_GET,
                    Map.of("meta", BatchMetaCodec.encode(withFields, false)), List.of()).get(10, TimeUnit.SECONDS);

            assertThat(answer.payloads()).as("a frame per row of 'big' (2 MiB), one frame for 'small' (32 bytes)")
                    .hasSize(rows + 1);
            assertThat(BatchCodec.decode(Envelope.getMap(answer.body(), "batch"), answer.payloads(),
                    WireLimits.DEFAULT)).isEqualTo(batch);
            assertThat(m.get(withFields, ReadOptions.copy()).get(10, TimeUnit.SECONDS)).isEqualTo(batch);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aUnitPutWhoseFieldsShareOnePayloadIsRefusedAndStoresNothing() throws Exception {
        Batch batch = Batch.builder().add("a", data(4).column("x")).add("b", data(4).column("x")).build();
        try (SimpleUnitServer u = SimpleUnitServer.start("tcp://127.0.0.1:0", TqConfig.defaults());
                RpcClient raw = RpcClient.create("test", RpcOptions.settings(TqConfig.defaults()))) {
            List<java.nio.ByteBuffer> payloads = new java.util.ArrayList<>();
            Map<String, Object> encoded = BatchCodec.encode(batch, payloads);
            // both fields on payload 0: the unit would store the sent bytes once per field
            ((Map<String, Object>) ((List<Object>) encoded.get("fields")).get(1)).put("data", 0L);
            Map<String, Object> body = Map.of("meta", BatchMetaCodec.encode(rows(0, 1, 2, 3), false), "batch", encoded,
                    "timeoutMillis", 1000L);

            assertThatThrownBy(() -> raw.call(u.endpoint(), Protocol.UNIT_PUT, body, payloads.subList(0, 1))
                    .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(WireFormatException.class)
                    .hasMessageContaining("field 'b'").hasMessageContaining("payload 0 is already used");
            assertThat(u.stats().rows()).isZero();
            assertThat(u.stats().bytes()).isZero();
        }
    }

    @Test
    void aKilledUnitFailsTheRequestsThatTouchItNamingItWhileTheOtherUnitKeepsWorking() throws Exception {
        SimpleUnitServer u0 = SimpleUnitServer.start("tcp://127.0.0.1:0", TqConfig.defaults());
        SimpleUnitServer u1 = SimpleUnitServer.start("tcp://127.0.0.1:0", TqConfig.defaults());
        String dead = u1.endpoint();
        TqConfig cfg = TqConfig.defaults().with(SimpleStorageOptions.REMOTE_UNITS.key(), u0.endpoint() + "," + dead)
                .with(RpcOptions.TIMEOUT, Duration.ofMillis(800));
        try (StorageManager m = new SimpleStorageFactory().create(cfg, StorageContext.of("t", getClass().getClassLoader()))) {
            BatchMeta both = rows(0, 1, 2, 3);
            m.put(data(4), both, PutOptions.defaults()).get(10, TimeUnit.SECONDS);
            assertThat(m.get(both.withFields(data(4), true), ReadOptions.copy()).get(10, TimeUnit.SECONDS))
                    .isEqualTo(data(4));
            u1.close();
            BatchMeta evenOnly = rows(0, 2).withFields(data(2), true);
            assertThatThrownBy(() -> m.get(both.withFields(data(4), true), ReadOptions.copy()).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining(dead);
            assertThatThrownBy(() -> m.put(data(2), rows(5, 7), PutOptions.defaults()).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BackendUnavailableException.class).hasMessageContaining(dead);
            assertThat(m.get(evenOnly, ReadOptions.copy()).get(10, TimeUnit.SECONDS)).isEqualTo(data(4).rows(0, 2));
            m.put(data(2), rows(8, 10), PutOptions.defaults()).get(10, TimeUnit.SECONDS);
        } finally {
            u0.close();
            u1.close();
        }
    }
}
