package io.transferqueue.cli.bench;

import static java.util.Objects.requireNonNull;

import io.transferqueue.TransferQueue;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.SyncTransferQueueClient;
import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.ReadOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend through the real client path, as upstream's put_benchmark drives it: {@code put} of the whole batch
 * into a new partition (timed: the controller's insert, the storage write and the notify), {@code getMeta} of
 * every row (not timed), {@code get} of the whole batch (timed; a copy the caller owns), optionally a zero-copy
 * {@code get} (timed), then {@code clearPartition} (not timed).
 *
 * <p>With {@code corrupt}, a verified iteration overwrites the first cell through the public API (a second
 * {@code put} into the same row with one byte flipped) before reading, so the check must fail.
 */
final class QueueSide implements Side {
    /** The task name fetches consume rows under. */
    static final String TASK = "bench";

    private final String name;
    private final TransferQueue tq;
    private final boolean zeroCopyGet;
    private final boolean corrupt;
    private final Runnable settle;

    /**
     * @param tq the queue (owned: closed with this side)
     * @param zeroCopyGet also time a zero-copy {@code get} ({@code GET-zc})
     * @param settle run before each timed operation (waits out a backend's background work), or null
     */
    QueueSide(String name, TransferQueue tq, boolean zeroCopyGet, boolean corrupt, Runnable settle) {
        this.name = requireNonNull(name, "name is null");
        this.tq = requireNonNull(tq, "tq is null");
        this.zeroCopyGet = zeroCopyGet;
        this.corrupt = corrupt;
        this.settle = settle == null ? () -> { } : settle;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> ops() {
        return zeroCopyGet ? List.of("PUT", "GET", "GET-zc") : List.of("PUT", "GET");
    }

    TransferQueue queue() {
        return tq;
    }

    @Override
    public long[] iterate(Workload w, int iteration, boolean verify) {
        SyncTransferQueueClient c = tq.sync();
        String partition = "bench_" + w.label().replace('+', '_') + "_" + iteration;
        long[] out = new long[zeroCopyGet ? 3 : 2];
        try {
            settle.run();
            long t0 = System.nanoTime();
            BatchMeta put = c.put(partition, w.batch());
            out[0] = System.nanoTime() - t0;
            if (corrupt && verify) {
                c.put(w.corruptedFirstCell(), put.selectRows(0));
            }
            BatchMeta meta = inOrderOf(put, c.getMeta(GetMetaRequest.fetch(partition, TASK, w.fields(), w.rows())));
            settle.run();
            long t1 = System.nanoTime();
            Batch got = c.get(meta);
            out[1] = System.nanoTime() - t1;
            if (verify) {
                w.verify(got, name);
            }
            got = null;
            if (zeroCopyGet) {
                long t2 = System.nanoTime();
                Batch view = c.get(meta, ReadOptions.zeroCopy());
                out[2] = System.nanoTime() - t2;
                if (verify) {
                    w.verify(view, name + " (zero-copy GET)");
                }
            }
        } finally {
            c.clearPartition(partition);
        }
        return out;
    }

    /**
     * {@code fetched} rows in the order they were put (row i of the batch is row i of {@code put}), so the bytes
     * read line up with the bytes written.
     */
    static BatchMeta inOrderOf(BatchMeta put, BatchMeta fetched) {
        if (fetched.size() != put.size()) {
            throw new IllegalStateException("getMeta returned " + fetched.size() + " rows of the " + put.size()
                    + " just put");
        }
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < fetched.size(); i++) {
            position.put(fetched.globalIndex(i), i);
        }
        int[] order = new int[put.size()];
        boolean same = true;
        for (int i = 0; i < order.length; i++) {
            Integer p = position.get(put.globalIndex(i));
            if (p == null) {
                throw new IllegalStateException("getMeta did not return row " + put.globalIndex(i) + " just put");
            }
            order[i] = p;
            same &= p == i;
        }
        return same ? fetched : fetched.selectRows(order);
    }

    @Override
    public void close() {
        tq.close();
    }
}
