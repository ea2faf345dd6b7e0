package io.transferqueue.backend.simple;

import static org.assertj.core.api.Assertions.fail;

import io.transferqueue.data.Batch;
import io.transferqueue.data.Buffers;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.JaggedColumn;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small batches and metas for the tests of this package. */
final class TestData {
    static final String PARTITION = "p";

    private TestData() {
    }

    static SimpleStorageManager manager(int units) {
        return new SimpleStorageManager(SimpleStorageConfig.unlimited(units));
    }

    /** Rows {@code gis}, all of generation {@code gen}, no fields. */
    static BatchMeta metaGen(int gen, long... gis) {
        int[] gens = new int[gis.length];
        java.util.Arrays.fill(gens, gen);
        return BatchMeta.builder().rows(PARTITION, gis, gens).build();
    }

    /** Rows {@code gis} of generation 0, no fields. */
    static BatchMeta meta(long... gis) {
        return metaGen(0, gis);
    }

    static long[] range(long from, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + i;
        }
        return out;
    }

    static ByteBuffer randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    static DenseColumn dense(Random rnd, DType dtype, int rows, int... rowShape) {
        int rowBytes = dtype.elementSize();
        for (int d : rowShape) {
            rowBytes *= d;
        }
        return DenseColumn.wrap(dtype, rows, rowShape, randomBytes(rnd, rows * rowBytes));
    }

    /** Rank-1 rows of the given lengths. */
    static JaggedColumn jagged(Random rnd, DType dtype, int... lengths) {
        int[][] shapes = new int[lengths.length][];
        int total = 0;
        for (int i = 0; i < lengths.length; i++) {
            shapes[i] = new int[] {lengths[i]};
            total += lengths[i];
        }
        return JaggedColumn.wrap(dtype, shapes, randomBytes(rnd, total * dtype.elementSize()));
    }

    /** A batch with a dense float32 [4], a jagged int64 and an object field. */
    static Batch mixed(Random rnd, int rows) {
        int[] lengths = new int[rows];
        for (int i = 0; i < rows; i++) {
            lengths[i] = 1 + rnd.nextInt(7);
        }
        List<Object> uids = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            uids.add(i % 3 == 0 ? new byte[] {(byte) i, 1, 2} : "uid-" + rnd.nextInt(1000));
        }
        return Batch.builder()
                .add("x", dense(rnd, DType.FLOAT32, rows, 4))
                .add("ids", jagged(rnd, DType.INT64, lengths))
                .objects("uid", uids)
                .build();
    }

    /** Puts and returns the meta with the written schema, ready for a get. */
    static BatchMeta put(SimpleStorageManager m, Batch batch, BatchMeta meta) {
        PutResult r = await(m.put(batch, meta, PutOptions.defaults()));
        return meta.withSchema(r.schema(), true);
    }

    static Batch get(SimpleStorageManager m, BatchMeta meta) {
        return await(m.get(meta, ReadOptions.copy()));
    }

    static Batch getZeroCopy(SimpleStorageManager m, BatchMeta meta) {
        return await(m.get(meta, ReadOptions.zeroCopy()));
    }

    /** The value of a future (bounded wait), rethrowing its failure's cause. */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("future did not complete within 30 s", e);
        }
    }

    /** The failure of a future (bounded wait); fails the test if it succeeds. */
    static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("future did not complete within 30 s", e);
        }
        return fail("expected the future to fail, it succeeded");
    }

    /**
     * An independent copy, byte-array object values included ({@link Batch#copy()} shares object columns,
     * whose byte arrays a writer could still change).
     */
    static Batch deepCopy(Batch b) {
        Batch.Builder out = Batch.builder();
        b.columns().forEach((name, c) -> out.add(name, c instanceof io.transferqueue.data.ObjectColumn o
                ? io.transferqueue.data.ObjectColumn.of(name, o.values()) : c.copy()));
        return out.build();
    }

    static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static long checksum(ByteBuffer b) {
        return Buffers.checksum(b);
    }
}
