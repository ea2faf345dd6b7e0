package io.transferqueue.it.distributed;

import io.transferqueue.TransferQueue;
import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.data.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Producer process: {@code prompts} GRPO groups of {@code n} responses (jagged token ids, a reward each, a uid),
 * each group put as one insert with tags; writes "uid checksum" per row to {@code out}, then marks the partition
 * complete. Args: controller partition prompts n seed out.
 */
public final class GrpoProducer {
    private GrpoProducer() {
    }

    static long checksum(Batch oneRow) {
        JaggedColumn ids = (JaggedColumn) oneRow.column("responses");
        DenseColumn reward = (DenseColumn) oneRow.column("reward");
        return Buffers.checksum(ids.rowData(0)) * 31 + Buffers.checksum(reward.rowData(0));
    }

    public static void main(String[] args) throws Exception {
        String controller = args[0];
        String partition = args[1];
        int prompts = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        Random rnd = new Random(Long.parseLong(args[4]));
        Path out = Path.of(args[5]);
        try (TransferQueue tq = TransferQueue.connect(controller); PrintWriter w = new PrintWriter(
                Files.newBufferedWriter(out))) {
            for (int p = 0; p < prompts; p++) {
                List<Tensor> responses = new ArrayList<>();
                float[] rewards = new float[n];
                List<String> uids = new ArrayList<>();
                List<Map<String, Object>> tags = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    long[] ids = new long[16 + rnd.nextInt(240)];
                    for (int k = 0; k < ids.length; k++) {
                        ids[k] = rnd.nextInt(150_000);
                    }
                    responses.add(Tensor.of(ids));
                    rewards[r] = rnd.nextFloat();
                    uids.add("p" + p + "r" + r);
                    Map<String, Object> t = new HashMap<>();
                    t.put("uid", uids.get(r));
                    t.put("total_lengths", (long) ids.length);
                    tags.add(t);
                }
                Batch b = Batch.builder().jagged("responses", responses).dense("reward", Tensor.of(rewards))
                        .objects("uid", uids).build();
                tq.sync().put(partition, b, tags);
                for (int r = 0; r < n; r++) {
                    w.println(uids.get(r) + " " + checksum(b.rows(r)));
                }
            }
            tq.sync().markComplete(partition);
        }
        System.out.println("producer done");
    }
}
