package io.transferqueue.cli;

import io.transferqueue.TransferQueue;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.SamplerFactory;
import io.transferqueue.spi.StorageManagerFactory;
import java.util.List;

/** The plugins on the command's class path and every option they declare. */
final class Plugins {
    final NamedPlugins<StorageManagerFactory> backends;
    final NamedPlugins<SamplerFactory> samplers;

    Plugins() {
        ClassLoader l = Plugins.class.getClassLoader();
        backends = NamedPlugins.discover(StorageManagerFactory.class, l, "storage backend", StorageManagerFactory::name);
        samplers = NamedPlugins.discover(SamplerFactory.class, l, "sampler", SamplerFactory::name);
    }

    List<ConfigOption<?>> knownOptions() {
        return TransferQueue.knownOptions(backends, samplers);
    }
}
