package io.transferqueue.backend.npu;

import static java.util.Objects.requireNonNull;

import io.transferqueue.error.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one JNI library once: from {@code java.library.path} first (an operator's own build wins), then
 * from the copy bundled in the jar under {@code META-INF/native/<os>-<arch>/}, extracted to a fresh file
 * of its own (a unique name, so two class loaders or two JVMs never share or overwrite one) and deleted once
 * loaded. Every failed attempt is kept and reported as a suppressed exception of the
 * {@link BackendUnavailableException} that {@link #ensureAvailable()} throws; nothing crashes and nothing is
 * retried (a library that failed to load once fails the same way again).
 *
 * <p>Thread-safe; the first caller of {@link #isAvailable()} or {@link #ensureAvailable()} loads.
 */
final class NativeLibraryLoader {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryLoader.class);

    private final String name;
    private final String resource;
    private final ClassLoader classLoader;
    /** Guarded by this. */
    private boolean attempted;
    private String loadedFrom;
    private final List<Throwable> failures = new ArrayList<>();
    private int loads;

    /**
     * @param name the library name without {@code lib} and {@code .so} ({@code tqnpu})
     * @param resourceRoot folder of the bundled copies ({@code META-INF/native}); the platform folder and
     *     file name are appended
     */
    NativeLibraryLoader(String name, String resourceRoot, ClassLoader classLoader) {
        this.name = requireNonNull(name, "name is null");
        this.resource = requireNonNull(resourceRoot, "resourceRoot is null") + "/" + platform() + "/"
                + System.mapLibraryName(name);
        this.classLoader = requireNonNull(classLoader, "classLoader is null");
    }

    /** {@code <os>-<arch>} as the build names its folder: {@code linux-x86_64}, {@code linux-aarch64}. */
    static String platform() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            os = "linux";
        } else if (os.startsWith("mac")) {
            os = "osx";
        } else if (os.startsWith("windows")) {
            os = "windows";
        }
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64":
            case "x86_64":
                arch = "x86_64";
                break;
            case "aarch64":
            case "arm64":
                arch = "aarch64";
                break;
            default:
                break;
        }
        return os + "-" + arch;
    }

    /** The class-path resource of the bundled library. */
    String resource() {
        return resource;
    }

    /** True if the library is loaded (loading it now if no one tried yet). */
    boolean isAvailable() {
        return load() != null;
    }

    /**
     * Loads the library if no one tried yet.
     *
     * @throws BackendUnavailableException naming every place tried, each failure attached as suppressed
     */
    void ensureAvailable() {
        if (load() != null) {
            return;
        }
        List<Throwable> why;
        synchronized (this) {
            why = List.copyOf(failures);
        }
        StringBuilder sb = new StringBuilder("cannot load the native library '").append(name)
                .append("' for ").append(platform()).append(": tried java.library.path (")
                .append(System.getProperty("java.library.path", "")).append(") and the bundled resource ")
                .append(resource).append("; ");
        for (int i = 0; i < why.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(why.get(i).getMessage());
        }
        sb.append(". Build the module on this platform (it needs gcc) or put lib").append(name)
                .append(".so on java.library.path");
        BackendUnavailableException e = new BackendUnavailableException(sb.toString());
        why.forEach(e::addSuppressed);
        throw e;
    }

    /** Where the library was loaded from ({@code java.library.path} or the extracted file), or null. */
    synchronized String loadedFrom() {
        return loadedFrom;
    }

    /** How many times this loader loaded the library: 0 or 1. */
    synchronized int loads() {
        return loads;
    }

    private synchronized String load() {
        if (attempted) {
            return loadedFrom;
        }
        attempted = true;
        try {
            System.loadLibrary(name);
            return loaded("java.library.path");
        } catch (UnsatisfiedLinkError | SecurityException e) {
            failures.add(new UnsatisfiedLinkError("java.library.path: " + e.getMessage()));
        }
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                failures.add(new UnsatisfiedLinkError("bundled resource " + resource + " is not on the class path"));
                return null;
            }
            Path file = Files.createTempFile("lib" + name + "-", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
                return loaded("bundled " + resource + " (extracted to " + file + ")");
            } finally {
                // once mapped the file is no longer needed; on failure it must not pile up in the temp dir
                deleteQuietly(file);
            }
        } catch (UnsatisfiedLinkError | SecurityException e) {
            failures.add(new UnsatisfiedLinkError("bundled " + resource + ": " + e.getMessage()));
        } catch (IOException e) {
            failures.add(new UncheckedIOException("cannot extract bundled " + resource + ": " + e.getMessage(), e));
        }
        return null;
    }

    private String loaded(String from) {
        loads++;
        loadedFrom = from;
        LOG.debug("loaded native library {} from {}", name, from);
        return from;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
