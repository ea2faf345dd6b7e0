/**
 * Service-provider interfaces: storage backends ({@link io.transferqueue.spi.StorageManagerFactory},
 * {@link io.transferqueue.spi.StorageManager}, {@link io.transferqueue.spi.KvStorageClient} with the
 * generic {@link io.transferqueue.spi.KvStorageManager}) and samplers
 * ({@link io.transferqueue.spi.SamplerFactory}, {@link io.transferqueue.spi.Sampler}). Factories are
 * stateless and found with {@link java.util.ServiceLoader} through {@link io.transferqueue.spi.NamedPlugins}.
 * Only JDK types and our own records cross these interfaces.
 */
package io.transferqueue.spi;
