package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireSmokeTest {
    @Test
    void denseBatchRoundTripsInBothEncodings() {
        Batch batch = Batch.builder().dense("x", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2))
                .objects("uid", List.of("a", "b", "c")).build();
        for (Encoding e : Encoding.values()) {
            List<ByteBuffer> payloads = new ArrayList<>();
            Map<String, Object> body = Map.of("batch", BatchCodec.encode(batch, payloads));
            List<ByteBuffer> frames = WireCodec.encode(new WireMessage(7, 42L, 0, body, payloads), e);
            WireMessage back = WireCodec.decode(frames);
            assertThat(back.requestId()).isEqualTo(42L);
            assertThat(BatchCodec.decode(Envelope.getMap(back.body(), "batch"), back.payloads(), WireLimits.DEFAULT))
                    .isEqualTo(batch);
        }
    }
}
