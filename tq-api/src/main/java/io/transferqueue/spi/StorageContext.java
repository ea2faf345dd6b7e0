package io.transferqueue.spi;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a host gives a backend when it creates one: an instance id (for logs and key namespaces), the class
 * loader plugins were found with, and resources the host owns and lends (e.g. a Lettuce client the service
 * already has). A backend must not close borrowed resources.
 */
public final class StorageContext {
    private final String instanceId;
    private final ClassLoader classLoader;
    private final Map<Class<?>, Object> resources;

    private StorageContext(String instanceId, ClassLoader classLoader, Map<Class<?>, Object> resources) {
        this.instanceId = instanceId;
        this.classLoader = classLoader;
        this.resources = resources;
    }

    /** A context with no lent resources. */
    public static StorageContext of(String instanceId, ClassLoader classLoader) {
        return new StorageContext(requireNonNull(instanceId, "instanceId is null"),
                requireNonNull(classLoader, "classLoader is null"), Map.of());
    }

    /** This context plus a resource the host lends (and keeps owning). */
    public <T> StorageContext withResource(Class<T> type, T resource) {
        Map<Class<?>, Object> r = new HashMap<>(resources);
        r.put(requireNonNull(type, "type is null"), requireNonNull(resource, "resource is null"));
        return new StorageContext(instanceId, classLoader, Map.copyOf(r));
    }

    /** Identifies the TransferQueue instance this backend serves. */
    public String instanceId() {
        return instanceId;
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    /** A resource lent by the host, if any. The backend must not close it. */
    public <T> Optional<T> resource(Class<T> type) {
        return Optional.ofNullable(type.cast(resources.get(type)));
    }
}
