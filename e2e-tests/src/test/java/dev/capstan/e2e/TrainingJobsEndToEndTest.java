package dev.capstan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.ModelEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.ServingReplica;
import dev.capstan.events.Topics;
import dev.capstan.localstack.LocalStack;
import dev.capstan.localstack.cli.ModelCommands;
import dev.capstan.localstack.cli.SpecCommands;
import dev.capstan.localstack.demo.InferenceGateway;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system on local-stack: its own Kafka broker (a fresh log, so the scheduler replays only
 * this run), the build's PostgreSQL with fresh databases, the simulated Kubernetes API, every service
 * as its own JVM. Users submit over REST, an upstream system over Kafka with a plain producer.
 *
 * <p>One stack for every test here (one broker per build): its ports are {@link #KAFKA_PORT}, {@link #KUBE_PORT}
 * and the services' usual ports plus {@link #SERVICE_PORT_OFFSET}, none of which {@code ./capstan up} uses, so the
 * tests can run next to a developer's local stack.
 */
@org.junit.jupiter.api.extension.ExtendWith(E2eStack.class)
class TrainingJobsEndToEndTest {

    static final int KAFKA_PORT = E2eStack.KAFKA_PORT;
    static final int KUBE_PORT = E2eStack.KUBE_PORT;
    static final int SERVICE_PORT_OFFSET = E2eStack.SERVICE_PORT_OFFSET;
    static final String ACTOR = "e2e-tester";
    static final int EMBEDDED_PG_PORT = E2eStack.EMBEDDED_PG_PORT;

    /** The stack's Prometheus (./capstan up uses 9090). */
    static final int PROMETHEUS_PORT = 29090;

    static LocalStack stack;
    static EventLog log;
    static RestClient rest;
    static dev.capstan.localstack.infra.Prometheus prometheus;

    @BeforeAll
    static void startStack() throws Exception {
        stack = E2eStack.get();
        log = new EventLog(stack.kafka(), List.of(Topics.PLACEMENTS, Topics.EXECUTIONS));
        rest = new RestClient(stack.url("submission-service"));
        // Scraped every second: the dashboards' queries have a few points per 30 s window within the test.
        prometheus = stack.startPrometheus(PROMETHEUS_PORT, Duration.ofSeconds(1));
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (log != null) {
            log.close();
        }
        // The stack is shared with the other end-to-end classes; E2eStack stops it when the test JVM ends.
    }

    @Test
    void trainingJobsFromRestAndKafkaRunToTheEndAcrossASchedulerRestart() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> ids = new ArrayList<>();
        // 20 jobs over REST, every fourth one distributed over 4 workers.
        for (int i = 0; i < 20; i++) {
            boolean gang = i % 4 == 0;
            String body = RestClient.job("rest-" + run + "-" + i, "team-" + (i % 3), gang ? "pytorch" : "none",
                    gang ? 4 : 1, gang ? 2 : 1, i % 5 == 1 ? "T4" : null, 2 + i % 3);
            ids.add(rest.submit(body).get("id").asText());
            if (i == 9) {
                // The scheduler goes away in the middle of the work and comes back from the log.
                stack.restart("scheduler-service");
            }
        }
        // 5 jobs from an upstream system: a plain Kafka producer, key = request id; one id sent twice.
        String repeated = "req-" + run + "-repeated";
        String badKey = "req-" + run + "-malformed";
        try (KafkaProducer<String, String> producer = producer(stack.kafka())) {
            for (int i = 0; i < 4; i++) {
                send(producer, "req-" + run + "-" + i, RestClient.job("kafka-" + run + "-" + i, "upstream",
                        i == 0 ? "tensorflow" : "none", i == 0 ? 2 : 1, 1, null, 2));
            }
            send(producer, repeated, RestClient.job("kafka-" + run + "-dup", "upstream-dup", "none", 1, 1, null, 2));
            send(producer, badKey, "{\"name\": \"broken\", ");
            send(producer, repeated, RestClient.job("kafka-" + run + "-dup", "upstream-dup", "none", 1, 1, null, 2));
            send(producer, "req-" + run + "-after-bad", RestClient.job("kafka-" + run + "-after", "upstream-after",
                    "none", 1, 1, null, 2));
            producer.flush();
        }
        // A job no node can hold.
        String tooBig = rest.submit(RestClient.job("huge-" + run, "team-0", "none", 1, 16, null, 2)).get("id")
                .asText();

        // Kafka submissions show up once each; the record after the malformed one is processed.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                rest.list("queue=upstream").get("total").asInt() == 4
                        && rest.list("queue=upstream-after").get("total").asInt() == 1
                        && rest.list("queue=upstream-dup").get("total").asInt() == 1);
        rest.list("queue=upstream&size=10").get("items").forEach(w -> ids.add(w.get("id").asText()));
        rest.list("queue=upstream-dup").get("items").forEach(w -> ids.add(w.get("id").asText()));
        rest.list("queue=upstream-after").get("items").forEach(w -> ids.add(w.get("id").asText()));
        assertThat(ids).hasSize(26).doesNotHaveDuplicates();

        // Every job reaches Succeeded.
        Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<String> notDone = ids.stream().filter(id -> !"SUCCEEDED".equals(rest.get(id).get("status").asText()))
                    .toList();
            assertThat(notDone).as("workloads not succeeded yet").isEmpty();
        });

        // The oversized job stays pending with a reason the user can read.
        JsonNode huge = rest.get(tooBig);
        assertThat(huge.get("status").asText()).isEqualTo("PENDING");
        assertThat(huge.get("reason").asText()).isNotBlank().doesNotContain("Exception");

        // The malformed record is on the dead-letter topic with the reason.
        var dead = KafkaTopics.await(stack.kafka(), Topics.deadLetter("submission-service"),
                r -> badKey.equals(r.key()), Duration.ofSeconds(30));
        assertThat(new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .isNotBlank();

        // Pods were bound to nodes that have the GPUs they were given, of an allowed model.
        Map<String, Node> nodes = new HashMap<>();
        stack.cluster().client().nodes().list().getItems().forEach(n -> nodes.put(n.getMetadata().getName(), n));
        for (String id : ids) {
            JsonNode w = rest.get(id);
            int workers = w.get("spec").get("workers").asInt();
            assertThat(w.get("pods")).hasSize(workers);
            for (JsonNode p : w.get("pods")) {
                Node node = nodes.get(p.get("node").asText());
                assertThat(node).as("node of " + p.get("pod").asText()).isNotNull();
                int count = Integer.parseInt(node.getStatus().getCapacity().get("nvidia.com/gpu").getAmount());
                p.get("gpuIndices").forEach(g -> assertThat(g.asInt()).isBetween(0, count - 1));
                assertThat(p.get("gpuIndices")).hasSize(w.get("spec").get("resources").get("gpus").asInt());
                JsonNode models = w.get("spec").get("resources").get("gpuModels");
                if (models.size() > 0) {
                    assertThat(node.getMetadata().getLabels().get("nvidia.com/gpu.product"))
                            .isEqualTo(models.get(0).asText());
                }
            }
        }
        List<Pod> pods = stack.cluster().client().pods().inAnyNamespace().list().getItems();
        for (Pod pod : pods) {
            assertThat(pod.getSpec().getNodeName()).as("pod %s is bound", pod.getMetadata().getName()).isNotBlank();
        }

        // No GPU was held by two admissions at once, across the scheduler restart.
        assertNoGpuHeldTwice();
    }

    /**
     * Under a steady load of submissions, each service is killed with SIGKILL in turn, as an operator's {@code kill -9}
     * would: the supervisor starts it again, and no job is failed, lost or run twice because of it. The stack runs
     * two schedulers (one deciding on a Lease, one hot standby), two executors and two submission services: the
     * deciding scheduler is the one killed, and the standby must decide within 15 s. Then, still under load, the Kafka
     * broker is restarted, and PostgreSQL.
     */
    @Test
    void aKill9OfEachServiceAndRestartsOfKafkaAndPostgresUnderLoadFailLoseAndDuplicateNoJob() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String queue = "chaos-" + run;
        String leader = schedulerLeader();
        List<String> victims = List.of("executor-service", leader, "submission-service", "autoscaler-service",
                "model-registry", "executor-service-2", "submission-service-2");
        List<String> restarts = List.of("kafka", "postgres");
        Map<String, Integer> restartsBefore = new HashMap<>();
        victims.forEach(v -> restartsBefore.put(v, stack.service(v).restarts()));
        List<String> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
        var submitters = java.util.concurrent.Executors.newFixedThreadPool(4);
        int jobs = 120;
        long every = 5_000L * (victims.size() + restarts.size()) / jobs; // as long as the faults (one each 5 s)
        Thread load = new Thread(() -> {
            for (int i = 0; i < jobs; i++) {
                int n = i;
                submitters.submit(() -> {
                    boolean gang = n % 5 == 0;
                    String body = RestClient.job(queue + "-" + n, queue, gang ? "pytorch" : "none", gang ? 2 : 1, 1,
                            null, 1);
                    try {
                        accepted.add(rest.submitPersistently(body, queue + "-key-" + n, Duration.ofSeconds(90))
                                .get("id").asText());
                    } catch (Exception e) {
                        refused.add(n + ": " + e.getMessage());
                    }
                });
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        load.start();
        long takeoverMillis = -1;
        for (String victim : victims) {
            Thread.sleep(5_000);
            long killedAt = System.nanoTime();
            stack.service(victim).kill();
            if (victim.equals(leader)) {
                // Whichever gets the lease once the dead leader's lapses: the hot standby, or the killed instance
                // restarted by the supervisor (a new identity) if it is back and caught up first.
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> List.of("scheduler-service", "scheduler-service-2").stream()
                                .anyMatch(s -> "leader".equals(schedulerRole(s))));
                takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            }
        }
        for (String dependency : restarts) {
            Thread.sleep(5_000);
            long t0 = System.nanoTime();
            if (dependency.equals("kafka")) {
                stack.restartKafka();
            } else {
                stack.restartPostgres();
            }
            System.out.println("[e2e] restarted " + dependency + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        System.out.println("[e2e] a scheduler decided again " + takeoverMillis + " ms after the leader was killed");
        assertThat(takeoverMillis).as("takeover after kill -9 of the deciding scheduler").isBetween(0L, 15_000L);
        load.join();
        submitters.shutdown();
        assertThat(submitters.awaitTermination(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        for (String victim : victims) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> stack.service(victim).alive());
            stack.service(victim).awaitReady(Duration.ofSeconds(120));
            assertThat(stack.service(victim).restarts()).as("restarts of " + victim)
                    .isEqualTo(restartsBefore.get(victim) + 1);
        }

        // Every submission was eventually accepted, once: one workload per idempotency key.
        assertThat(refused).isEmpty();
        assertThat(accepted).hasSize(jobs);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(rest.list("queue=" + queue + "&size=500").get("total").asInt()).isEqualTo(jobs));
        assertThat(new HashSet<>(accepted)).hasSize(jobs);

        // Every one succeeds: none failed by a crash of ours.
        Awaitility.await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, Long> byStatus = new java.util.TreeMap<>();
            rest.list("queue=" + queue + "&size=500").get("items").forEach(w ->
                    byStatus.merge(w.get("status").asText() + (w.get("status").asText().equals("FAILED")
                            ? " (" + w.get("reason").asText() + ")" : ""), 1L, Long::sum));
            assertThat(byStatus).as("workloads by status").containsOnlyKeys("SUCCEEDED");
        });

        // Placed once each: one admission per workload, and each pod created once.
        Set<String> mine = new HashSet<>(accepted);
        Map<String, Set<Integer>> attempts = new HashMap<>();
        for (PlacementEvent.WorkloadAdmitted a : log.of(PlacementEvent.WorkloadAdmitted.class)) {
            if (mine.contains(a.workloadId())) {
                attempts.computeIfAbsent(a.workloadId(), k -> new HashSet<>()).add(a.attempt());
            }
        }
        assertThat(attempts).hasSize(jobs);
        assertThat(attempts.values()).allSatisfy(a -> assertThat(a).containsExactly(1));
        for (String id : accepted) {
            int workers = rest.get(id).get("spec").get("workers").asInt();
            assertThat(stack.cluster().client().pods().inAnyNamespace().withLabel("capstan.dev/workload", id).list()
                    .getItems()).as("pods of " + id).hasSize(workers);
        }
        assertNoGpuHeldTwice();
    }

    /**
     * After a short load (training jobs and an inference service's requests), every query of every Grafana dashboard
     * in deploy/grafana runs against the stack's Prometheus, which scrapes every service: each must be valid PromQL
     * and return at least one series, so a panel never shows "No data" for a metric that was renamed or never
     * registered. The alert rules of deploy/prometheus are loaded and evaluate without error.
     */
    @Test
    void everyDashboardQueryReturnsSeriesFromPrometheusAfterALoad() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(rest.submit(RestClient.job("dash-" + run + "-" + i, "dash-" + (i % 2), i == 0 ? "pytorch" : "none",
                    i == 0 ? 2 : 1, 1, null, 2)).get("id").asText());
        }
        Map<String, String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(15);
        String service = "dash-" + run;
        try (InferenceGateway gateway = new InferenceGateway(stack.kafka(), stack.cluster().client(),
                stack.url("submission-service"), stack.url("model-registry"), service, 2.0, 5, 2000, second -> 4,
                null).start()) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    ids.stream().allMatch(id -> rest.get(id).path("status").asText().equals("SUCCEEDED")));
            Map<String, String> failing = new java.util.TreeMap<>();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    failing.clear();
                    for (var q : queries.entrySet()) {
                        String problem = promQuery(q.getValue());
                        if (problem != null) {
                            failing.put(q.getKey(), problem);
                        }
                    }
                    return failing.isEmpty();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("dashboard queries without series after the load: " + failing, e);
            }
        }
        JsonNode rules = RestClient.fetch(prometheus.url() + "/api/v1/rules");
        assertThat(rules.path("data").path("groups").findValuesAsText("name")).contains("CapstanStrandedGpus",
                "CapstanQueueWaitHigh", "CapstanConsumerLagHigh", "CapstanDeadLetters");
        assertThat(rules.path("data").path("groups").findValuesAsText("health")).containsOnly("ok");
    }

    /**
     * "dashboard / panel / refId" → query of every panel of deploy/grafana/*.json, with Grafana's interval variables
     * set as a dashboard over the last ten minutes would set them on this 1 s scrape interval.
     */
    static Map<String, String> dashboardQueries() throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        Path dir = Path.of("..").toAbsolutePath().normalize().resolve("deploy/grafana");
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile());
                d.path("panels").forEach(p -> p.path("targets").forEach(t -> out.put(d.path("uid").asText() + " / "
                        + p.path("title").asText() + " / " + t.path("refId").asText(), t.path("expr").asText()
                        .replace("$__rate_interval", "30s").replace("$__range", "10m")
                        .replace("$__interval", "5s"))));
            }
        }
        return out;
    }

    /** Null when {@code expr} is valid and returns at least one series now; otherwise what went wrong. */
    static String promQuery(String expr) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(prometheus.url()
                + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            // An invalid query never turns valid: fail at once rather than wait.
            throw new AssertionError("invalid query " + expr + ": " + r.statusCode() + " " + body.path("error"));
        }
        return body.path("data").path("result").isEmpty() ? "no series: " + expr : null;
    }

    @Test
    void anInferenceServiceNeedsAModelTheRegistryKnows() throws Exception {
        String name = "svc-" + UUID.randomUUID().toString().substring(0, 6);
        HttpClient http = HttpClient.newHttpClient();
        URI services = URI.create(stack.url("submission-service") + "/api/v1/inference-services");
        String body = "{\"name\":\"" + name + "\",\"queue\":\"default\",\"model\":\"" + name + "@production\","
                + "\"image\":\"registry/serve:1\",\"replica\":{\"gpus\":1,\"gpuMilli\":250,\"cpuMilli\":500,"
                + "\"memoryMib\":1024},\"targetRps\":3}";

        // Not in the registry: refused with the field named, nothing published.
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(services)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        JsonNode problem = RestClient.read(refused, 422);
        assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("model");
        assertThat(problem.path("errors").get(0).path("message").asText()).contains(name + "@production");

        // Registered, with a version behind the alias: accepted.
        String registry = stack.url("model-registry") + "/api/v1/models";
        RestClient.call("POST", registry, "{\"name\":\"" + name + "\",\"queue\":\"default\"}", 201);
        RestClient.call("POST", registry + "/" + name + "/versions", "{\"artifactUri\":\"s3://e2e/" + name
                + "/1\",\"format\":\"onnx\"}", 201);
        RestClient.call("PUT", registry + "/" + name + "/aliases/production", "{\"version\":1,\"reason\":\"e2e\"}", 200);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(services)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        // A change to a version that does not exist is refused too; one that exists is taken.
        assertThat(RestClient.call("PATCH", services + "/" + name, "{\"model\":\"" + name + ":9\"}", 422).body())
                .contains(name + ":9");
        assertThat(RestClient.read(RestClient.call("PATCH", services + "/" + name, "{\"model\":\"" + name + ":1\"}", 200),
                200).path("generation").asInt()).isEqualTo(2);
    }

    @Test
    void anInferenceServiceIsSizedFromTheRequestRateItsGatewayReports() throws Exception {
        // A gateway for one service: nothing for 6 s, then 8 rps (2 rps per replica: 4 replicas' worth).
        String service = "chat-" + UUID.randomUUID().toString().substring(0, 6);
        try (EventLog scaling = new EventLog(stack.kafka(), List.of(Topics.SCALING));
                InferenceGateway gateway = new InferenceGateway(stack.kafka(), stack.cluster().client(),
                        stack.url("submission-service"), stack.url("model-registry"), service, 2.0, 5, 2000,
                        second -> second < 6 ? 0 : 8, null).start()) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    scaling.of(ScalingEvent.ScaleDecided.class).stream()
                            .anyMatch(d -> d.service().equals(service) && d.desiredReplicas() >= 4));
            List<ScalingEvent.ScaleDecided> decisions = scaling.of(ScalingEvent.ScaleDecided.class).stream()
                    .filter(d -> d.service().equals(service)).toList();
            // Before samples arrive the count is held at zero (missing data never scales); the first decision that
            // asks for replicas brings the service up from zero; each decision starts from the count before it.
            ScalingEvent.ScaleDecided up = decisions.stream().filter(d -> d.desiredReplicas() > 0).findFirst()
                    .orElseThrow();
            assertThat(up.currentReplicas()).isZero();
            assertThat(up.reason()).isEqualTo("from-zero");
            assertThat(up.policy()).isEqualTo("capstan");
            for (int i = 1; i < decisions.size(); i++) {
                assertThat(decisions.get(i).currentReplicas()).isEqualTo(decisions.get(i - 1).desiredReplicas());
            }
            assertThat(decisions).allSatisfy(d -> assertThat(d.desiredReplicas()).isBetween(0, 20));
            assertThat(gateway.lastPlan()).isNotNull();
            // The operator's view: the settings as announced (the gateway's 2 s queue included) and live windows.
            JsonNode view = RestClient.fetch(stack.url("autoscaler-service") + "/api/v1/autoscaling/" + service);
            assertThat(view.path("settings").path("queueTimeoutMillis").asLong()).isEqualTo(2000);
            assertThat(view.path("settings").path("coldStartSeconds").asLong()).isEqualTo(5);
            assertThat(view.path("windows").path("rps60s").asDouble()).isPositive();
            assertThat(view.path("lastDecision").path("reason").asText()).isNotEmpty();
        }
    }

    /**
     * Serving end to end: the gateway creates a service whose replicas become pods on the simulated cluster; under
     * load it scales up (spread over nodes); a healthy new version behind the alias is rolled out through the canary
     * steps and promoted without the ready replicas dropping below the minimum, its owner killed with SIGKILL
     * mid-rollout; a version failing 30 % of its
     * requests is rolled back by the autoscaler, which moves the alias back with its verdict; deleting the service
     * removes every replica pod and its Service.
     */
    @Test
    void anInferenceServiceRunsAsReplicaPodsScalesUnderLoadAndRollsOutAndBackOnItsOwn() throws Exception {
        String service = "serve-" + UUID.randomUUID().toString().substring(0, 6);
        String models = stack.url("model-registry") + "/api/v1/models/" + service;
        String api = stack.url("submission-service") + "/api/v1/inference-services/" + service;
        var kube = stack.cluster().client();
        try (EventLog scaling = new EventLog(stack.kafka(), List.of(Topics.SCALING));
                EventLog metrics = new EventLog(stack.kafka(), List.of(Topics.INFERENCE_METRICS));
                InferenceGateway gateway = new InferenceGateway(stack.kafka(), kube, stack.url("submission-service"),
                        stack.url("model-registry"), service, 4.0, 2, 2000, second -> 24, null).start()) {
            // Fast canary steps for a test: half the traffic, then all, judged over 5 s windows of 30 requests, with
            // the default latency ratio (1.5): at 50 % the canary is compared with its baseline at the same load.
            RestClient.call("PATCH", api, "{\"minReplicas\":3,\"rollout\":{\"canarySteps\":[50,100],"
                    + "\"analysisWindowSeconds\":5,\"minRequests\":30,\"maxErrorRateIncrease\":2.0}}", 200);
            // 24 rps at 4 rps per replica (70 % utilisation): 9 replicas, on different nodes while they fit apart.
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> readyReplicas(service, "v1") >= 6);
            List<Pod> v1 = replicaPods(service);
            assertThat(v1).allSatisfy(p -> assertThat(p.getMetadata().getLabels())
                    .containsEntry(ServingReplica.REVISION_LABEL, "v1"));
            assertThat(v1.stream().map(p -> p.getSpec().getNodeName()).distinct().count()).isGreaterThanOrEqualTo(6);
            assertThat(kube.services().inNamespace("capstan").withName(service).get()).isNotNull();

            // A healthy v2: surge, 50 %, 100 %, promoted; v1's replicas released.
            RestClient.call("POST", models + "/versions", "{\"artifactUri\":\"s3://e2e/" + service + "/2\"}", 201);
            int minimumBefore = 3;
            ReadyWatch watch = new ReadyWatch(service);
            java.time.Instant rolloutStart = java.time.Instant.now();
            RestClient.call("PUT", models + "/aliases/production", "{\"version\":2,\"reason\":\"e2e promote\"}", 200);
            // kill -9 of the rollout's owner once the canary takes traffic: the restarted autoscaler reads its plans
            // back and goes on from the step it was at.
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                watch.sample();
                return plans(scaling, service).stream().anyMatch(pl -> pl.rollout() != null
                        && "canary".equals(pl.rollout().phase()));
            });
            stack.service("autoscaler-service").kill();
            Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300)).until(() -> {
                watch.sample();
                return plans(scaling, service).stream().anyMatch(pl -> pl.rollout() != null
                        && "promoted".equals(pl.rollout().phase()) && pl.rollout().to().equals("v2"));
            });
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                watch.sample();
                return replicaPods(service).stream().allMatch(p -> "v2".equals(
                        p.getMetadata().getLabels().get(ServingReplica.REVISION_LABEL)));
            });
            assertThat(watch.lowest).as("ready replicas during the rollout").isGreaterThanOrEqualTo(minimumBefore);
            // No request lost to the rollout: the whole service's failures while it ran are the versions' own (0.2 %
            // each), not requests sent where no replica was ready or left waiting past the queue timeout.
            long[] whole = {0, 0};
            metrics.of(InferenceMetricsEvent.RequestRateSample.class).stream()
                    .filter(m -> m.service().equals(service) && m.revision() == null
                            && !m.windowStart().isBefore(rolloutStart))
                    .forEach(m -> {
                        whole[0] += m.requests();
                        whole[1] += m.errors();
                    });
            assertThat(whole[0]).isGreaterThan(500);
            assertThat((double) whole[1] / whole[0]).as("failed share of %d requests during the rollout", whole[0])
                    .isLessThan(0.01);
            assertThat(plans(scaling, service)).extracting(pl -> pl.rollout() == null ? "-" : pl.rollout().phase())
                    .contains("surging", "canary", "promoted").doesNotContain("rolled-back", "stopped");
            // At 50 % a baseline of v1 took the same share on as many replicas as v2.
            assertThat(plans(scaling, service)).anySatisfy(pl -> assertThat(pl.revisions())
                    .extracting(ScalingEvent.Revision::name, ScalingEvent.Revision::weight)
                    .contains(org.assertj.core.groups.Tuple.tuple("v2", 50),
                            org.assertj.core.groups.Tuple.tuple("v1-baseline", 50)));
            // One rollout, resumed, not started over: every plan of it has the same start for its first step's surge.
            assertThat(plans(scaling, service).stream().filter(pl -> pl.rollout() != null
                    && "surging".equals(pl.rollout().phase()) && pl.rollout().step() == 0)
                    .map(pl -> pl.rollout().stepStartedAt()).distinct()).hasSize(1);

            // A v3 that fails 30 % of its requests: rolled back at its first window, the alias moved back.
            RestClient.call("POST", models + "/versions", "{\"artifactUri\":\"s3://e2e/" + service + "/3\","
                    + "\"tags\":{\"sim.capstan.dev/error-rate\":\"0.3\"}}", 201);
            RestClient.call("PUT", models + "/aliases/production", "{\"version\":3,\"reason\":\"e2e bad\"}", 200);
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
                    plans(scaling, service).stream().anyMatch(pl -> pl.rollout() != null
                            && "rolled-back".equals(pl.rollout().phase()) && pl.rollout().to().equals("v3")));
            ScalingEvent.RevisionsPlanned back = plans(scaling, service).stream().filter(pl -> pl.rollout() != null
                    && "rolled-back".equals(pl.rollout().phase())).findFirst().orElseThrow();
            assertThat(back.revisions()).extracting(ScalingEvent.Revision::name, ScalingEvent.Revision::weight)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("v2", 100));
            assertThat(back.reason()).startsWith("canary failed: errors");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                    RestClient.fetch(models + "/aliases/production").path("version").asInt() == 2);
            JsonNode last = RestClient.fetch(models + "/aliases/production/history").path("items").get(0);
            assertThat(last.path("toVersion").asInt()).isEqualTo(2);
            assertThat(last.path("fromVersion").asInt()).isEqualTo(3);
            assertThat(last.path("actor").asText()).isEqualTo("autoscaler-service");
            assertThat(last.path("reason").asText()).contains("canary failed: errors");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                    replicaPods(service).stream().noneMatch(p -> "v3".equals(
                            p.getMetadata().getLabels().get(ServingReplica.REVISION_LABEL))));
            assertThat(gateway.lastPlan()).isNotNull();
        }

        // Deleted: every replica pod and the Service go.
        RestClient.call("DELETE", api, "", 204);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                replicaPods(service).isEmpty() && kube.services().inNamespace("capstan").withName(service).get() == null);
        assertNoGpuHeldTwice();
    }

    /** The lowest count of ready replicas seen while it samples. */
    static final class ReadyWatch {
        final String service;
        int lowest = Integer.MAX_VALUE;

        ReadyWatch(String service) {
            this.service = service;
            sample();
        }

        void sample() {
            lowest = Math.min(lowest, readyReplicas(service, null));
        }
    }

    static List<ScalingEvent.RevisionsPlanned> plans(EventLog scaling, String service) {
        return scaling.of(ScalingEvent.RevisionsPlanned.class).stream().filter(p -> p.service().equals(service))
                .toList();
    }

    /** The service's replica pods not being deleted. */
    static List<Pod> replicaPods(String service) {
        return stack.cluster().client().pods().inNamespace("capstan")
                .withLabel(ServingReplica.SERVICE_LABEL, service).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    /** Ready replica pods of the service (of one revision, or of all when {@code revision} is null). */
    static int readyReplicas(String service, String revision) {
        return (int) replicaPods(service).stream()
                .filter(p -> revision == null || revision.equals(p.getMetadata().getLabels().get(ServingReplica.REVISION_LABEL)))
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
                        && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .count();
    }

    @Test
    void aTrainingJobsOutputBecomesAVersionThatIsPromotedAndRolledBackAndRestAndEventsTellTheSameStory()
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String model = "churn-" + run;
        String registry = stack.url("model-registry");
        try (EventLog events = new EventLog(stack.kafka(), List.of(Topics.MODELS))) {
            // Two training runs declare the same model as their output.
            List<String> jobs = new ArrayList<>();
            for (String part : List.of("a", "b")) {
                jobs.add(rest.submit(RestClient.job("churn-" + part + "-" + run, "team-ml", 2, model,
                        "s3://models/churn/" + run + "/" + part)).get("id").asText());
            }

            // Each success becomes a version whose source is the job and the attempt that succeeded.
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    versions(registry, model).size() == 2);
            Map<String, JsonNode> bySource = new HashMap<>();
            versions(registry, model).forEach(v -> bySource.put(v.path("source").path("workloadId").asText(), v));
            assertThat(bySource).containsOnlyKeys(jobs);
            for (String id : jobs) {
                JsonNode job = rest.get(id);
                JsonNode v = bySource.get(id);
                assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(v.path("source").path("attempt").asInt()).isEqualTo(job.get("attempt").asInt());
                assertThat(v.path("artifactUri").asText())
                        .isEqualTo(job.path("spec").path("output").path("artifactUri").asText());
                assertThat(v.path("status").asText()).isEqualTo("READY");
            }
            assertThat(bySource.values()).extracting(v -> v.path("version").asInt()).containsExactlyInAnyOrder(1, 2);

            // Promote v1, then v2, roll back: with the commands a user types.
            Ran promoted = capstan(registry, "promote", model, "production", "1", "--reason", "passes offline eval");
            assertThat(promoted.status()).as(promoted.output()).isZero();
            assertThat(promoted.output()).contains(model + "@production: (unset) -> v1");
            Ran again = capstan(registry, "promote", model, "production", "v2", "--reason", "beats v1 on AUC");
            assertThat(again.output()).contains(model + "@production: v1 -> v2");
            Ran back = capstan(registry, "rollback", model, "production", "--reason", "latency regression");
            assertThat(back.status()).as(back.output()).isZero();
            assertThat(back.output()).contains(model + "@production: v2 -> v1");
            assertThat(RestClient.fetch(registry + "/api/v1/models/" + model + "/aliases/production")
                    .get("version").asInt()).isEqualTo(1);

            // Refusals read as what went wrong, and the command fails.
            Ran missing = capstan(registry, "promote", model, "production", "7");
            assertThat(missing.status()).isEqualTo(1);
            assertThat(missing.output()).startsWith("capstan: not found (404");
            Ran unset = capstan(registry, "rollback", model, "staging");
            assertThat(unset.status()).isEqualTo(1);
            assertThat(unset.output()).startsWith("capstan: not found (404").contains("staging");
            Ran badAlias = capstan(registry, "promote", model, "Production", "1");
            assertThat(badAlias.status()).isEqualTo(1);
            assertThat(badAlias.output()).startsWith("capstan: invalid request").contains("alias");
            Ran nowhere = capstan(registry, "rollback", model, "production", "--to", "1");
            assertThat(nowhere.status()).as(nowhere.output()).isEqualTo(1);
            assertThat(nowhere.output()).startsWith("capstan: refused (409");

            // The REST history (newest first) and the capstan.models events tell the same story, in the same order.
            List<Move> history = new ArrayList<>();
            RestClient.fetch(registry + "/api/v1/models/" + model + "/aliases/production/history").get("items")
                    .forEach(m -> history.add(new Move(m.path("fromVersion").isNull() ? null
                            : m.path("fromVersion").asInt(), m.path("toVersion").asInt(), m.path("actor").asText(),
                            m.path("reason").asText())));
            Collections.reverse(history);
            assertThat(history).containsExactly(
                    new Move(null, 1, ACTOR, "passes offline eval"),
                    new Move(1, 2, ACTOR, "beats v1 on AUC"),
                    new Move(2, 1, ACTOR, "rollback from version 2 to 1: latency regression"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(once(events, ModelEvent.ModelAliasMoved.class, model).stream()
                            .map(e -> new Move(e.fromVersion(), e.toVersion(), e.actor(), e.reason())).toList())
                            .containsExactlyElementsOf(history));
            List<ModelEvent.ModelVersionRegistered> registered =
                    once(events, ModelEvent.ModelVersionRegistered.class, model);
            assertThat(registered).extracting(ModelEvent.ModelVersionRegistered::version).containsExactly(1, 2);
            for (ModelEvent.ModelVersionRegistered r : registered) {
                JsonNode v = bySource.get(r.sourceWorkloadId());
                assertThat(v).as("version from " + r.sourceWorkloadId()).isNotNull();
                assertThat(r.version()).isEqualTo(v.path("version").asInt());
                assertThat(r.sourceAttempt()).isEqualTo(v.path("source").path("attempt").asInt());
                assertThat(r.actor()).isEqualTo(v.path("createdBy").asText()).isEqualTo("model-registry");
            }

            // What the user reads: the lineage in describe, the moves newest first in history.
            Ran described = capstan(registry, "models", "describe", model);
            for (String id : jobs) {
                assertThat(described.output()).contains(id + "#" + rest.get(id).get("attempt").asInt());
            }
            assertThat(described.output()).containsPattern("production +v1 ");
            List<String> lines = capstan(registry, "models", "history", model, "production").output().lines().toList();
            assertThat(lines.get(0)).startsWith("AT").contains("KIND", "FROM", "TO", "ACTOR", "REASON");
            assertThat(lines.get(1)).contains("ROLLBACK", ACTOR, "latency regression");
            assertThat(lines.get(3)).contains("SET", "passes offline eval");
            assertThat(lines.get(4)).isEqualTo("(3 moves)");
        }
    }

    /** One alias move as REST and events both describe it. */
    record Move(Integer from, int to, String actor, String reason) {
    }

    /** One {@code ./capstan} model command, as {@link #ACTOR}: its exit status and everything it printed. */
    record Ran(int status, String output) {
    }

    static Ran capstan(String registry, String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream to = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int status = new ModelCommands(registry, ACTOR, to, to).run(List.of(args));
        return new Ran(status, printed.toString(StandardCharsets.UTF_8));
    }

    /** A model's versions, none while the model does not exist yet. */
    static List<JsonNode> versions(String registry, String model) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry + "/api/v1/models/" + model + "/versions")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        RestClient.read(r, 200).get("items").forEach(items::add);
        return items;
    }

    /** One model's events of a type in the order they were published, each once (delivery is at least once). */
    static <T extends ModelEvent> List<T> once(EventLog events, Class<T> type, String model) {
        Set<String> ids = new HashSet<>();
        List<T> seen = new ArrayList<>();
        for (EventLog.Seen s : events.all()) {
            var id = s.record().headers().lastHeader(CloudEventHeaders.CE_ID);
            if (type.isInstance(s.event()) && type.cast(s.event()).model().equals(model)
                    && ids.add(new String(id.value(), StandardCharsets.UTF_8))) {
                seen.add(type.cast(s.event()));
            }
        }
        return seen;
    }

    /** The scheduler instance that decides, from the readiness data of both. */
    static String schedulerLeader() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> List.of("scheduler-service",
                "scheduler-service-2").stream().filter(s -> "leader".equals(schedulerRole(s))).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    static final HttpClient HEALTH = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code leader} or {@code standby}, as the instance's readiness check says; null when it does not answer. */
    static String schedulerRole(String instance) {
        try {
            HttpResponse<String> r = HEALTH.send(HttpRequest.newBuilder(
                    URI.create(stack.service(instance).url() + "/q/health/ready")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode check : dev.capstan.events.EventCodec.mapper().readTree(r.body()).path("checks")) {
                if (check.path("data").has("role")) {
                    return check.path("data").path("role").asText();
                }
            }
        } catch (Exception notAnswering) {
            // restarting
        }
        return null;
    }

    /** From the event log: no GPU was held by two admissions at overlapping times. */
    static void assertNoGpuHeldTwice() {
        List<PlacementEvent.WorkloadAdmitted> admitted = log.of(PlacementEvent.WorkloadAdmitted.class);
        assertThat(admitted).isNotEmpty();
        assertThat(GpuHolds.overlaps(admitted, log.of(ExecutionEvent.class))).isEmpty();
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static void send(KafkaProducer<String, String> producer, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.WORKLOAD_REQUESTS, key, value)).get();
    }

    /** A request of another kind than a training job: its CloudEvents type in the {@code ce_type} header. */
    static void send(KafkaProducer<String, String> producer, String key, String value, String type) throws Exception {
        ProducerRecord<String, String> r = new ProducerRecord<>(Topics.WORKLOAD_REQUESTS, key, value);
        r.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    /** Three hand-made runs: lr 0.01 ends at top_1 0.30, lr 0.1 at 0.45, lr 1.0 diverges (NaN loss). */
    static final Path TUNING_CURVES = Path.of("..", "local-stack/src/test/resources/trainer/imagenet-like.results.jsonl")
            .toAbsolutePath().normalize();

    /**
     * A tuning experiment, every part real: an upstream system sends it on the Kafka ingress, submission-service
     * records it and publishes it on {@code capstan.workloads}; tuning-service submits each trial to submission-service as a training job,
     * the scheduler places it, the executor runs its pod, the simulated trainer replays a recorded learning curve and
     * logs each epoch through model-registry's MLflow tracking API, which publishes the points on
     * {@code capstan.trial-metrics} for tuning-service. tuning-service is killed with SIGKILL while a trial runs; the
     * experiment goes on from PostgreSQL without a duplicated trial, finds the best configuration and registers it as
     * a model version with its lineage.
     */
    @Test
    void anExperimentSurvivesAKill9FindsItsBestTrialAndRegistersIt() throws Exception {
        assertThat(Files.isRegularFile(TUNING_CURVES)).as(TUNING_CURVES.toString()).isTrue();
        String run = UUID.randomUUID().toString().substring(0, 6);
        String name = "grid-" + run;
        String queue = "tune-" + run;
        String model = "tuned-" + run;
        String tuning = stack.url("tuning-service") + "/api/v1/experiments";
        String registry = stack.url("model-registry");
        // One trial at a time, each 3-6 s of replayed training.
        String experiment = """
                {"name":"%s","objective":{"metric":"top_1","direction":"maximize"},
                 "searchSpace":{"parameters":[{"name":"lr","type":"categorical","choices":["0.01","0.1","1.0"]}]},
                 "algorithm":{"name":"grid"},"parallelism":1,
                 "trialTemplate":{"name":"t","queue":"%s","image":"trainer:e2e","workers":1,"framework":"none",
                   "resources":{"gpus":1,"gpuMilli":0,"cpuMilli":1000,"memoryMib":2048},
                   "command":["train","--lr=${lr}"],
                   "annotations":{"sim.capstan.dev/trainer-curves":"%s","sim.capstan.dev/trainer-time-scale":"0.02"}},
                 "model":{"name":"%s","artifactUri":"s3://e2e/${trial}"}}
                """.formatted(name, queue, TUNING_CURVES, model);

        // Bad input first: an inverted range, an empty categorical and an unknown placeholder, each named.
        String bad = experiment.replace("{\"name\":\"lr\",\"type\":\"categorical\",\"choices\":[\"0.01\",\"0.1\","
                + "\"1.0\"]}", "{\"name\":\"lr\",\"type\":\"log-float\",\"min\":1,\"max\":0.1},"
                + "{\"name\":\"opt\",\"type\":\"categorical\",\"choices\":[]}").replace("${lr}", "${learning_rate}");
        JsonNode refused = RestClient.read(RestClient.call("POST", tuning, bad, 422), 422);
        List<String> fields = new ArrayList<>();
        refused.path("errors").forEach(e -> fields.add(e.path("field").asText()));
        assertThat(fields).contains("searchSpace.parameters[0].max", "searchSpace.parameters[1].choices");

        // The experiment itself comes from an upstream system: a plain Kafka producer on the ingress, through
        // submission-service (which records it) to tuning-service. So does one whose range is inverted: tuning-service
        // dead-letters it with the field named.
        String badOverKafka = "bad-" + run;
        try (KafkaProducer<String, String> producer = producer(stack.kafka())) {
            send(producer, "exp-req-" + run, experiment, "dev.capstan.experiment.create.v1");
            send(producer, "exp-req-bad-" + run, bad.replace("\"" + name + "\"", "\"" + badOverKafka + "\""),
                    "dev.capstan.experiment.create.v1");
            producer.flush();
        }
        var deadExperiment = KafkaTopics.await(stack.kafka(), Topics.deadLetter("tuning-service"),
                r -> badOverKafka.equals(r.key()), Duration.ofSeconds(60));
        assertThat(new String(deadExperiment.headers().lastHeader("dead-letter-reason").value(),
                StandardCharsets.UTF_8)).contains("searchSpace.parameters[0].max");

        // The first trial's job runs: kill tuning-service as an operator's kill -9 would.
        // (404 until tuning-service has read it: the two requests went to different partitions, in either order)
        Awaitility.await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> RestClient.fetch(tuning
                + "/" + name).path("trials").path(0).path("workloadId").isTextual());
        stack.service("tuning-service").kill();

        JsonNode done;
        try {
            done = Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions().until(() -> RestClient.fetch(tuning + "/" + name),
                            e -> !e.path("state").asText().equals("RUNNING") && e.path("modelVersion").isNumber());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // What the trainer logged, for the report.
            JsonNode now = RestClient.fetch(tuning + "/" + name);
            String runId = now.path("trials").path(0).path("mlflowRunId").asText();
            throw new AssertionError("experiment " + now + "\nMLflow history of trial 0: " + RestClient.fetch(registry
                    + "/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=top_1") + "\njobs: "
                    + RestClient.fetch(stack.url("submission-service") + "/api/v1/workloads?queue=" + queue), e);
        }
        assertThat(done.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.path("reason").asText()).isEqualTo("nothing left to try");
        JsonNode trials = done.path("trials");
        assertThat(trials.size()).isEqualTo(3);
        assertThat(trials.path(0).path("state").asText()).isEqualTo("COMPLETED");
        assertThat(trials.path(0).path("lastValue").asDouble()).isEqualTo(0.30);
        assertThat(trials.path(1).path("state").asText()).isEqualTo("COMPLETED");
        assertThat(trials.path(1).path("lastValue").asDouble()).isEqualTo(0.45);
        assertThat(trials.path(1).path("reports").asInt()).isEqualTo(4);
        // The diverging configuration fails with its job's reason; the experiment went on.
        assertThat(trials.path(2).path("state").asText()).isEqualTo("FAILED");
        // The trainer's own words (its container's termination message) reach the trial's reason.
        assertThat(trials.path(2).path("reason").asText()).contains("job failed")
                .contains(dev.capstan.localstack.trainer.TrainingPlan.DIVERGED);
        assertThat(done.path("best").path("id").asText()).isEqualTo(name + "-t1");
        assertThat(done.path("gpuHours").asDouble()).isPositive();

        // Each trial ran as exactly one training job in its queue, despite the kill.
        JsonNode jobs = RestClient.fetch(stack.url("submission-service")
                + "/api/v1/workloads?queue=" + queue + "&size=100");
        List<String> names = new ArrayList<>();
        jobs.path("items").forEach(w -> names.add(w.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder(name + "-t0", name + "-t1", name + "-t2");

        // The trial's points are in its MLflow run, as an MLflow client reads them.
        String runId = trials.path(1).path("mlflowRunId").asText();
        JsonNode history = RestClient.fetch(registry + "/api/2.0/mlflow/metrics/get-history?run_id=" + runId
                + "&metric_key=top_1");
        List<Double> values = new ArrayList<>();
        history.path("metrics").forEach(m -> values.add(m.path("value").asDouble()));
        assertThat(values).containsExactly(0.15, 0.25, 0.35, 0.45);

        // The best trial is a model version, with where it came from.
        JsonNode version = RestClient.fetch(registry + "/api/v1/models/" + URLEncoder.encode(model,
                StandardCharsets.UTF_8) + "/versions/" + done.path("modelVersion").asInt());
        assertThat(version.path("artifactUri").asText()).isEqualTo("s3://e2e/" + name + "-t1");
        assertThat(version.path("tags").path("capstan.dev/experiment").asText()).isEqualTo(name);
        assertThat(version.path("tags").path("capstan.dev/trial-id").asText()).isEqualTo(name + "-t1");
        assertThat(version.path("params").path("lr").asText()).isEqualTo("0.1");
        assertThat(version.path("metrics").path("top_1").asDouble()).isEqualTo(0.45);
    }

    /**
     * A Kubernetes user's file: a TrainingJob, an InferenceService and an Experiment in one multi-document YAML,
     * applied with {@code ./capstan apply -f} (run through {@link SpecCommands}). Each kind goes to its service; the job
     * runs with the CPU it asked for and the memory it left out filled in per GPU; the service exists at generation 1;
     * the experiment's trial runs on the experiment's queue and completes. Applied again, nothing is created twice.
     */
    @Test
    void aMultiDocumentFileOfAllThreeKindsIsAppliedAndItsWorkRuns() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String job = "spec-job-" + run;
        String service = "spec-svc-" + run;
        String experiment = "spec-exp-" + run;
        String queue = "specs-" + run;
        String registry = stack.url("model-registry") + "/api/v1/models";
        RestClient.call("POST", registry, "{\"name\":\"" + service + "\",\"queue\":\"" + queue + "\"}", 201);
        RestClient.call("POST", registry + "/" + service + "/versions", "{\"artifactUri\":\"s3://e2e/" + service
                + "/1\",\"format\":\"onnx\"}", 201);
        RestClient.call("PUT", registry + "/" + service + "/aliases/production", "{\"version\":1}", 200);
        Path file = Files.createTempFile("specs-", ".yaml");
        Files.writeString(file, """
                apiVersion: capstan.dev/v1
                kind: TrainingJob
                metadata:
                  name: %1$s
                  labels: {team: specs}
                  annotations: {sim.capstan.dev/run-seconds: "2"}
                spec:
                  queue: %4$s
                  image: registry/train:1
                  command: [python, train.py]
                  framework: pytorch
                  workers: 2
                  resources: {nvidia.com/gpu: 1, cpu: 500m}
                ---
                apiVersion: capstan.dev/v1
                kind: InferenceService
                metadata: {name: %2$s}
                spec:
                  queue: %4$s
                  model: %2$s@production
                  image: registry/serve:1
                  resources: {nvidia.com/gpu.shared: 250m}
                  minReplicas: 0
                  scaleToZero: true
                  targetRps: 3
                ---
                apiVersion: capstan.dev/v1
                kind: Experiment
                metadata: {name: %3$s}
                spec:
                  queue: %4$s
                  objective: {metric: top_1, direction: maximize}
                  searchSpace: {parameters: [{name: lr, type: categorical, choices: ["0.1"]}]}
                  algorithm: {name: grid}
                  parallelism: 1
                  trialTemplate:
                    metadata:
                      annotations: {sim.capstan.dev/trainer-curves: "%5$s", sim.capstan.dev/trainer-time-scale: "0.02"}
                    spec:
                      image: trainer:e2e
                      command: [train, "--lr=${lr}"]
                      resources: {nvidia.com/gpu: 1}
                """.formatted(job, service, experiment, queue, TUNING_CURVES));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SpecCommands cli = new SpecCommands(stack.url("submission-service"), stack.url("tuning-service"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                java.time.Clock.systemUTC());

        int code = cli.run(List.of("apply", "-f", file.toString()));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "trainingjob.capstan.dev/" + job + " created", "inferenceservice.capstan.dev/" + service + " created",
                "experiment.capstan.dev/" + experiment + " created");

        // The job runs to its end, two pods with one GPU each, with the CPU it asked for and default memory.
        JsonNode w = Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    for (JsonNode n : rest.list("queue=" + queue + "&size=10").path("items")) {
                        if (n.path("name").asText().equals(job)) {
                            return n;
                        }
                    }
                    return null;
                }, n -> n != null && n.path("status").asText().equals("SUCCEEDED"));
        JsonNode done = RestClient.fetch(stack.url("submission-service") + "/api/v1/workloads/"
                + w.path("id").asText());
        assertThat(done.path("spec").path("resources").path("cpuMilli").asLong()).isEqualTo(500);
        assertThat(done.path("spec").path("resources").path("memoryMib").asLong()).isEqualTo(16_384);
        assertThat(done.path("spec").path("annotations").path("team").asText()).isEqualTo("specs");
        assertThat(done.path("pods").size()).isEqualTo(2);

        // The service exists as the document described it.
        JsonNode svc = RestClient.fetch(stack.url("submission-service") + "/api/v1/inference-services/" + service);
        assertThat(svc.path("generation").asInt()).isEqualTo(1);
        assertThat(svc.path("spec").path("replica").path("gpuMilli").asInt()).isEqualTo(250);
        assertThat(svc.path("spec").path("replica").path("cpuMilli").asLong()).isEqualTo(1_000);

        // The experiment's one trial runs as a training job on the experiment's queue and completes.
        String tuning = stack.url("tuning-service") + "/api/v1/experiments/" + experiment;
        JsonNode ended = Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> RestClient.fetch(tuning),
                        e -> !e.path("state").asText().equals("RUNNING"));
        assertThat(ended.path("state").asText()).as(ended.toString()).isEqualTo("SUCCEEDED");
        assertThat(ended.path("trials").path(0).path("state").asText()).isEqualTo("COMPLETED");
        List<String> names = new ArrayList<>();
        rest.list("queue=" + queue + "&size=10").path("items").forEach(x -> names.add(x.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder(job, experiment + "-t0");

        // What kubectl users read back; and applying the file again creates nothing.
        out.reset();
        assertThat(cli.run(List.of("get", "trainingjobs", job))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern(job + " +" + queue + " +SUCCEEDED +2 +1 ");
        out.reset();
        assertThat(cli.run(List.of("describe", "trainingjob", job))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Resources:   cpu 500m, memory 16Gi, "
                + "nvidia.com/gpu 1 per worker").containsPattern("Normal +Succeeded");
        out.reset();
        assertThat(cli.run(List.of("apply", "-f", file.toString()))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "trainingjob.capstan.dev/" + job + " unchanged", "inferenceservice.capstan.dev/" + service
                        + " unchanged", "experiment.capstan.dev/" + experiment + " unchanged (it exists, and an "
                        + "experiment is not changed once created: stop it and apply it under another name)");
        assertThat(rest.list("queue=" + queue).path("total").asInt()).isEqualTo(2);
    }
}
