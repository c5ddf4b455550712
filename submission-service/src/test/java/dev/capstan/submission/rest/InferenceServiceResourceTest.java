package dev.capstan.submission.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.RolloutPolicy;
import dev.capstan.events.Topics;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Inference services over REST and Kafka, on the build's broker and PostgreSQL: what is stored and published. */
@QuarkusTest
class InferenceServiceResourceTest {

    static String unique() {
        return "chat-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String body(String name) {
        return """
                {"name":"%s","queue":"team-nlp","model":"chat@production","image":"registry/serve:1",
                 "replica":{"gpus":1,"gpuMilli":500,"gpuModels":["T4"],"cpuMilli":2000,"memoryMib":8192},
                 "minReplicas":2,"maxReplicas":8,"targetRps":25,"coldStartSeconds":40,"queueTimeoutMillis":1500,
                 "rollout":{"maxSurge":2,"canarySteps":[10,50,100],"analysisWindowSeconds":20,"minRequests":50,
                            "maxErrorRateIncrease":1.0,"maxLatencyRatio":1.5}}
                """.formatted(name);
    }

    static ConsumerRecord<String, String> awaitEvent(String name, String type, long generation) {
        return TestKafka.await(Topics.WORKLOADS, r -> name.equals(r.key())
                && type.equals(TestKafka.header(r, CloudEventHeaders.CE_TYPE))
                && (generation == 0 || r.value().contains("\"generation\":" + generation)), Duration.ofSeconds(20));
    }

    @Test
    void aServiceIsCreatedWithItsSettingsPublishedThenChangedThenDeleted() {
        String name = unique();
        given().contentType(ContentType.JSON).body(body(name)).post("/api/v1/inference-services").then()
                .statusCode(201).header("Location", org.hamcrest.Matchers.endsWith("/api/v1/inference-services/" + name))
                .body("generation", equalTo(1)).body("spec.minReplicas", equalTo(2))
                .body("spec.scaleToZeroGraceSeconds", equalTo(60)); // a default filled in

        var created = (WorkloadEvent.InferenceServiceChanged) EventCodec.fromJson(
                "dev.capstan.inferenceservice.changed.v1",
                awaitEvent(name, "dev.capstan.inferenceservice.changed.v1", 1).value());
        assertThat(created.model()).isEqualTo("chat@production");
        assertThat(created.image()).isEqualTo("registry/serve:1");
        assertThat(created.replica().gpuMilli()).isEqualTo(500);
        assertThat(created.minReplicas()).isEqualTo(2);
        assertThat(created.maxReplicas()).isEqualTo(8);
        assertThat(created.targetRps()).isEqualTo(25.0);
        assertThat(created.queueTimeoutMillis()).isEqualTo(1500);
        assertThat(created.rollout()).isEqualTo(new RolloutPolicy(2, List.of(10, 50, 100), 20, 50, 1.0, 1.5));

        // A new model (a rollout, decided elsewhere) and more room: only these change.
        given().contentType("application/merge-patch+json").body("{\"model\":\"chat:7\",\"maxReplicas\":12}")
                .patch("/api/v1/inference-services/" + name).then().statusCode(200)
                .body("generation", equalTo(2)).body("spec.model", equalTo("chat:7"))
                .body("spec.maxReplicas", equalTo(12)).body("spec.minReplicas", equalTo(2));
        var changed = (WorkloadEvent.InferenceServiceChanged) EventCodec.fromJson(
                "dev.capstan.inferenceservice.changed.v1",
                awaitEvent(name, "dev.capstan.inferenceservice.changed.v1", 2).value());
        assertThat(changed.model()).isEqualTo("chat:7");
        assertThat(changed.coldStartSeconds()).isEqualTo(40);

        // The same change again changes nothing: no new generation.
        given().contentType(ContentType.JSON).body("{\"model\":\"chat:7\"}")
                .patch("/api/v1/inference-services/" + name).then().statusCode(200).body("generation", equalTo(2));

        // A partial rollout merges into the current one, field by field.
        given().contentType(ContentType.JSON).body("{\"rollout\":{\"canarySteps\":[5,100]}}")
                .patch("/api/v1/inference-services/" + name).then().statusCode(200).body("generation", equalTo(3))
                .body("spec.rollout.canarySteps", org.hamcrest.Matchers.contains(5, 100))
                .body("spec.rollout.maxSurge", equalTo(2)).body("spec.rollout.analysisWindowSeconds", equalTo(20));

        given().get("/api/v1/inference-services?queue=team-nlp&size=500").then().statusCode(200)
                .body("items.name", hasItems(name));

        given().queryParam("reason", "replaced").delete("/api/v1/inference-services/" + name).then().statusCode(204);
        var deleted = (WorkloadEvent.InferenceServiceDeleted) EventCodec.fromJson(
                "dev.capstan.inferenceservice.deleted.v1",
                awaitEvent(name, "dev.capstan.inferenceservice.deleted.v1", 0).value());
        assertThat(deleted.reason()).isEqualTo("replaced");
        awaitEvent(name, "dev.capstan.inferenceservice.changed.v1", 3);
        given().get("/api/v1/inference-services/" + name).then().statusCode(404)
                .contentType("application/problem+json").body("detail", equalTo("no inference service named '"
                        + name + "'"));
        given().delete("/api/v1/inference-services/" + name).then().statusCode(404);
    }

    @Test
    void theSameIdempotencyKeyGivesOneServiceAndATakenNameIsAConflict() {
        String name = unique();
        String key = "key-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body(name))
                .post("/api/v1/inference-services").then().statusCode(201);
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body(name))
                .post("/api/v1/inference-services").then().statusCode(200).body("generation", equalTo(1));
        given().contentType(ContentType.JSON).body(body(name)).post("/api/v1/inference-services").then()
                .statusCode(409).contentType("application/problem+json");
    }

    @Test
    void invalidSettingsAre422NamingEveryField() {
        String name = unique();
        given().contentType(ContentType.JSON).body(body(name).replace("\"minReplicas\":2", "\"minReplicas\":9")
                        .replace("chat@production", "chat").replace("[10,50,100]", "[50,10]"))
                .post("/api/v1/inference-services").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItems("maxReplicas", "model", "rollout.canarySteps[1]",
                        "rollout.canarySteps"));
        given().contentType(ContentType.JSON).body(body(name)).post("/api/v1/inference-services").then()
                .statusCode(201);
        given().contentType(ContentType.JSON).body("{\"name\":\"renamed\",\"minReplicas\":20}")
                .patch("/api/v1/inference-services/" + name).then().statusCode(422)
                .body("errors.field", hasItems("name", "maxReplicas"));
        given().contentType(ContentType.JSON).body("{\"maxReplicas\":\"many\"}")
                .patch("/api/v1/inference-services/" + name).then().statusCode(422)
                .body("errors[0].field", equalTo("maxReplicas"));
        given().get("/api/v1/inference-services/" + name).then().statusCode(200).body("generation", equalTo(1));
    }

    @Test
    void upstreamSystemsCreateChangeAndDeleteOverKafka() {
        String name = unique();
        TestKafka.send(Topics.WORKLOAD_REQUESTS, "req-" + UUID.randomUUID(), body(name),
                Map.of("ce_type", "dev.capstan.inferenceservice.create.v1"));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> given().get("/api/v1/inference-services/" + name).statusCode() == 200);

        TestKafka.send(Topics.WORKLOAD_REQUESTS, "req-" + UUID.randomUUID(),
                "{\"name\":\"" + name + "\",\"change\":{\"targetRps\":40}}",
                Map.of("ce_type", "dev.capstan.inferenceservice.change.v1"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                given().get("/api/v1/inference-services/" + name).<Integer>path("generation") == 2);
        given().get("/api/v1/inference-services/" + name).then().body("spec.targetRps", equalTo(40.0f));

        String bad = "req-" + UUID.randomUUID();
        TestKafka.send(Topics.WORKLOAD_REQUESTS, bad, "{\"name\":\"" + name + "\",\"change\":{\"maxReplicas\":0}}",
                Map.of("ce_type", "dev.capstan.inferenceservice.change.v1"));
        var dead = TestKafka.await(Topics.deadLetter("submission-service"), r -> bad.equals(r.key()),
                Duration.ofSeconds(20));
        assertThat(TestKafka.header(dead, "dead-letter-reason")).contains("maxReplicas");

        TestKafka.send(Topics.WORKLOAD_REQUESTS, "req-" + UUID.randomUUID(),
                "{\"name\":\"" + name + "\",\"reason\":\"retired\"}",
                Map.of("ce_type", "dev.capstan.inferenceservice.delete.v1"));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> given().get("/api/v1/inference-services/" + name).statusCode() == 404);
    }
}
