package dev.capstan.localstack.kube;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kubernetes API server with simulated GPU nodes and a simulated kubelet, in this JVM.
 *
 * <p>The API server is the fabric8 mock server in CRUD mode (mixed dispatcher: expectations, then the
 * in-memory store) on 127.0.0.1 over plain HTTP, answering discovery so that kubectl works with the
 * kubeconfig from {@link #writeKubeconfig(Path)}. Nodes come from {@link SimulatedClusterConfig}; the
 * kubelet ({@link SimulatedKubelet}) moves bound pods through their phases, pods annotated for the simulated trainer
 * ({@link SimulatedTrainer}) replaying a recorded learning curve into MLflow as they run. Nothing else runs: no
 * scheduler (pods must name their node), no controllers, no DNS. State lives in memory and is gone
 * after {@link #close()}.
 */
public final class SimulatedCluster implements AutoCloseable {

    /** Namespaces created at start, so that {@code kubectl get ns} lists where work goes. */
    public static final List<String> NAMESPACES = List.of("default", "capstan");

    /**
     * The mock web server logs every request at INFO; with thousands of pods that drowns the launcher's
     * output. Held here because java.util.logging keeps loggers only weakly.
     */
    private static final Logger REQUEST_LOG = Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

    static {
        REQUEST_LOG.setLevel(Level.WARNING);
    }

    private final SimulatedClusterConfig config;
    private final KubernetesMockServer server;
    private final String masterUrl;
    private final KubernetesClient client;
    private final SimulatedKubelet kubelet;

    private SimulatedCluster(SimulatedClusterConfig config, KubernetesMockServer server, String masterUrl,
            KubernetesClient client, SimulatedKubelet kubelet) {
        this.config = config;
        this.server = server;
        this.masterUrl = masterUrl;
        this.client = client;
        this.kubelet = kubelet;
    }

    /**
     * Starts the API server on {@code 127.0.0.1:cfg.port()} (a free port when 0), creates the nodes and
     * namespaces, and starts the kubelet. Fails when the port is taken.
     */
    public static SimulatedCluster start(SimulatedClusterConfig cfg) {
        return start(cfg, Clock.systemUTC());
    }

    /** As {@link #start(SimulatedClusterConfig)}, with the clock that stamps node and pod times. */
    public static SimulatedCluster start(SimulatedClusterConfig cfg, Clock clock) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new DiscoveryDispatcher(new KubernetesMixedDispatcher(responses)), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), cfg.port());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kubernetes API on 127.0.0.1:" + cfg.port(), e);
        }
        String url = "http://127.0.0.1:" + server.getPort();
        KubernetesClient client = null;
        SimulatedKubelet kubelet = null;
        try {
            client = clientFor(url);
            for (String ns : NAMESPACES) {
                Namespace n = new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                        .withNewStatus().withPhase("Active").endStatus().build();
                client.namespaces().resource(n).create();
            }
            for (Node node : SimulatedNodes.build(cfg, clock.instant())) {
                // The store drops status on create (status subresource), so status is written after.
                Node created = client.nodes().resource(node).create();
                created.setStatus(node.getStatus());
                client.nodes().resource(created).updateStatus();
            }
            kubelet = new SimulatedKubelet(client, cfg, clock, List.of(new SimulatedTrainer(clock)));
            kubelet.start();
            return new SimulatedCluster(cfg, server, url, client, kubelet);
        } catch (RuntimeException e) {
            if (kubelet != null) {
                kubelet.close();
            }
            if (client != null) {
                client.close();
            }
            server.destroy();
            throw e;
        }
    }

    /**
     * A client for an API server at {@code masterUrl} that ignores the user's kubeconfig and
     * environment, in namespace {@code default}.
     */
    public static KubernetesClient clientFor(String masterUrl) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(masterUrl)
                .withNamespace("default")
                .withTrustCerts(true)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The API server's URL, e.g. {@code http://127.0.0.1:6443}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** The port the API server listens on (the configured one, or the one picked for port 0). */
    public int port() {
        return server.getPort();
    }

    public SimulatedClusterConfig config() {
        return config;
    }

    /**
     * Writes a kubeconfig for this cluster (context {@code capstan-local}, namespace {@code capstan},
     * no credentials: the server accepts anyone) and returns the file. Parent directories are created.
     */
    public Path writeKubeconfig(Path file) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: capstan-local
                  cluster:
                    server: %s
                contexts:
                - name: capstan-local
                  context:
                    cluster: capstan-local
                    namespace: capstan
                    user: capstan-local
                current-context: capstan-local
                users:
                - name: capstan-local
                  user: {}
                """.formatted(masterUrl);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kubeconfig " + file, e);
        }
    }

    /** A client of this cluster's API (namespace {@code default}); closed by {@link #close()}. */
    public KubernetesClient client() {
        return client;
    }

    SimulatedKubelet kubelet() {
        return kubelet;
    }

    /** Stops the kubelet and the API server; everything stored is gone. */
    @Override
    public void close() {
        kubelet.close();
        client.close();
        server.destroy();
    }

    @Override
    public String toString() {
        return "SimulatedCluster[" + masterUrl + ", " + config.nodeCount() + " nodes]";
    }
}
