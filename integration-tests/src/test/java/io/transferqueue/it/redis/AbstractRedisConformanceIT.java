package io.transferqueue.it.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import io.transferqueue.backend.redis.RedisKvStorageClient;
import io.transferqueue.backend.redis.RedisOptions;
import io.transferqueue.backend.redis.RedisStorageFactory;
import io.transferqueue.config.DataSize;
import io.transferqueue.config.TqConfig;
import io.transferqueue.conformance.StorageManagerConformanceTest;
import io.transferqueue.data.Batch;
import io.transferqueue.data.DType;
import io.transferqueue.data.DenseColumn;
import io.transferqueue.data.Tensor;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.RowHandle;
import io.transferqueue.spi.Capability;
import io.transferqueue.spi.PutOptions;
import io.transferqueue.spi.PutResult;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The redis backend under the conformance kit, plus what is particular to Redis: the mode that runs, keys and
 * binary values as Redis sees them, braces in names, command splitting, TTL, lent clients. Subclasses say where
 * the Redis comes from: a container, a local {@code redis-server}, a local three-master cluster.
 */
abstract class AbstractRedisConformanceIT extends StorageManagerConformanceTest {
    static final String KEY_PREFIX = "tq-it:";

    /** Where the Redis is: {@code tq.storage.redis.uri} or {@code cluster-nodes}. */
    protected abstract TqConfig redisConfig();

    /** True if {@link #redisConfig()} names a Redis Cluster. */
    protected abstract boolean isCluster();

    @Override
    protected StorageManagerFactory factory() {
        return new RedisStorageFactory();
    }

    @Override
    protected TqConfig config() {
        return redisConfig().with(RedisOptions.KEY_PREFIX, KEY_PREFIX)
                .with(RedisOptions.COMMAND_TIMEOUT, Duration.ofSeconds(10));
    }

    // ================================================================== the mode and the handle

    @Test
    void theBackendRunsInTheConfiguredModeAndUnwrapsToItsLettuceConnection() {
        assertThat(manager().capabilities()).containsExactly(Capability.REMOTE);
        StatefulConnection<?, ?> c = manager().unwrap(StatefulConnection.class);
        assertThat(c.isOpen()).isTrue();
        if (isCluster()) {
            assertThat(manager().unwrap(StatefulRedisClusterConnection.class)).isSameAs(c);
            assertThat(manager().unwrap(RedisClusterClient.class).getPartitions().size()).as("cluster nodes")
                    .isEqualTo(3);
            assertThatThrownBy(() -> manager().unwrap(StatefulRedisConnection.class))
                    .isInstanceOf(IllegalArgumentException.class);
        } else {
            assertThat(manager().unwrap(StatefulRedisConnection.class)).isSameAs(c);
            assertThatThrownBy(() -> manager().unwrap(StatefulRedisClusterConnection.class))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void cellsAreBinaryValuesUnderTheKeyPrefix() {
        String p = "it-" + UUID.randomUUID();
        Batch batch = Batch.builder().dense("x", Tensor.of(new float[] {1.5f, -2f, 0f, Float.NaN, 7f, 8f}, 2, 3))
                .build();

        put(manager(), batch, rows(p, 40, 2));

        ByteBuffer raw = get(KEY_PREFIX + p + "/41.0/x");
        ByteBuffer expected = ((DenseColumn) batch.column("x")).rowData(1);
        assertThat(raw).as("the stored value of row 1 is its raw little-endian bytes").isEqualTo(expected);
        assertThat(get(KEY_PREFIX + p + "/41.1/x")).as("another generation").isNull();
    }

    @Test
    void bracesInNamesNeverPinAPartitionToOneHashSlot() {
        String p = "{tag}-" + UUID.randomUUID();
        int n = 64;
        Batch batch = Batch.builder().dense("{f}", Tensor.of(new long[n])).build();
        BatchMeta meta = put(manager(), batch, rows(p, 0, n));

        assertThat(await(manager().get(meta, ReadOptions.copy()))).isEqualTo(batch);
        Set<Integer> slots = new HashSet<>();
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String key = KEY_PREFIX + "{}" + p + "/" + i + ".0/{f}";
            assertThat(get(key)).as("cell %d under its Redis key %s", i, key).isNotNull();
            int slot = SlotHash.getSlot(key);
            slots.add(slot);
            if (isCluster()) {
                RedisClusterNode node = manager().unwrap(RedisClusterClient.class).getPartitions()
                        .getPartitionBySlot(slot);
                nodes.add(node.getNodeId());
            }
        }
        assertThat(slots).as("hash slots of the cells of one partition named with braces").hasSizeGreaterThan(n / 2);
        if (isCluster()) {
            assertThat(nodes).as("cluster nodes holding the partition").hasSize(3);
        }
    }

    @Test
    void aBatchLargerThanMaxBatchSizeIsSplitIntoSeveralCommandsAndRoundTrips() {
        int rows = 64;
        int rowBytes = 4096;
        try (StorageManager small = factory().create(config().with(RedisOptions.MAX_BATCH_SIZE,
                DataSize.ofKibibytes(16)), context())) {
            RedisKvStorageClient client = small.unwrap(RedisKvStorageClient.class);
            Batch batch = Batch.builder().add("payload", denseRandom(rows, rowBytes, 7)).build();

            long before = client.commandsSent();
            BatchMeta meta = put(small, batch, rows("it-" + UUID.randomUUID(), 0, rows));
            long puts = client.commandsSent() - before;
            assertThat(await(small.get(meta, ReadOptions.copy()))).isEqualTo(batch);
            long gets = client.commandsSent() - before - puts;

            // 16 KiB per command holds at most 3 rows of 4 KiB (plus keys)
            assertThat(puts).as("MSET commands of a %d KiB put", rows * rowBytes / 1024).isGreaterThanOrEqualTo(rows / 3);
            assertThat(gets).as("MGET commands of a %d KiB get", rows * rowBytes / 1024).isGreaterThanOrEqualTo(rows / 3);
        }
    }

    @Test
    void inClusterModeEveryCommandStaysWithinOneHashSlot() {
        try (StorageManager m = factory().create(config(), context())) {
            RedisKvStorageClient client = m.unwrap(RedisKvStorageClient.class);
            int rows = 200;
            Batch batch = Batch.builder().dense("id", Tensor.of(new long[rows])).build();
            long before = client.commandsSent();
            BatchMeta meta = put(m, batch, rows("it-" + UUID.randomUUID(), 0, rows));
            long commands = client.commandsSent() - before;

            Set<Integer> slots = new HashSet<>();
            for (int i = 0; i < rows; i++) {
                slots.add(SlotHash.getSlot(KEY_PREFIX + meta.partition(i) + "/" + i + ".0/id"));
            }
            if (isCluster()) {
                assertThat(commands).as("MSETs of %d keys in %d hash slots", rows, slots.size()).isEqualTo(slots.size());
            } else {
                assertThat(commands).as("one MSET of %d keys on one server", rows).isEqualTo(1);
            }
            assertThat(await(m.get(meta, ReadOptions.copy()))).isEqualTo(batch);
        }
    }

    @Test
    void aTtlIsSetOnEveryWrittenValueOnlyWhenConfigured() {
        String p = "it-" + UUID.randomUUID();
        Batch batch = Batch.builder().dense("x", Tensor.of(new int[] {1, 2, 3})).build();
        put(manager(), batch, rows(p, 0, 3));
        assertThat(pttl(KEY_PREFIX + p + "/0.0/x")).as("PTTL without a TTL option").isEqualTo(-1);

        try (StorageManager m = factory().create(config().with(RedisOptions.TTL, Duration.ofHours(1)), context())) {
            String q = "it-" + UUID.randomUUID();
            BatchMeta meta = put(m, batch, rows(q, 0, 3));
            for (int i = 0; i < 3; i++) {
                assertThat(pttl(KEY_PREFIX + q + "/" + i + ".0/x")).as("PTTL of row %d with ttl=1h", i)
                        .isBetween(1L, TimeUnit.HOURS.toMillis(1));
            }
            assertThat(await(m.get(meta, ReadOptions.copy()))).isEqualTo(batch);
        }
    }

    @Test
    void aClientLentByTheHostIsUsedAndNotClosed() {
        AbstractRedisClient lent;
        StorageContext ctx;
        RedisKvStorageClient own = manager().unwrap(RedisKvStorageClient.class);
        if (isCluster()) {
            List<io.lettuce.core.RedisURI> seeds = new ArrayList<>();
            for (String s : redisConfig().get(RedisOptions.CLUSTER_NODES)) {
                seeds.add(io.lettuce.core.RedisURI.create(s));
            }
            RedisClusterClient c = RedisClusterClient.create(seeds);
            lent = c;
            ctx = context().withResource(RedisClusterClient.class, c);
        } else {
            RedisClient c = RedisClient.create();
            lent = c;
            ctx = context().withResource(RedisClient.class, c);
        }
        try {
            Batch batch = Batch.builder().dense("x", Tensor.of(new double[] {1, 2})).build();
            BatchMeta meta;
            try (StorageManager m = factory().create(config(), ctx)) {
                assertThat(m.unwrap(AbstractRedisClient.class)).as("the client the backend uses").isSameAs(lent);
                meta = put(m, batch, rows("it-" + UUID.randomUUID(), 0, 2));
                assertThat(await(m.get(meta, ReadOptions.copy()))).isEqualTo(batch);
            }
            // the lent client still works after the backend closed: connect with it and read the cells back
            if (lent instanceof RedisClusterClient c) {
                try (StatefulRedisClusterConnection<String, String> conn = c.connect()) {
                    assertThat(conn.sync().exists(KEY_PREFIX + meta.partition(0) + "/0.0/x")).isEqualTo(1L);
                }
            } else {
                RedisClient c = (RedisClient) lent;
                try (StatefulRedisConnection<String, String> conn = c.connect(
                        io.lettuce.core.RedisURI.create(redisConfig().get(RedisOptions.URI)))) {
                    assertThat(conn.sync().exists(KEY_PREFIX + meta.partition(0) + "/0.0/x")).isEqualTo(1L);
                }
            }
            assertThat(own.commandsSent()).as("the test's own manager was not used").isZero();
        } finally {
            lent.shutdown(0, 10, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientResourcesLentByTheHostAreUsedAndNotShutDown() {
        ClientResources lent = ClientResources.create();
        try {
            Batch batch = Batch.builder().dense("x", Tensor.of(new int[] {4, 5, 6})).build();
            try (StorageManager m = factory().create(config(), context().withResource(ClientResources.class, lent))) {
                assertThat(m.unwrap(StatefulConnection.class).getResources()).isSameAs(lent);
                BatchMeta meta = put(m, batch, rows("it-" + UUID.randomUUID(), 0, 3));
                assertThat(await(m.get(meta, ReadOptions.copy()))).isEqualTo(batch);
            }
            assertThat(lent.eventExecutorGroup().isShuttingDown()).as("the lent resources after close").isFalse();
            assertThat(lent.timer().newTimeout(t -> { }, 1, TimeUnit.SECONDS).cancel()).as("the lent timer still runs")
                    .isTrue();
        } finally {
            lent.shutdown(0, 10, TimeUnit.SECONDS).awaitUninterruptibly(20_000);
        }
    }

    @Test
    void theBackendsThreadsAreNamedSoTheKitCanSeeThemStop() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("tq-redis-")) {
                names.add(t.getName());
            }
        }
        assertThat(names).as("threads of the backend's own Lettuce resources").isNotEmpty();
    }

    // ================================================================== helpers

    static BatchMeta rows(String partition, long firstGi, int count) {
        List<RowHandle> h = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            h.add(new RowHandle(partition, firstGi + i, 0));
        }
        return BatchMeta.of(h);
    }

    /** {@code rows} rows: a dense field of {@code rowBytes} random bytes and a jagged int32 field, from {@code seed}. */
    static Batch batchOf(int rows, int rowBytes, long seed) {
        Random r = new Random(seed);
        List<Tensor> jagged = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            int[] v = new int[1 + r.nextInt(16)];
            for (int k = 0; k < v.length; k++) {
                v[k] = r.nextInt();
            }
            jagged.add(Tensor.of(v));
        }
        return Batch.builder().add("payload", denseRandom(rows, rowBytes, seed)).jagged("tokens", jagged).build();
    }

    static DenseColumn denseRandom(int rows, int rowBytes, long seed) {
        byte[] b = new byte[rows * rowBytes];
        new Random(seed).nextBytes(b);
        return DenseColumn.wrap(DType.UINT8, rows, new int[] {rowBytes}, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    }

    BatchMeta put(StorageManager m, Batch batch, BatchMeta rows) {
        PutResult r = await(m.put(batch, rows, PutOptions.defaults()));
        return rows.withSchema(r.schema(), true);
    }

    <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the operation failed: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private ByteBuffer get(String key) {
        if (isCluster()) {
            return ((StatefulRedisClusterConnection<String, ByteBuffer>) manager()
                    .unwrap(StatefulRedisClusterConnection.class)).sync().get(key);
        }
        return ((StatefulRedisConnection<String, ByteBuffer>) manager().unwrap(StatefulRedisConnection.class)).sync()
                .get(key);
    }

    @SuppressWarnings("unchecked")
    private long pttl(String key) {
        if (isCluster()) {
            return ((StatefulRedisClusterConnection<String, ByteBuffer>) manager()
                    .unwrap(StatefulRedisClusterConnection.class)).sync().pttl(key);
        }
        return ((StatefulRedisConnection<String, ByteBuffer>) manager().unwrap(StatefulRedisConnection.class)).sync()
                .pttl(key);
    }
}
