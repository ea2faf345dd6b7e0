package io.transferqueue.it.distributed;

import io.transferqueue.TransferQueue;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.data.Batch;
import io.transferqueue.data.ObjectColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.SamplingParams;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Consumer process: one data-parallel group of task {@code task}, fetching with the rank-aware sampler and
 * waiting fetches until the partition is exhausted; writes "uid checksum" per row it received to {@code out}.
 * Args: controller partition task group batch out.
 */
public final class GrpoConsumer {
    private GrpoConsumer() {
    }

    public static void main(String[] args) throws Exception {
        String controller = args[0];
        String partition = args[1];
        String task = args[2];
        int group = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);
        Path out = Path.of(args[5]);
        int rows = 0;
        try (TransferQueue tq = TransferQueue.connect(controller); PrintWriter w = new PrintWriter(
                Files.newBufferedWriter(out))) {
            System.out.println("consumer " + group + " connected");
            for (int index = 0;; index++) {
                BatchMeta meta = tq.sync().getMeta(GetMetaRequest.fetch(partition, task,
                        List.of("responses", "reward", "uid"), batch).withSampler("rank-aware")
                        .withSampling(SamplingParams.of(group, 2, index)).withWait(Duration.ofSeconds(5)));
                if (meta.extraInfo().containsKey(GetMetaRequest.EXHAUSTED)) {
                    break;
                }
                if (meta.isEmpty()) {
                    index--;
                    continue;
                }
                Batch data = tq.sync().get(meta);
                ObjectColumn uids = (ObjectColumn) data.column("uid");
                for (int i = 0; i < data.size(); i++) {
                    if (!uids.value(i).equals(meta.tags(i).get("uid"))) {
                        throw new AssertionError("row " + i + ": tag uid " + meta.tags(i).get("uid") + " but data uid "
                                + uids.value(i));
                    }
                    w.println(uids.value(i) + " " + GrpoProducer.checksum(data.rows(i)));
                }
                rows += data.size();
            }
        }
        System.out.println("consumer " + group + " done: " + rows + " rows");
    }
}
