package io.transferqueue;

import static java.util.Objects.requireNonNull;

import io.transferqueue.client.ClientOptions;
import io.transferqueue.client.GetMetaRequest;
import io.transferqueue.client.KvData;
import io.transferqueue.client.KvGetOptions;
import io.transferqueue.client.PartitionStats;
import io.transferqueue.client.SyncTransferQueueClient;
import io.transferqueue.client.TransferQueueClient;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.CoreOptions;
import io.transferqueue.config.TqConfig;
import io.transferqueue.controller.Controller;
import io.transferqueue.controller.ControllerApi;
import io.transferqueue.controller.ControllerOptions;
import io.transferqueue.controller.LocalControllerApi;
import io.transferqueue.data.Batch;
import io.transferqueue.meta.BatchMeta;
import io.transferqueue.meta.KvBatchMeta;
import io.transferqueue.meta.TagMode;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.ReadOptions;
import io.transferqueue.spi.SamplerFactory;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import io.transferqueue.rpc.RemoteControllerApi;
import io.transferqueue.rpc.ServerOptions;
import io.transferqueue.transport.Endpoints;
import io.transferqueue.transport.RpcClient;
import io.transferqueue.transport.RpcOptions;
import io.transferqueue.transport.RpcSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point. {@link #embedded(TqConfig)} runs the controller and the configured storage backend inside this
 * JVM, with no sockets: what {@code tq demo} uses and what a JVM service embeds.
 *
 * <pre>{@code
 * try (TransferQueue tq = TransferQueue.embedded(TqConfig.load())) {
 *     BatchMeta rows = tq.sync().put("train", batch);
 *     BatchMeta ready = tq.sync().getMeta(GetMetaRequest.fetch("train", "actor", List.of("input_ids"), 8));
 *     Batch data = tq.sync().get(ready);
 * }
 * }</pre>
 *
 * <p>An instance owns the controller and the storage backend it created and closes them in {@link #close()};
 * resources lent through {@link Builder#resource} stay the host's. Two instances in one JVM share nothing.
 */
public final class TransferQueue implements TransferQueueClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransferQueue.class);

    private final TqConfig config;
    private final ControllerApi controller;
    private final StorageManager storage;
    private final QueueClient client;
    private volatile boolean closed;

    private TransferQueue(TqConfig config, ControllerApi controller, StorageManager storage) {
        this.config = config;
        this.controller = controller;
        this.storage = storage;
        this.client = new QueueClient(controller, storage, config.get(ClientOptions.TIMEOUT));
    }

    /** An embedded TransferQueue: controller and storage in this JVM, plugins found on this class's loader. */
    public static TransferQueue embedded(TqConfig config) {
        return builder().config(config).embedded();
    }

    /**
     * A client of the controller at {@code address} ({@code tcp://host:port}): the controller serves the backend
     * configuration and storage topology, so the address is all a client needs. This process's own settings
     * ({@link TqConfig#load()}) override what the controller serves.
     */
    public static TransferQueue connect(String address) {
        return builder().config(TqConfig.load()).connect(address);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The effective configuration. */
    public TqConfig config() {
        return config;
    }

    /** The storage backend (for {@link StorageManager#unwrap} and statistics). Owned by this instance. */
    public StorageManager storage() {
        return storage;
    }

    /** The controller API this client talks to. */
    public ControllerApi controllerApi() {
        return controller;
    }

    /**
     * Every option a process with these plugins understands: core, controller and client options plus those of
     * every storage backend and sampler found.
     */
    public static List<ConfigOption<?>> knownOptions(NamedPlugins<StorageManagerFactory> backends,
            NamedPlugins<SamplerFactory> samplers) {
        List<ConfigOption<?>> known = new ArrayList<>(CoreOptions.all());
        known.addAll(ControllerOptions.all());
        known.addAll(ClientOptions.all());
        known.addAll(RpcOptions.all());
        known.addAll(ServerOptions.all());
        for (StorageManagerFactory f : backends.all().values()) {
            known.addAll(f.options());
        }
        for (SamplerFactory f : samplers.all().values()) {
            known.addAll(f.options());
        }
        return known;
    }

    /** Builds a TransferQueue with an explicit class loader and host-lent resources. */
    public static final class Builder {
        private TqConfig config = TqConfig.defaults();
        private ClassLoader loader = TransferQueue.class.getClassLoader();
        private final Map<Class<?>, Object> resources = new HashMap<>();

        private Builder() {
        }

        public Builder config(TqConfig c) {
            this.config = requireNonNull(c, "config is null");
            return this;
        }

        /** The class loader storage backends and samplers are discovered with. */
        public Builder classLoader(ClassLoader l) {
            this.loader = requireNonNull(l, "classLoader is null");
            return this;
        }

        /** A resource the host lends the backend (e.g. a Lettuce client); it is never closed by TransferQueue. */
        public <T> Builder resource(Class<T> type, T resource) {
            resources.put(requireNonNull(type, "type is null"), requireNonNull(resource, "resource is null"));
            return this;
        }

        /**
         * Creates the embedded controller and storage backend.
         *
         * @throws io.transferqueue.error.ConfigException for unknown keys, invalid values or an unknown backend
         */
        public TransferQueue embedded() {
            Plugins plugins = checkedPlugins();
            StorageManagerFactory factory = plugins.backend(config, "embedded");
            Controller controller = Controller.create(config, plugins.samplers());
            StorageManager storage;
            try {
                storage = factory.create(config, storageContext());
            } catch (RuntimeException e) {
                controller.close();
                throw e;
            }
            return new TransferQueue(config, new LocalControllerApi(controller, true), storage);
        }

        /**
         * Connects to the controller at {@code address}: checks the protocol version, fetches the served
         * configuration (waiting up to {@code tq.rpc.timeout} for remote storage units to register), layers this
         * builder's configuration over it, and creates the storage backend it names.
         *
         * @throws io.transferqueue.error.BackendUnavailableException if the controller cannot be reached in time
         * @throws io.transferqueue.error.ProtocolVersionException if it speaks another protocol version
         */
        public TransferQueue connect(String address) {
            String peer = Endpoints.check(address);
            Plugins plugins = checkedPlugins();
            RpcSettings settings = RpcOptions.settings(config);
            RemoteControllerApi api = new RemoteControllerApi(peer, RpcClient.create("client", settings), true);
            try {
                await(api.hello(), settings.timeout());
                TqConfig effective = config.withServed(servedConfig(api, peer, settings), "controller " + peer);
                effective.validate(plugins.known());
                StorageManagerFactory factory = plugins.backend(effective, "connected to controller " + peer + ";");
                return new TransferQueue(effective, api, factory.create(effective, storageContext()));
            } catch (RuntimeException e) {
                api.close();
                throw e;
            }
        }

        /**
         * The plugins, after checking this builder's configuration against every option they know: unknown keys
         * and invalid values fail; {@code TQ_*} environment variables that match no option are logged once.
         */
        private Plugins checkedPlugins() {
            Plugins plugins = discoverPlugins();
            config.validate(plugins.known());
            Set<String> unknownEnv = config.unknownEnvironmentVariables(plugins.known());
            if (!unknownEnv.isEmpty()) {
                LOG.warn("ignoring environment variables that match no TransferQueue option: {}", unknownEnv);
            }
            return plugins;
        }

        /** The controller's configuration, retried while it still waits for its storage units to register. */
        private static Map<String, String> servedConfig(RemoteControllerApi api, String peer, RpcSettings settings) {
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            while (true) {
                try {
                    return await(api.servedConfig(), settings.timeout());
                } catch (io.transferqueue.error.BackendUnavailableException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    LOG.info("controller {}: {}", peer, e.getMessage());
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                }
            }
        }

        private Plugins discoverPlugins() {
            NamedPlugins<StorageManagerFactory> backends = NamedPlugins.discover(StorageManagerFactory.class, loader,
                    "storage backend", StorageManagerFactory::name);
            NamedPlugins<SamplerFactory> samplers = NamedPlugins.discover(SamplerFactory.class, loader, "sampler",
                    SamplerFactory::name);
            return new Plugins(backends, samplers, knownOptions(backends, samplers));
        }

        /** A fresh storage context on this builder's loader, carrying the resources the host lent. */
        private StorageContext storageContext() {
            StorageContext context = StorageContext.of("tq-" + UUID.randomUUID().toString().substring(0, 8), loader);
            for (Map.Entry<Class<?>, Object> e : resources.entrySet()) {
                context = withResource(context, e.getKey(), e.getValue());
            }
            return context;
        }

        private static <T> T await(CompletableFuture<T> f, java.time.Duration timeout) {
            return io.transferqueue.client.Futures.await(f, timeout, "connect");
        }

        @SuppressWarnings("unchecked")
        private static <T> StorageContext withResource(StorageContext c, Class<T> type, Object value) {
            return c.withResource(type, (T) value);
        }

        /** The plugins found on the builder's loader and the options they declare. */
        private record Plugins(NamedPlugins<StorageManagerFactory> backends, NamedPlugins<SamplerFactory> samplers,
                List<ConfigOption<?>> known) {

            /** The factory {@code tq.storage.backend} names, logged with where that choice came from. */
            StorageManagerFactory backend(TqConfig config, String mode) {
                String name = config.get(CoreOptions.STORAGE_BACKEND);
                StorageManagerFactory factory = backends.get(name);
                LOG.info("{} storage backend '{}' ({}), from {}", mode, name, factory.getClass().getName(),
                        config.sourceOf(CoreOptions.STORAGE_BACKEND));
                return factory;
            }
        }
    }

    // ------------------------------------------------------------------ delegation

    @Override
    public CompletableFuture<BatchMeta> put(String partition, Batch batch) {
        return client.put(partition, batch);
    }

    @Override
    public CompletableFuture<BatchMeta> put(String partition, Batch batch, List<? extends Map<String, ?>> tags) {
        return client.put(partition, batch, tags);
    }

    @Override
    public CompletableFuture<BatchMeta> put(Batch batch, BatchMeta meta) {
        return client.put(batch, meta);
    }

    @Override
    public CompletableFuture<BatchMeta> put(Batch batch, BatchMeta meta, List<? extends Map<String, ?>> tags,
            TagMode mode) {
        return client.put(batch, meta, tags, mode);
    }

    @Override
    public CompletableFuture<BatchMeta> getMeta(GetMetaRequest request) {
        return client.getMeta(request);
    }

    @Override
    public CompletableFuture<Batch> get(BatchMeta meta) {
        return client.get(meta);
    }

    @Override
    public CompletableFuture<Batch> get(BatchMeta meta, ReadOptions options) {
        return client.get(meta, options);
    }

    @Override
    public CompletableFuture<Void> setTags(BatchMeta meta, List<? extends Map<String, ?>> tags, TagMode mode) {
        return client.setTags(meta, tags, mode);
    }

    @Override
    public CompletableFuture<Void> clearSamples(BatchMeta meta) {
        return client.clearSamples(meta);
    }

    @Override
    public CompletableFuture<Void> clearPartition(String partition) {
        return client.clearPartition(partition);
    }

    @Override
    public CompletableFuture<Void> resetConsumption(String partition, String task) {
        return client.resetConsumption(partition, task);
    }

    @Override
    public CompletableFuture<List<String>> partitions() {
        return client.partitions();
    }

    @Override
    public CompletableFuture<PartitionStats> stats(String partition) {
        return client.stats(partition);
    }

    @Override
    public CompletableFuture<Void> markComplete(String partition) {
        return client.markComplete(partition);
    }

    @Override
    public CompletableFuture<Void> expectRows(String partition, long rows) {
        return client.expectRows(partition, rows);
    }

    @Override
    public CompletableFuture<KvBatchMeta> kvPut(String partition, String key, Batch fields, Map<String, ?> tag) {
        return client.kvPut(partition, key, fields, tag);
    }

    @Override
    public CompletableFuture<KvBatchMeta> kvBatchPut(String partition, List<String> keys, Batch fields,
            List<? extends Map<String, ?>> tags) {
        return client.kvBatchPut(partition, keys, fields, tags);
    }

    @Override
    public CompletableFuture<KvData> kvBatchGet(String partition, List<String> keys, KvGetOptions options) {
        return client.kvBatchGet(partition, keys, options);
    }

    @Override
    public CompletableFuture<Map<String, Map<String, Object>>> kvList(String partition) {
        return client.kvList(partition);
    }

    @Override
    public CompletableFuture<Void> kvClear(String partition, List<String> keys) {
        return client.kvClear(partition, keys);
    }

    @Override
    public SyncTransferQueueClient sync() {
        return client.sync();
    }

    /**
     * Closes what this instance created: the storage backend, then the controller (parked fetches fail with
     * {@link io.transferqueue.error.ClosedException}). Idempotent; later failures are attached as suppressed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            storage.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            controller.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
