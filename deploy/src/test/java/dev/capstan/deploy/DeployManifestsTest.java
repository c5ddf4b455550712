package dev.capstan.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.events.Topics;
import dev.capstan.localstack.infra.TopicSetup;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cluster manifests as kustomize renders them: every object reads strictly into its model, the topics and
 * databases are the ones the code uses, and every service gets what its configuration keys and probes need.
 */
class DeployManifestsTest {

    private static final Map<String, List<ObjectNode>> RENDERED = new HashMap<>();

    @BeforeAll
    static void render() {
        for (String overlay : Manifests.OVERLAYS) {
            RENDERED.put(overlay, Manifests.render(overlay));
        }
    }

    static List<ObjectNode> objects(String overlay) {
        return RENDERED.get(overlay);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectReadsStrictlyIntoItsModelOrTheCloudNativePgSchema(String overlay) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode o : objects(overlay)) {
            if (o.path("apiVersion").asText().startsWith("postgresql.cnpg.io/")) {
                problems.addAll(CnpgSchema.problems(o));
                continue;
            }
            try {
                StrictModel.read(o);
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
        }
        assertThat(problems).isEmpty();
        assertThat(objects(overlay)).extracting(o -> o.path("kind").asText()).contains("Namespace", "Role",
                "ClusterRole", "Kafka", "KafkaNodePool", "KafkaTopic", "Cluster", "Database", "Deployment", "Service",
                "PodDisruptionBudget", "ServiceAccount", "NetworkPolicy", "ServiceMonitor", "PrometheusRule",
                "ConfigMap");
    }

    @Test
    void theStrictReadRefusesAMisspelledFieldAndAWrongType() {
        ObjectNode deployment = Manifests.named(objects("dev"), "Deployment", "executor-service").deepCopy();
        ((ObjectNode) deployment.get("spec")).put("replica", 2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StrictModel.read(deployment))
                .hasMessageContaining("spec.replica");

        ObjectNode deep = Manifests.named(objects("dev"), "Deployment", "executor-service").deepCopy();
        ((ObjectNode) deep.at("/spec/template/spec/containers/0/securityContext")).put("readOnlyRootFileSystem", true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StrictModel.read(deep))
                .hasMessageContaining("readOnlyRootFileSystem");

        // The bug a JSON patch once made: one affinity term where the API wants a list of them.
        ObjectNode wrongType = Manifests.named(objects("dev"), "Deployment", "executor-service").deepCopy();
        ObjectNode anti = (ObjectNode) wrongType.at("/spec/template/spec/affinity/podAntiAffinity");
        anti.set("requiredDuringSchedulingIgnoredDuringExecution",
                anti.at("/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StrictModel.read(wrongType))
                .hasMessageContaining("requiredDuringSchedulingIgnoredDuringExecution");

        ObjectNode topic = Manifests.ofKind(objects("dev"), "KafkaTopic").get(0).deepCopy();
        ((ObjectNode) topic.get("spec")).put("partition", 3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StrictModel.read(topic))
                .hasMessageContaining("partition");

        ObjectNode cluster = Manifests.ofKind(objects("dev"), "Cluster").get(0).deepCopy();
        ((ObjectNode) cluster.get("spec")).put("instance", 1);
        ((ObjectNode) cluster.get("spec").get("storage")).put("size", 5);
        assertThat(CnpgSchema.problems(cluster)).anySatisfy(p -> assertThat(p).contains("spec.instance"))
                .anySatisfy(p -> assertThat(p).contains("spec.storage.size"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theKafkaTopicsAreTheCodesTopicsTheirDeadLetterTopicsAndTheSchedulersCheckpoints(String overlay) {
        Map<String, KafkaTopic> topics = Manifests.ofKind(objects(overlay), "KafkaTopic").stream()
                .map(o -> (KafkaTopic) StrictModel.read(o))
                .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));
        Set<String> want = new TreeSet<>(Topics.ALL);
        TopicSetup.CONSUMERS.forEach(s -> want.add(Topics.deadLetter(s)));
        // SchedulerConfig's default checkpoint topic (read from its source: the module is a Quarkus application).
        assertThat(Manifests.read(Manifests.ROOT.resolve(
                "scheduler-service/src/main/java/dev/capstan/scheduler/config/SchedulerConfig.java")))
                .contains("@WithDefault(\"capstan.scheduler-checkpoints\")");
        want.add("capstan.scheduler-checkpoints");

        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(want);
        assertThat(topics.keySet()).as("every topic a service's configuration names")
                .containsAll(ServiceSources.topicsInProperties());
        assertThat(topics.get(Topics.NODES).getSpec().getConfig()).containsEntry("cleanup.policy", "compact");
        assertThat(topics.get("capstan.scheduler-checkpoints").getSpec().getConfig())
                .containsEntry("cleanup.policy", "compact");
        assertThat(topics.get("capstan.scheduler-checkpoints").getSpec().getPartitions()).isEqualTo(1);
        int brokers = Manifests.ofKind(objects(overlay), "KafkaNodePool").stream()
                .filter(p -> p.path("spec").path("roles").toString().contains("broker"))
                .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
        topics.values().forEach(t -> {
            assertThat(t.getSpec().getReplicas()).as(t.getMetadata().getName()).isBetween(1, brokers);
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "capstan");
        });
        Topics.ALL.forEach(t -> assertThat(topics.get(t).getSpec().getPartitions()).as(t).isEqualTo(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void thePostgresClusterHoldsTheDatabaseOfEveryServiceThatHasOneAndTheServicesConnectToIt(String overlay) {
        List<ObjectNode> objs = objects(overlay);
        Set<String> databases = new TreeSet<>();
        ObjectNode cluster = Manifests.named(objs, "Cluster", "capstan-pg");
        databases.add(cluster.path("spec").path("bootstrap").path("initdb").path("database").asText());
        Manifests.ofKind(objs, "Database").forEach(d -> {
            assertThat(d.path("spec").path("cluster").path("name").asText()).isEqualTo("capstan-pg");
            databases.add(d.path("spec").path("name").asText());
        });
        Map<String, String> wanted = ServiceSources.defaultDatabases();
        assertThat(wanted).containsKeys("submission-service", "model-registry", "tuning-service");
        assertThat(databases).containsExactlyInAnyOrderElementsOf(new TreeSet<>(wanted.values()));

        wanted.forEach((service, db) -> {
            Map<String, EnvVar> env = env(container(deployment(objs, service)));
            assertThat(env.get("CAPSTAN_PG_DATABASE").getValue()).as(service).isEqualTo(db);
            assertThat(env.get("CAPSTAN_PG_BASE").getValue()).as(service)
                    .isEqualTo("jdbc:postgresql://capstan-pg-rw.capstan.svc:5432");
            for (String secretVar : List.of("CAPSTAN_PG_USER", "CAPSTAN_PG_PASSWORD")) {
                var ref = env.get(secretVar).getValueFrom().getSecretKeyRef();
                assertThat(ref.getName()).as(service + " " + secretVar).isEqualTo("capstan-pg-app");
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasItsDeploymentServiceBudgetAndAccountRunningSafelyOnItsPort(String overlay) {
        List<ObjectNode> objs = objects(overlay);
        Set<String> configKeys = ServiceSources.configKeys();
        Set<String> knownEnv = configKeys.stream().map(ServiceSources::envName).collect(Collectors.toSet());
        Manifests.SERVICES.forEach((name, port) -> {
            Deployment d = deployment(objs, name);
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = container(d);
            assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(port));
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKeys("memory");
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(pod.getServiceAccountName()).isEqualTo(name);
            var anti = pod.getAffinity().getPodAntiAffinity();
            var terms = new ArrayList<io.fabric8.kubernetes.api.model.PodAffinityTerm>(
                    anti.getRequiredDuringSchedulingIgnoredDuringExecution());
            anti.getPreferredDuringSchedulingIgnoredDuringExecution().forEach(w -> terms.add(w.getPodAffinityTerm()));
            assertThat(terms).singleElement().satisfies(t ->
                    assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
            if (overlay.equals("prod")) {
                assertThat(d.getSpec().getReplicas()).as(name).isGreaterThanOrEqualTo(2);
                assertThat(anti.getRequiredDuringSchedulingIgnoredDuringExecution()).as(name).hasSize(1);
            } else {
                assertThat(d.getSpec().getReplicas()).as(name).isEqualTo(1);
            }
            // Every CAPSTAN_/QUARKUS_ variable is a key the services read (SmallRye maps it back to the key).
            env(c).keySet().stream().filter(v -> v.startsWith("CAPSTAN_") || v.startsWith("QUARKUS_"))
                    .forEach(v -> assertThat(knownEnv).as(name + " sets " + v).contains(v));
            assertThat(env(c).get("CAPSTAN_KAFKA").getValue()).isEqualTo("capstan-kafka-bootstrap.capstan.svc:9092");

            ObjectNode svc = Manifests.named(objs, "Service", name);
            assertThat(svc.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(port);
            assertThat(svc.path("metadata").path("labels").path("capstan.dev/metrics").asText()).isEqualTo("true");
            assertThat(Manifests.named(objs, "PodDisruptionBudget", name).path("spec").path("selector").toString())
                    .contains(name);
            boolean usesApi = Set.of("executor-service", "scheduler-service").contains(name);
            assertThat(Manifests.named(objs, "ServiceAccount", name).path("automountServiceAccountToken")
                    .asBoolean()).as(name).isEqualTo(usesApi);
        });
    }

    @Test
    void prodRunsMoreKafkaBrokersThanDev() {
        assertThat(brokers("prod")).isGreaterThan(brokers("dev")).isGreaterThanOrEqualTo(3);
        assertThat(brokers("dev")).isEqualTo(1);
    }

    @Test
    void onlyTheExecutorAndTheSchedulerGetRolesAndEveryRuleSaysWhy() {
        List<ObjectNode> objs = objects("prod");
        Set<String> subjects = new TreeSet<>();
        for (String kind : List.of("RoleBinding", "ClusterRoleBinding")) {
            Manifests.ofKind(objs, kind).forEach(b -> b.path("subjects").forEach(s -> subjects.add(
                    s.path("name").asText())));
        }
        assertThat(subjects).containsExactlyInAnyOrder("executor-service", "scheduler-service");
        // One comment per rule: in the source file, each "- apiGroups" line is preceded by a comment line.
        List<String> lines = Manifests.read(Manifests.DEPLOY.resolve("base/10-rbac.yaml")).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith("- apiGroups")) {
                assertThat(lines.get(i - 1).trim()).as("line " + (i + 1) + " of 10-rbac.yaml").startsWith("#");
            }
        }
        ObjectNode executor = Manifests.named(objs, "Role", "executor-service");
        assertThat(executor.path("metadata").path("namespace").asText()).isEqualTo("capstan-workloads");
        assertThat(verbs(executor, "pods")).containsExactlyInAnyOrder("create", "get", "list", "watch", "patch",
                "delete", "deletecollection");
        assertThat(verbs(executor, "services")).containsExactlyInAnyOrder("create", "list", "delete",
                "deletecollection");
        assertThat(verbs(Manifests.named(objs, "ClusterRole", "capstan-executor-nodes"), "nodes"))
                .containsExactlyInAnyOrder("list", "watch");
        assertThat(env(container(deployment(objs, "executor-service"))).get("CAPSTAN_EXECUTOR_NAMESPACE").getValue())
                .isEqualTo("capstan-workloads");
    }

    @Test
    void networkPoliciesDenyByDefaultAndOpenKafkaOnlyToCapstansClients() {
        List<ObjectNode> objs = objects("prod");
        ObjectNode deny = Manifests.named(objs, "NetworkPolicy", "default-deny");
        assertThat(deny.path("spec").path("podSelector").size()).isZero();
        assertThat(deny.path("spec").path("policyTypes").toString()).contains("Ingress").contains("Egress");
        JsonNode peers = Manifests.named(objs, "Kafka", "capstan").path("spec").path("kafka").path("listeners")
                .get(0).path("networkPolicyPeers");
        assertThat(peers.toString()).contains("capstan.dev/kafka-client");
        // Every service pod carries the client label its egress policies select.
        Manifests.SERVICES.keySet().forEach(name -> assertThat(deployment(objs, name).getSpec().getTemplate()
                .getMetadata().getLabels()).as(name).containsEntry("capstan.dev/kafka-client", "true"));
        ServiceSources.defaultDatabases().keySet().forEach(name -> assertThat(deployment(objs, name).getSpec()
                .getTemplate().getMetadata().getLabels()).as(name).containsEntry("capstan.dev/postgres-client", "true"));
    }

    private static int brokers(String overlay) {
        return Manifests.ofKind(objects(overlay), "KafkaNodePool").stream()
                .filter(p -> p.path("spec").path("roles").toString().contains("broker"))
                .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
    }

    private static Set<String> verbs(ObjectNode role, String resource) {
        Set<String> out = new TreeSet<>();
        role.path("rules").forEach(r -> {
            if (r.path("resources").toString().contains("\"" + resource + "\"")) {
                r.path("verbs").forEach(v -> out.add(v.asText()));
            }
        });
        return out;
    }

    static Deployment deployment(List<ObjectNode> objs, String name) {
        return (Deployment) StrictModel.read(Manifests.named(objs, "Deployment", name));
    }

    static Container container(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }
}
