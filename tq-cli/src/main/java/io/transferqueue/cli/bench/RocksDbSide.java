package io.transferqueue.cli.bench;

import io.transferqueue.backend.rocksdb.RocksDbConfig;
import io.transferqueue.backend.rocksdb.RocksDbStorageClient;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.KvStorageManager;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Raw rocksdbjni, the baseline of {@code rocksdb}: a second database opened by the backend's own code with the same
 * options (so block cache, write buffer, compression, WAL and background jobs are identical), written with one
 * {@link WriteBatch} of {@code byte[]} keys and values and read with {@code multiGetAsList}. Keys are the ones the
 * backend would make for the same cells; the values are the same bytes, as arrays made once before the clock.
 */
final class RocksDbSide implements Side {
    private final RocksDbStorageClient client;
    private final RocksDB db;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private Runnable settle = () -> { };

    RocksDbSide(RocksDbConfig config) {
        this.client = RocksDbStorageClient.open(config);
        this.db = client.unwrap(RocksDB.class);
        this.writeOptions = new WriteOptions().setDisableWAL(!config.wal()).setSync(config.syncWrites());
        this.readOptions = new ReadOptions();
    }

    /**
     * Runs {@code s} before every timed operation: it waits until neither database flushes or compacts, so neither
     * side competes with background work the other left.
     */
    void settleWith(Runnable s) {
        this.settle = s;
    }

    RocksDB db() {
        return db;
    }

    @Override
    public String name() {
        return "raw-rocksdbjni";
    }

    @Override
    public List<String> ops() {
        return List.of("PUT", "GET");
    }

    @Override
    public long[] iterate(Workload w, int iteration, boolean verify) throws RocksDBException {
        byte[][] values = w.cellArrays();
        String partition = "raw_" + w.label().replace('+', '_') + "_" + iteration;
        List<byte[]> keys = new ArrayList<>(values.length);
        for (String f : w.fields()) {
            for (int i = 0; i < w.rows(); i++) {
                keys.add(KvStorageManager.key("", new RowHandle(partition, i, 0), f).getBytes(StandardCharsets.UTF_8));
            }
        }
        settle.run();
        long t0 = System.nanoTime();
        try (WriteBatch wb = new WriteBatch()) {
            for (int k = 0; k < values.length; k++) {
                wb.put(keys.get(k), values[k]);
            }
            db.write(writeOptions, wb);
        }
        long t1 = System.nanoTime();
        settle.run();
        long t2 = System.nanoTime();
        List<byte[]> got = db.multiGetAsList(readOptions, keys);
        long t3 = System.nanoTime();
        if (verify) {
            w.verifyArrays(got, name());
        }
        got = null;
        try (WriteBatch wb = new WriteBatch()) {
            for (byte[] k : keys) {
                wb.delete(k);
            }
            db.write(writeOptions, wb);
        }
        return new long[] {t1 - t0, t3 - t2};
    }

    @Override
    public void done(Workload w) {
        w.releaseArrays();
    }

    @Override
    public void close() {
        readOptions.close();
        writeOptions.close();
        client.close();
    }

    /** A settle step waiting (up to a minute) until none of {@code dbs} flushes or compacts or has such work pending. */
    static Runnable settle(RocksDB... dbs) {
        return () -> {
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (RocksDB d : dbs) {
                try {
                    while (busy(d) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                } catch (RocksDBException e) {
                    throw new IllegalStateException("cannot read RocksDB properties: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        };
    }

    private static boolean busy(RocksDB db) throws RocksDBException {
        return db.getLongProperty("rocksdb.num-running-flushes") > 0
                || db.getLongProperty("rocksdb.num-running-compactions") > 0
                || db.getLongProperty("rocksdb.mem-table-flush-pending") > 0
                || db.getLongProperty("rocksdb.compaction-pending") > 0;
    }
}
