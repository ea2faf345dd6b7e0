package io.transferqueue.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.util.HashedWheelTimer;
import io.transferqueue.backend.redis.ChunkPlan.Chunk;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster dispatch: a command goes through the cluster connection only once the connection to its slot's master
 * is open (Lettuce would reject it while that connection is pending), commands of different masters do not wait
 * for each other, and a master that cannot be connected to fails its commands.
 */
class RedisConnectionsTest {
    private final HashedWheelTimer timer = new HashedWheelTimer();
    /** Pending connections to masters, by port. */
    private final Map<Integer, CompletableFuture<Object>> opening = new ConcurrentHashMap<>();
    private final List<Object> dispatched = new CopyOnWriteArrayList<>();
    private final Partitions partitions = new Partitions();

    @AfterEach
    void stop() {
        timer.stop();
    }

    @SuppressWarnings("unchecked")
    private RedisConnections cluster() {
        // master 7000 owns slots 0..8191, master 7001 the rest
        partitions.add(master(7000, 0, 8192));
        partitions.add(master(7001, 8192, 16384));
        partitions.updateCache();
        StatefulRedisClusterConnection<String, ByteBuffer> c = (StatefulRedisClusterConnection<String, ByteBuffer>) Proxy
                .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {StatefulRedisClusterConnection.class},
                        (proxy, method, args) -> switch (method.getName()) {
                            case "getPartitions" -> partitions;
                            case "getConnectionAsync" -> opening.computeIfAbsent((Integer) args[1],
                                    p -> new CompletableFuture<>());
                            case "dispatch" -> {
                                dispatched.add(args[0]);
                                yield args[0];
                            }
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "toString" -> "cluster connection";
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
        return RedisConnections.wrap(c, true, "test cluster", timer, Duration.ofSeconds(1));
    }

    private static RedisClusterNode master(int port, int from, int to) {
        List<Integer> slots = IntStream.range(from, to).boxed().toList();
        return new RedisClusterNode(RedisURI.create("127.0.0.1", port), "node-" + port, true, null, 0, 0, 0, slots,
                Set.of(RedisClusterNode.NodeFlag.UPSTREAM));
    }

    private static AsyncCommand<String, ByteBuffer, ?> command() {
        return new AsyncCommand<>(new Command<>(CommandType.MSET, new StatusOutput<>(ByteBufferCodec.INSTANCE),
                new CommandArgs<>(ByteBufferCodec.INSTANCE)));
    }

    @Test
    void commandsWaitForTheirMastersConnectionAndThenGoThroughTheClusterConnection() {
        RedisConnections c = cluster();
        List<AsyncCommand<String, ByteBuffer, ?>> commands = List.of(command(), command(), command());
        List<Chunk> chunks = List.of(new Chunk(new int[] {0}, 1, 5), new Chunk(new int[] {1}, 1, 9000),
                new Chunk(new int[] {2}, 1, 100));

        c.dispatch(chunks, commands);

        assertThat(opening).containsOnlyKeys(7000, 7001);
        assertThat(dispatched).as("nothing sent while the masters' connections are opening").isEmpty();
        opening.get(7001).complete(new Object());
        assertThat(dispatched).containsExactly(commands.get(1));
        opening.get(7000).complete(new Object());
        assertThat(dispatched).containsExactly(commands.get(1), commands.get(0), commands.get(2));
    }

    @Test
    void aMasterThatCannotBeConnectedToFailsItsCommandsOnly() {
        RedisConnections c = cluster();
        List<AsyncCommand<String, ByteBuffer, ?>> commands = new ArrayList<>(List.of(command(), command()));

        c.dispatch(List.of(new Chunk(new int[] {0}, 1, 5), new Chunk(new int[] {1}, 1, 9000)), commands);
        opening.get(7000).completeExceptionally(new RedisConnectionException("Connection refused"));
        opening.get(7001).complete(new Object());

        assertThat(commands.get(0)).isCompletedExceptionally();
        assertThat(dispatched).containsExactly(commands.get(1));
    }
}
