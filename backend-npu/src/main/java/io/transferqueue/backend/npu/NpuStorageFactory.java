package io.transferqueue.backend.npu;

import com.google.auto.service.AutoService;
import io.transferqueue.config.ConfigOption;
import io.transferqueue.config.TqConfig;
import io.transferqueue.spi.StorageContext;
import io.transferqueue.spi.StorageManager;
import io.transferqueue.spi.StorageManagerFactory;
import java.util.List;

/**
 * The {@code npu} storage backend ({@code tq.storage.backend=npu}): cells in accelerator memory (Ascend CANN
 * or CUDA), or in an emulated device in host memory where no accelerator is found. Stateless.
 */
@AutoService(StorageManagerFactory.class)
public final class NpuStorageFactory implements StorageManagerFactory {
    @Override
    public String name() {
        return NpuStorageManager.NAME;
    }

    @Override
    public String description() {
        return "Device memory through JNI (Ascend CANN, CUDA, or an emulated host device)";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return NpuOptions.all();
    }

    /**
     * Opens the device runtime and returns an {@link NpuStorageManager}.
     *
     * @throws io.transferqueue.error.ConfigException for a bad option value
     * @throws io.transferqueue.error.BackendUnavailableException if the JNI library cannot be loaded, or no
     *     device is found and {@code tq.storage.npu.required} is set
     */
    @Override
    public StorageManager create(TqConfig config, StorageContext context) {
        NpuKvStorageClient client = NpuKvStorageClient.open(NpuConfig.from(config));
        try {
            return new NpuStorageManager(client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
