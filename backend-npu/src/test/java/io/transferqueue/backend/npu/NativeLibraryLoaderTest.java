package io.transferqueue.backend.npu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferqueue.error.BackendUnavailableException;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryLoaderTest {
    @Test
    void theBundledLibraryIsFoundAndLoadedOnceForTwoInstances() {
        NpuStorageFactory factory = new NpuStorageFactory();
        try (StorageManager a = factory.create(NpuTestConfigs.host(), StorageContext.of("a", getClass().getClassLoader()));
                StorageManager b = factory.create(NpuTestConfigs.host(), StorageContext.of("b", getClass().getClassLoader()))) {
            assertThat(a.unwrap(NpuDevice.class)).isNotSameAs(b.unwrap(NpuDevice.class));
            assertThat(NpuNative.LOADER.isAvailable()).isTrue();
            assertThat(NpuNative.LOADER.loads()).as("times the library was loaded").isEqualTo(1);
            assertThat(NpuNative.LOADER.loadedFrom()).as("where it came from")
                    .contains("META-INF/native/" + NativeLibraryLoader.platform() + "/libtqnpu.so");
            assertThat(NpuNative.abiVersion()).isEqualTo(NpuNative.ABI_VERSION);
        }
        assertThat(NpuNative.LOADER.loads()).isEqualTo(1);
    }

    @Test
    void theResourceNamesThePlatformLikeTheBuildDoes() {
        assertThat(NativeLibraryLoader.platform()).matches("[a-z]+-[a-z0-9_]+");
        assertThat(NpuNative.LOADER.resource()).isEqualTo("META-INF/native/" + NativeLibraryLoader.platform()
                + "/libtqnpu.so");
    }

    @Test
    void aMissingLibraryIsAClearErrorWithEveryAttemptSuppressed() {
        NativeLibraryLoader loader = new NativeLibraryLoader("tq-bogus-test-library", "META-INF/native",
                getClass().getClassLoader());

        assertThat(loader.isAvailable()).isFalse();
        assertThatThrownBy(loader::ensureAvailable)
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("tq-bogus-test-library")
                .hasMessageContaining("java.library.path")
                .hasMessageContaining("META-INF/native/" + NativeLibraryLoader.platform() + "/libtq-bogus-test-library.so")
                .hasMessageContaining("is not on the class path")
                .satisfies(e -> assertThat(e.getSuppressed()).as("one suppressed exception per attempt").hasSize(2)
                        .allMatch(s -> s instanceof UnsatisfiedLinkError));
        assertThatThrownBy(loader::ensureAvailable).as("the same answer again, without retrying")
                .isInstanceOf(BackendUnavailableException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
        assertThat(loader.loads()).isZero();
        assertThat(loader.loadedFrom()).isNull();
    }

    @Test
    void aResourceThatIsNotALibraryFailsToLoadWithTheLinkersMessage(@TempDir Path dir) throws Exception {
        // a class-path resource that exists but is no shared object: extraction works, System.load fails
        Path lib = dir.resolve("tq-npu-test/" + NativeLibraryLoader.platform() + "/" + System.mapLibraryName("not-a-library"));
        Files.createDirectories(lib.getParent());
        Files.writeString(lib, "not an ELF file");
        NativeLibraryLoader loader;
        try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            loader = new NativeLibraryLoader("not-a-library", "tq-npu-test", cl);
            assertThat(loader.isAvailable()).isFalse();
        }

        assertThatThrownBy(loader::ensureAvailable)
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("bundled tq-npu-test/" + NativeLibraryLoader.platform() + "/libnot-a-library.so")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
    }
}
