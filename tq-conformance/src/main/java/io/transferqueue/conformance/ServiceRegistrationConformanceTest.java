package io.transferqueue.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plugin smoke test every backend jar passes: its {@link StorageManagerFactory} is found by
 * {@link java.util.ServiceLoader} (through {@link NamedPlugins}, with this test class's loader, as a host
 * finds it), exactly one factory claims its name, its options are declared under
 * {@code tq.storage.<name>.} with descriptions, and a manager can be created and closed.
 *
 * <h2>Testing a backend in three steps</h2>
 * <ol>
 *   <li>Write the backend's {@link StorageManagerFactory}.
 *   <li>Register it with {@code @AutoService(StorageManagerFactory.class)} (or a
 *       {@code META-INF/services/io.transferqueue.spi.StorageManagerFactory} file).
 *   <li>Subclass this class and {@link StorageManagerConformanceTest}:
 * </ol>
 *
 * <pre>{@code
 * class MyStoreServiceRegistrationTest extends ServiceRegistrationConformanceTest {
 *     protected String backendName() { return "mystore"; }
 *     protected Class<? extends StorageManagerFactory> factoryClass() { return MyStoreFactory.class; }
 *     protected TqConfig config() { return TqConfig.defaults().with(MyStoreFactory.URL, "mystore://localhost:7001"); }
 * }
 * }</pre>
 *
 * <p>Test methods are public so a subclass can override one to skip it with a reason.
 */
public abstract class ServiceRegistrationConformanceTest {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /** The name users select with {@code tq.storage.backend}. */
    protected abstract String backendName();

    /** The class that must be registered under {@link #backendName()}. */
    protected abstract Class<? extends StorageManagerFactory> factoryClass();

    /** A configuration {@code create} succeeds with. */
    protected abstract TqConfig config();

    /** The context {@code create} is called with; by default a fresh instance id and this class's loader. */
    protected StorageContext context() {
        return StorageContext.of("conformance-" + UUID.randomUUID(), getClass().getClassLoader());
    }

    private NamedPlugins<StorageManagerFactory> discover() {
        return NamedPlugins.discover(StorageManagerFactory.class, getClass().getClassLoader(), "storage backend",
                StorageManagerFactory::name);
    }

    private StorageManagerFactory factory() {
        return discover().get(backendName());
    }

    @Test
    public void theFactoryIsFoundByServiceLoaderUnderItsName() {
        NamedPlugins<StorageManagerFactory> plugins = discover();

        assertThat(plugins.names()).as("storage backends found by ServiceLoader (providers that failed to load: %s)",
                plugins.failures()).contains(backendName());
        assertThat(plugins.get(backendName())).as("the factory registered as '%s'", backendName())
                .isExactlyInstanceOf(factoryClass());
    }

    @Test
    public void exactlyOneFactoryClaimsTheName() {
        NamedPlugins<StorageManagerFactory> plugins = discover();

        assertThat(plugins.duplicates()).as("storage backend names claimed by more than one factory")
                .doesNotContainKey(backendName());
        assertThat(plugins.failures()).as("providers that failed to load")
                .noneMatch(f -> f.contains(factoryClass().getName()));
    }

    @Test
    public void theNameIsLowercaseAndHyphenated() {
        assertThat(factory().name()).as("the factory's name").isEqualTo(backendName()).matches(NAME);
    }

    @Test
    public void everyOptionIsDeclaredUnderTheBackendsPrefixWithADescription() {
        String prefix = "tq.storage." + backendName() + ".";
        List<ConfigOption<?>> options = factory().options();

        assertThat(options).as("options()").isNotNull().doesNotContainNull();
        Set<String> keys = new HashSet<>();
        for (ConfigOption<?> o : options) {
            assertThat(o.key()).as("key of an option of '%s'", backendName()).startsWith(prefix);
            assertThat(o.description()).as("description of %s", o.key()).isNotBlank();
            assertThat(keys.add(o.key())).as("%s is declared once", o.key()).isTrue();
        }
    }

    @Test
    public void everyBackendKeyTheConfigSetsIsADeclaredOption() {
        String prefix = "tq.storage." + backendName() + ".";
        Set<String> declared = new HashSet<>();
        factory().options().forEach(o -> declared.add(o.key()));

        assertThat(config().explicitValues().keySet()).as("backend keys set by config()")
                .filteredOn(k -> k.startsWith(prefix)).allMatch(declared::contains);
    }

    @Test
    public void aManagerCreatedWithTheConfigCanBeClosedTwice() {
        StorageManager m = factory().create(config(), context());
        try {
            assertThat(m).as("the manager create returned").isNotNull();
            assertThat(m.capabilities()).as("capabilities()").isNotNull();
            assertThat(m.stats()).as("stats()").isNotNull();
        } finally {
            if (m != null) {
                m.close();
                m.close();
            }
        }
    }
}
