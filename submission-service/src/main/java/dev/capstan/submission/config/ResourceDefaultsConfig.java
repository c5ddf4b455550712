package dev.capstan.submission.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code capstan.resource-defaults.*}: the CPU and memory of a pod whose spec leaves them out, for every queue not
 * configured otherwise ({@link QueuesConfig}). Values are Kubernetes quantities ({@code 4}, {@code 500m},
 * {@code 16Gi}); see {@code ResourceDefaults.STANDARD} for where the default figures come from.
 */
@ConfigMapping(prefix = "capstan.resource-defaults")
public interface ResourceDefaultsConfig {

    /** {@code capstan.resource-defaults.cpu-per-gpu}: cores per whole GPU (a share gets its part). Default 4. */
    @WithDefault("4")
    String cpuPerGpu();

    /** {@code capstan.resource-defaults.memory-per-gpu}: memory per whole GPU. Default 16Gi. */
    @WithDefault("16Gi")
    String memoryPerGpu();

    /** {@code capstan.resource-defaults.cpu-without-gpu}: cores of a pod without a GPU. Default 1. */
    @WithDefault("1")
    String cpuWithoutGpu();

    /** {@code capstan.resource-defaults.memory-without-gpu}: memory of a pod without a GPU. Default 4Gi. */
    @WithDefault("4Gi")
    String memoryWithoutGpu();
}
