package dev.capstan.submission.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.Map;
import java.util.Optional;

/**
 * {@code capstan.queues."<queue>".*}: settings of one queue. A queue names only what it changes; the rest comes from
 * {@code capstan.resource-defaults.*} ({@link ResourceDefaultsConfig}). For example:
 *
 * <pre>
 * capstan.queues."team-nlp".cpu-per-gpu=8
 * capstan.queues."team-nlp".memory-per-gpu=64Gi
 * </pre>
 */
@ConfigMapping(prefix = "capstan.queues")
public interface QueuesConfig {

    /** The configured queues, by name. */
    @WithParentName
    Map<String, Queue> queues();

    /** One queue's defaults for what a pod's spec leaves out; Kubernetes quantities. */
    interface Queue {
        /** {@code cpu-per-gpu}: cores per whole GPU. */
        Optional<String> cpuPerGpu();

        /** {@code memory-per-gpu}: memory per whole GPU. */
        Optional<String> memoryPerGpu();

        /** {@code cpu-without-gpu}: cores of a pod without a GPU. */
        Optional<String> cpuWithoutGpu();

        /** {@code memory-without-gpu}: memory of a pod without a GPU. */
        Optional<String> memoryWithoutGpu();
    }
}
