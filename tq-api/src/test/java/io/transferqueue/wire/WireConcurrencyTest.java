package io.transferqueue.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.testing.RandomData;
import io.transferqueue.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 16 threads encode and decode distinct batches at the same time (lessons S3: a shared encoder buffer mixed up
 * threads' payloads upstream). Every decode must give back exactly the thread's own batch, and encoding the same
 * message again must give byte-equal frames.
 */
class WireConcurrencyTest {
    private static final int THREADS = 16;
    private static final int ITERATIONS = 500;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sixteenThreadsEncodeAndDecodeDistinctBatches() throws Exception {
        long seed = Seeds.seed(1616);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long threadSeed = seed * 31 + t;
                int threadNo = t;
                Callable<Integer> work = () -> {
                    start.await();
                    return run(threadNo, threadSeed);
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(100, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(THREADS * ITERATIONS);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static int run(int threadNo, long seed) {
        Random r = new Random(seed);
        int done = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            // every thread's batch carries its own identity, so a mix-up cannot go unnoticed
            Batch b = RandomData.batch(r, 1 + r.nextInt(8), 4);
            Batch tagged = b.merge(Batch.builder().objects("thread", java.util.Collections.nCopies(b.size(),
                    threadNo + ":" + i)).build());
            BatchMeta meta = RandomData.meta(r, tagged.size());
            Encoding e = Encoding.values()[(threadNo + i) % 2];
            List<ByteBuffer> payloads = new ArrayList<>();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("batch", BatchCodec.encode(tagged, payloads));
            body.put("meta", BatchMetaCodec.encode(meta, true));
            WireMessage msg = new WireMessage(threadNo, i, 0, body, payloads);
            List<ByteBuffer> frames = WireCodec.encode(msg, e);
            List<ByteBuffer> again = WireCodec.encode(msg, e);
            assertThat(again).as("seed %d thread %d iteration %d: byte-equal re-encoding", seed, threadNo, i)
                    .isEqualTo(frames);
            WireMessage back = WireCodec.decode(frames);
            assertThat(back.type()).isEqualTo(threadNo);
            assertThat(back.requestId()).isEqualTo(i);
            Batch decoded = BatchCodec.decode(Envelope.getMap(back.body(), "batch"), back.payloads(),
                    WireLimits.DEFAULT);
            assertThat(decoded).as("seed %d thread %d iteration %d", seed, threadNo, i).isEqualTo(tagged);
            assertThat(BatchMetaCodec.decode(Envelope.getMap(back.body(), "meta"), WireLimits.DEFAULT))
                    .as("seed %d thread %d iteration %d", seed, threadNo, i).isEqualTo(meta);
            // re-encoding what was decoded gives the same bytes again
            List<ByteBuffer> payloads2 = new ArrayList<>();
            Map<String, Object> body2 = new LinkedHashMap<>();
            body2.put("batch", BatchCodec.encode(decoded, payloads2));
            body2.put("meta", back.body().get("meta"));
            List<ByteBuffer> reencoded = WireCodec.encode(new WireMessage(threadNo, i, 0, body2, payloads2), e);
            assertThat(flatten(reencoded)).as("seed %d thread %d iteration %d", seed, threadNo, i)
                    .isEqualTo(flatten(frames));
            done++;
        }
        return done;
    }

    private static byte[] flatten(List<ByteBuffer> frames) {
        int n = 0;
        for (ByteBuffer f : frames) {
            n += f.remaining() + 4;
        }
        ByteBuffer out = ByteBuffer.allocate(n);
        for (ByteBuffer f : frames) {
            out.putInt(f.remaining()).put(f.duplicate());
        }
        return out.array();
    }
}
