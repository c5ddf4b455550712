package dev.capstan.registry.messaging;

import static dev.capstan.registry.rest.Fixtures.uniqueModel;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.Framework;
import dev.capstan.events.ModelOutput;
import dev.capstan.events.Resources;
import dev.capstan.events.Topics;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A training job's declared output becomes a version when the job succeeds, once. */
@QuarkusTest
class LineageTest {

    static TrainingJobSpec job(String model) {
        return new TrainingJobSpec("ft", "team-risk", "img", List.of(), Framework.NONE, 1,
                new Resources(1, 1000, List.of(), 1000, 1024), 0, Map.of(), Map.of(),
                model == null ? null : new ModelOutput(model, "s3://models/" + model + "/run", "pytorch"));
    }

    static String workloadId() {
        return "wl-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** Publishes as submission-service does, with a given CloudEvents id (a redelivery repeats the id). */
    static void publish(CapstanEvent event, String eventId) {
        var headers = new CloudEventHeaders(eventId, event.type(), "/submission-service", event.subject(),
                Instant.now()).asHeaders();
        TestKafka.send(event.topic(), event.subject(), EventCodec.toJson(event), headers);
    }

    @Test
    void aSucceededJobRegistersOneVersionWithItsLineageEvenWhenItsEventsComeAgain() {
        String model = uniqueModel("lineage");
        String id = workloadId();
        var submitted = new WorkloadEvent.WorkloadSubmitted(id, job(model), Instant.now());
        var finished = new WorkloadEvent.WorkloadFinished(id, "SUCCEEDED", "all pods succeeded", Instant.now(), 2);
        String submittedId = UUID.randomUUID().toString();
        String finishedId = UUID.randomUUID().toString();
        publish(submitted, submittedId);
        publish(finished, finishedId);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/models/" + model + "/versions/1").then().statusCode(200)
                        .body("source.workloadId", equalTo(id)).body("source.attempt", equalTo(2))
                        .body("artifactUri", equalTo("s3://models/" + model + "/run"))
                        .body("format", equalTo("pytorch")).body("createdBy", equalTo("model-registry")));
        given().get("/api/v1/models/" + model).then().body("queue", equalTo("team-risk"));

        // Redelivered (same ids) and replayed (a producer re-publishing with new ids): still one version.
        publish(submitted, submittedId);
        publish(finished, finishedId);
        publish(submitted, UUID.randomUUID().toString());
        publish(finished, UUID.randomUUID().toString());
        succeedsAndRegisters(uniqueModel("marker"));
        // The repeats may sit on another partition than the marker: the count must hold for a while.
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().get("/api/v1/models/" + model + "/versions").then().body("total", equalTo(1)));

        var registered = TestKafka.awaitAll(Topics.MODELS, r -> model.equals(r.key()), 1, Duration.ofSeconds(20));
        assertThat(registered.get(0).value()).contains("\"sourceWorkloadId\":\"" + id + "\"");
    }

    @Test
    void aFailedOrCancelledJobRegistersNothing() {
        String model = uniqueModel("nothing");
        String failed = workloadId();
        String cancelled = workloadId();
        publish(new WorkloadEvent.WorkloadSubmitted(failed, job(model), Instant.now()), UUID.randomUUID().toString());
        publish(new WorkloadEvent.WorkloadFinished(failed, "FAILED", "OOMKilled", Instant.now(), 3),
                UUID.randomUUID().toString());
        publish(new WorkloadEvent.WorkloadSubmitted(cancelled, job(model), Instant.now()),
                UUID.randomUUID().toString());
        publish(new WorkloadEvent.WorkloadCancelled(cancelled, "no longer needed", Instant.now()),
                UUID.randomUUID().toString());
        // A late "finished" of the cancelled job finds no declared output any more.
        publish(new WorkloadEvent.WorkloadFinished(cancelled, "SUCCEEDED", "late", Instant.now(), 1),
                UUID.randomUUID().toString());
        succeedsAndRegisters(uniqueModel("marker"));

        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().get("/api/v1/models/" + model).then().statusCode(404));
    }

    @Test
    void anUnreadableRecordIsDeadLetteredWithItsReasonAndTheConsumerGoesOn() {
        String key = "bad-" + UUID.randomUUID();
        TestKafka.send(Topics.WORKLOADS, key, "{not json", Map.of(CloudEventHeaders.CE_TYPE,
                "dev.capstan.workload.finished.v1", CloudEventHeaders.CE_ID, UUID.randomUUID().toString()));
        String noType = "bad-" + UUID.randomUUID();
        TestKafka.send(Topics.WORKLOADS, noType, "{}", Map.of());

        var dead = TestKafka.await("capstan.dlq.model-registry", r -> key.equals(r.key()), Duration.ofSeconds(30));
        assertThat(TestKafka.header(dead, "dead-letter-reason")).contains("cannot read WorkloadFinished");
        var dead2 = TestKafka.await("capstan.dlq.model-registry", r -> noType.equals(r.key()), Duration.ofSeconds(30));
        assertThat(TestKafka.header(dead2, "dead-letter-reason")).contains("without ce_type");

        succeedsAndRegisters(uniqueModel("after-bad"));
    }

    /**
     * A job with an output for {@code model} is submitted and succeeds; waits until its version is registered. Behind
     * earlier records, it shows the consumer got past them.
     */
    private static void succeedsAndRegisters(String model) {
        String id = workloadId();
        publish(new WorkloadEvent.WorkloadSubmitted(id, job(model), Instant.now()), UUID.randomUUID().toString());
        publish(new WorkloadEvent.WorkloadFinished(id, "SUCCEEDED", "ok", Instant.now(), 1),
                UUID.randomUUID().toString());
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/models/" + model + "/versions/1").then().statusCode(200));
    }
}
