package io.transferqueue.cli;

import io.transferqueue.TransferQueue;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.SamplerFactory;
import io.transferqueue.spi.StorageManagerFactory;
import java.util.List;
import java.util.Set;

/** The plugins on the command's class path and every option they declare. */
public final class Plugins {
    public final NamedPlugins<StorageManagerFactory> backends;
    public final NamedPlugins<SamplerFactory> samplers;

    public Plugins() {
        ClassLoader l = Plugins.class.getClassLoader();
        backends = NamedPlugins.discover(StorageManagerFactory.class, l, "storage backend", StorageManagerFactory::name);
        samplers = NamedPlugins.discover(SamplerFactory.class, l, "sampler", SamplerFactory::name);
    }

    public List<ConfigOption<?>> knownOptions() {
        return TransferQueue.knownOptions(backends, samplers);
    }

    /**
     * {@code cfg} after checking it against every known option: unknown {@code tq.*} keys and invalid values fail
     * (a {@link io.transferqueue.error.ConfigException}); {@code TQ_*} environment variables that match no option
     * are named on stderr and ignored (the environment is shared with other tools), so a typo does not go unseen.
     */
    TqConfig checked(TqConfig cfg) {
        List<ConfigOption<?>> known = knownOptions();
        cfg.validate(known);
        Set<String> unknownEnv = cfg.unknownEnvironmentVariables(known);
        if (!unknownEnv.isEmpty()) {
            System.err.println("tq: ignoring environment variables that match no TransferQueue option: " + unknownEnv);
        }
        return cfg;
    }
}
