package dev.capstan.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the executor, prefix {@code capstan.executor}. */
@ConfigMapping(prefix = "capstan.executor")
public interface ExecutorConfig {

    /** {@code capstan.executor.namespace}: where pods and services are created and watched. Default {@code capstan}. */
    @WithDefault("capstan")
    String namespace();

    /** {@code capstan.executor.cluster-domain}: the cluster DNS domain in pod addresses. Default {@code cluster.local}. */
    @WithDefault("cluster.local")
    String clusterDomain();

    /**
     * {@code capstan.executor.finished-ttl}: how long the pods of a finished admission stay for
     * inspection before they are deleted (like a Job's ttlSecondsAfterFinished). Default 10m.
     */
    @WithDefault("10m")
    Duration finishedTtl();

    /** {@code capstan.executor.pytorch-port}: MASTER_PORT. Default 29500. */
    @WithDefault("29500")
    int pytorchPort();

    /** {@code capstan.executor.tensorflow-port}: port of every TF_CONFIG address. Default 2222. */
    @WithDefault("2222")
    int tensorflowPort();

    /** {@code capstan.executor.ray-port}: the Ray head's GCS port. Default 6379. */
    @WithDefault("6379")
    int rayPort();

    /** {@code capstan.executor.ssh-port}: the port MPI launchers reach workers on. Default 22. */
    @WithDefault("22")
    int sshPort();

    /**
     * {@code capstan.executor.create-backoff}: the wait after the first failed try to create an admission's objects
     * (or to delete them, or to publish an event), doubled after each further one, unless the API server sent a
     * Retry-After. Tries go on until they succeed: an outage makes work wait, it does not fail it. Default 500ms.
     */
    @WithDefault("500ms")
    Duration createBackoff();

    /** {@code capstan.executor.create-backoff-max}: the longest wait between two tries. Default 10s. */
    @WithDefault("10s")
    Duration createBackoffMax();
}
