package dev.capstan.console.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Framework;
import dev.capstan.events.ModelEvent;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.Topics;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The console against the real broker: events in, pages out, live pushes, and its refusals. */
@QuarkusTest
class ConsoleServiceTest {

    @TestHTTPResource("/api/console/stream")
    URL stream;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    static WorkloadEvent.WorkloadSubmitted submitted(String id, String queue) {
        return new WorkloadEvent.WorkloadSubmitted(id, new TrainingJobSpec(id, queue, "img", List.of("python"),
                Framework.PYTORCH, 1, new Resources(2, 1000, List.of(), 8000, 32768), 0, Map.of(), Map.of(), null),
                Instant.now());
    }

    @Test
    void eventsFromEveryTopicShowOnThePagesAndAnUnreadableRecordDoesNotStopTheFeed() {
        String node = "console-node-" + run;
        String id = "wl-console-" + run;
        TestKafka.publish(new NodeEvent.NodeUpdated(node, 64000, 512000, List.of(new NodeEvent.Gpu(0, "A100", 81920,
                "nvl-0"), new NodeEvent.Gpu(1, "A100", 81920, "nvl-0")), Map.of("topology.capstan.dev/rack",
                "rack-" + run), true, List.of(), Instant.now()), "test");
        // A record no reader can make sense of, before the good ones on the same topic
        TestKafka.send(Topics.WORKLOADS, id, "{not json", Map.of("ce_type", "dev.capstan.workload.submitted.v1"));
        TestKafka.publish(submitted(id, "team-" + run), "test");
        TestKafka.publish(new PlacementEvent.WorkloadAdmitted(id, 1, "team-" + run, List.of(new PodAssignment(id + "-0",
                "worker", 0, node, List.of(0, 1), 1000, "A100", null)), Instant.now(), null, null), "test");
        TestKafka.publish(new ExecutionEvent.WorkloadRunning(id, 1, Instant.now()), "test");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/console/workloads/" + id)
                .then().statusCode(200).body("workload.status", equalTo("RUNNING")));
        JsonPath gpus = given().get("/api/console/gpus").then().statusCode(200).extract().jsonPath();
        assertThat(gpus.getList("groups.find { it.rack == 'rack-" + run + "' }.nodes[0].gpus.state", String.class))
                .containsExactly("whole", "whole");
        assertThat(gpus.getString("groups.find { it.rack == 'rack-" + run + "' }.nodes[0].gpus[0].uses[0].workloadId"))
                .isEqualTo(id);
        given().get("/api/console/queues").then().statusCode(200)
                .body("find { it.name == 'team-" + run + "' }.gpusInUse", equalTo(2.0f))
                .body("find { it.name == 'team-" + run + "' }.running", equalTo(1));
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("capstan_console_events_total\\{.*outcome=\"unreadable\".*} [1-9]");

        // released: the GPUs are free again
        TestKafka.publish(new ExecutionEvent.WorkloadSucceeded(id, 1, Instant.now()), "test");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(given().get("/api/console/gpus")
                .jsonPath().getList("groups.find { it.rack == 'rack-" + run + "' }.nodes[0].gpus.state", String.class))
                .containsExactly("free", "free"));
    }

    @Test
    void theStreamPushesTheSectionsThatChanged() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(stream.toString()))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    if (l.startsWith("data:")) {
                        lines.offer(l);
                    }
                }
            } catch (Exception e) {
                // the test ends the stream by leaving
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertThat(lines.poll(20, TimeUnit.SECONDS)).as("the first push names every section").contains("GPUS")
                .contains("MODELS");
        // The console reads the topics from their beginning: once a first model of this run shows, it has caught up,
        // and the next MODELS push is this test's second model.
        TestKafka.publish(new ModelEvent.ModelVersionRegistered("console-" + run + "-a", 1, "s3://m/1", null,
                Instant.now(), null, null, "test"), "test");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/console/models/console-" + run
                + "-a").then().statusCode(200));
        lines.clear();
        TestKafka.publish(new ModelEvent.ModelVersionRegistered("console-" + run, 1, "s3://m/1", null, Instant.now(),
                null, null, "test"), "test");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String l = lines.poll(1, TimeUnit.SECONDS);
            return l != null && l.contains("MODELS");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/console/models/console-" + run)
                .then().statusCode(200).body("versions[0].version", equalTo(1)));
    }

    @Test
    void aliasMovesWithoutAReasonAreRefusedAndAnUnreachableRegistryIsA503() {
        given().contentType("application/json").body("{\"expectedVersion\":1}")
                .post("/api/console/models/chat/aliases/production/rollback")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("reason"));
        given().contentType("application/json").body("{\"expectedVersion\":1,\"reason\":\"p99 regression\"}")
                .post("/api/console/models/chat/aliases/production/rollback")
                .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "5");
        given().contentType("application/json").body("{\"reason\":\"x\"}")
                .put("/api/console/models/chat/aliases/production")
                .then().statusCode(400).body("errors[0].field", equalTo("version"));
    }

    @Test
    void unknownThingsAre404AndABadLimitIs400() {
        given().get("/api/console/workloads/never-" + run).then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/console/workloads?limit=0").then().statusCode(400).contentType("application/problem+json");
        given().get("/").then().statusCode(200).body(org.hamcrest.Matchers.containsString("Capstan operator console"));
    }
}
