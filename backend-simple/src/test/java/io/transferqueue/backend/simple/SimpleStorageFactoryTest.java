package io.transferqueue.backend.simple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.error.ConfigException;
import io.transferqueue.spi.NamedPlugins;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import io.transferqueue.spi.StorageStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleStorageFactoryTest {
    private final ClassLoader loader = getClass().getClassLoader();

    private StorageManager create(Map<String, String> values) {
        return new SimpleStorageFactory().create(TqConfig.of(values), StorageContext.of("test", loader));
    }

    @Test
    void isDiscoveredOnceUnderItsName() {
        NamedPlugins<StorageManagerFactory> plugins = NamedPlugins.discover(StorageManagerFactory.class, loader,
                "storage backend", StorageManagerFactory::name);
        assertThat(plugins.names()).contains("simple");
        assertThat(plugins.duplicates()).isEmpty();
        assertThat(plugins.get("simple")).isInstanceOf(SimpleStorageFactory.class);
    }

    @Test
    void createsTwoUnlimitedUnitsByDefaultAndCloses() {
        StorageManager m = create(Map.of());
        assertThat(m).isInstanceOf(SimpleStorageManager.class);
        assertThat(((SimpleStorageManager) m).config()).isEqualTo(new SimpleStorageConfig(2, -1, -1, FullPolicy.BLOCK,
                4L << 20));
        assertThat(m.stats()).isEqualTo(new StorageStats(0, 0, -1, -1));
        m.close();
        m.close();
    }

    @Test
    void readsEveryOption() {
        try (StorageManager m = create(Map.of("tq.storage.simple.units", "3", "tq.storage.simple.capacity-rows", "10",
                "tq.storage.simple.capacity-bytes", "1MiB", "tq.storage.simple.full-policy", "reject",
                "tq.storage.simple.parallel-threshold", "1k"))) {
            assertThat(((SimpleStorageManager) m).config())
                    .isEqualTo(new SimpleStorageConfig(3, 10, 1 << 20, FullPolicy.REJECT, 1024));
            assertThat(m.stats()).isEqualTo(new StorageStats(0, 0, 30, 3L << 20));
        }
    }

    @Test
    void declaresEachOptionOnceUnderItsPrefix() {
        SimpleStorageFactory f = new SimpleStorageFactory();
        assertThat(f.name()).isEqualTo("simple");
        assertThat(f.options()).extracting(ConfigOption::key).containsExactly("tq.storage.simple.units",
                "tq.storage.simple.capacity-rows", "tq.storage.simple.capacity-bytes", "tq.storage.simple.full-policy",
                "tq.storage.simple.parallel-threshold", "tq.storage.simple.remote-units");
        assertThat(f.options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
    }

    @Test
    void badValuesNameTheKeyTheValueAndTheRule() {
        assertThatThrownBy(() -> create(Map.of("tq.storage.simple.units", "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.simple.units").hasMessageContaining("'0'")
                .hasMessageContaining("between 1 and 1024");
        assertThatThrownBy(() -> create(Map.of("tq.storage.simple.full-policy", "drop")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("block | reject");
        assertThatThrownBy(() -> create(Map.of("tq.storage.simple.capacity-rows", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unlimited");
        assertThatThrownBy(() -> create(Map.of("tq.storage.simple.capacity-bytes", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tq.storage.simple.capacity-bytes");
    }

    @Test
    void unknownKeysOfThisBackendAreRejectedWithTheSupportedOnes() {
        assertThatThrownBy(() -> create(Map.of("tq.storage.simple.unit", "2"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tq.storage.simple.unit").hasMessageContaining("tq.storage.simple.units");
    }
}
