/**
 * The backend conformance kit: abstract JUnit tests every storage backend (ours and third parties')
 * subclasses, like Trino's connector test kit or the JCache TCK.
 * {@link io.transferqueue.conformance.StorageManagerConformanceTest} checks a live
 * {@link io.transferqueue.spi.StorageManager}; {@link io.transferqueue.conformance.ServiceRegistrationConformanceTest}
 * checks that the backend's factory is found by {@link java.util.ServiceLoader} with well-formed options.
 * {@link io.transferqueue.conformance.InMemoryKvStorageClient} is a reference
 * {@link io.transferqueue.spi.KvStorageClient} for tests. An ordinary jar: depend on it in test scope.
 */
package io.transferqueue.conformance;
