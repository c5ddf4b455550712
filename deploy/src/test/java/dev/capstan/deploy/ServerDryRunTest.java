package dev.capstan.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.localstack.kube.SimulatedCluster;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl apply --dry-run=server} of each overlay against local-stack's Kubernetes API server (the fabric8
 * mock server with its discovery): kubectl finds every kind's API group and resource, sends each object, and the
 * server keeps none of them. What it checks is that the manifests are addressable (group, version, kind, scope) and
 * well-formed for kubectl; field validation is {@link DeployManifestsTest}'s, as this server validates no schema.
 */
class ServerDryRunTest {

    private static SimulatedCluster cluster;
    private static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.start(SimulatedClusterConfig.demo(0));
        kubeconfig = cluster.writeKubeconfig(Files.createTempDirectory("deploy-dry-run").resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectIsAcceptedAndNothingIsStored(String overlay) throws Exception {
        List<ObjectNode> objects = Manifests.render(overlay);
        Path file = Files.createTempFile("deploy-" + overlay, ".yaml");
        Files.writeString(file, objects.stream().map(ServerDryRunTest::yaml).collect(Collectors.joining("---\n")));

        // --validate=false: the server publishes no OpenAPI schema for kubectl to validate against.
        String out = Manifests.run(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "apply",
                "--dry-run=server", "--validate=false", "-f", file.toString()));

        for (ObjectNode o : objects) {
            String kind = o.path("kind").asText().toLowerCase(java.util.Locale.ROOT);
            String name = o.path("metadata").path("name").asText();
            assertThat(out).as(kind + " " + name).containsPattern("(?m)^" + java.util.regex.Pattern.quote(kind)
                    + "[a-z0-9.\\-]*/" + java.util.regex.Pattern.quote(name) + " (created|configured|unchanged)"
                    + " \\(server dry run\\)$");
        }
        // Nothing stored: the API server holds what it held before (its nodes and its two namespaces).
        var client = cluster.client();
        assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
        assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(SimulatedCluster.NAMESPACES);
        assertThat(client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("kafka.strimzi.io").withVersion("v1beta2").withKind("KafkaTopic").withPlural("kafkatopics")
                .withNamespaced(true).build()).inNamespace("capstan").list().getItems()).isEmpty();
        assertThat(client.rbac().clusterRoles().list().getItems()).isEmpty();
        Files.delete(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void aDryRunCreateOfAnObjectThatExistsIsRefused(String overlay) throws Exception {
        var client = cluster.client();
        GenericKubernetesResource existing = new GenericKubernetesResource();
        existing.setApiVersion("v1");
        existing.setKind("ConfigMap");
        existing.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("taken")
                .withNamespace("capstan").build());
        client.configMaps().inNamespace("capstan").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withMetadata(existing.getMetadata()).build()).create();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifests.run(List.of("kubectl", "--kubeconfig",
                    kubeconfig.toString(), "create", "--dry-run=server", "--validate=false", "-f", "-"),
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: taken, namespace: capstan}\n"))
                    .hasMessageContaining("already exists");
        } finally {
            client.configMaps().inNamespace("capstan").withName("taken").delete();
        }
    }

    private static String yaml(ObjectNode o) {
        try {
            return Manifests.YAML.writeValueAsString(o).replaceFirst("^---\n", "");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
