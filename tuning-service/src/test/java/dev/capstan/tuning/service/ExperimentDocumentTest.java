package dev.capstan.tuning.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.capstan.events.TrainingJobSpec;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A Kubernetes-style Experiment document on tuning-service's POST /api/v1/experiments, next to the flat format: its
 * trials run the template with the experiment's queue, and its mistakes are named by their JSON pointer.
 */
@QuarkusTest
class ExperimentDocumentTest {

    @Inject
    RecordingPlatform platform;

    static String document(String name, String kind, String templateSpec) {
        return """
                {"apiVersion":"capstan.dev/v1","kind":"%s","metadata":{"name":"%s"},
                 "spec":{"queue":"team-vision","objective":{"metric":"acc","direction":"maximize"},
                   "searchSpace":{"parameters":[{"name":"lr","type":"log-float","min":0.0001,"max":0.1}]},
                   "algorithm":{"name":"random"},"parallelism":1,"budget":{"maxTrials":1},
                   "trialTemplate":{"metadata":{"annotations":{"sim.capstan.dev/run-seconds":"5"}},
                                    "spec":%s}}}
                """.formatted(kind, name, templateSpec);
    }

    @Test
    void anExperimentDocumentRunsItsTrialsOnTheExperimentsQueue() {
        String name = "doc-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(document(name, "Experiment", """
                {"image":"trainer:1","command":["train","--lr=${lr}"],"resources":{"nvidia.com/gpu":1,"cpu":"2"}}
                """)).post("/api/v1/experiments").then().statusCode(201).body("name", equalTo(name));

        await().atMost(Duration.ofSeconds(20)).until(() -> platform.workloadByKey.keySet().stream()
                .anyMatch(k -> k.startsWith("tuning/" + name + "/0")));
        TrainingJobSpec trial = platform.jobByWorkload.get(platform.workloadByKey.entrySet().stream()
                .filter(e -> e.getKey().startsWith("tuning/" + name + "/0")).findFirst().orElseThrow().getValue());
        assertThat(trial.queue()).isEqualTo("team-vision");
        assertThat(trial.resources().gpus()).isEqualTo(1);
        assertThat(trial.resources().cpuMilli()).isEqualTo(2_000);
        assertThat(trial.command().get(1)).startsWith("--lr=").doesNotContain("${");
        assertThat(trial.annotations()).containsEntry("sim.capstan.dev/run-seconds", "5");
    }

    @Test
    void mistakesAreNamedByTheirPointerInTheDocument() {
        String name = "doc-" + UUID.randomUUID().toString().substring(0, 8);
        // cannot be read: 400
        given().contentType(ContentType.JSON).body(document(name, "Experiment",
                        "{\"image\":\"t:1\",\"resources\":{\"memory\":\"lots\"}}"))
                .post("/api/v1/experiments").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("/spec/trialTemplate/spec/resources/memory"))
                .body("errors[0].message", containsString("must start with a number"));
        given().contentType(ContentType.JSON).body(document(name, "TrainingJob", "{}")
                        .replace("\"spec\":{\"queue\"", "\"spec\":{\"image\":\"x\",\"queue\""))
                .post("/api/v1/experiments").then().statusCode(400)
                .body("errors[0].field", equalTo("/kind"))
                .body("errors[0].message", containsString("send it to POST /api/v1/workloads"));
        // breaks the rules: 422, at the pointer
        given().contentType(ContentType.JSON).body(document(name, "Experiment", "{\"image\":\"t:1\"}")
                        .replace("\"min\":0.0001", "\"min\":1"))
                .post("/api/v1/experiments").then().statusCode(422)
                .body("errors.field", hasItem("/spec/searchSpace/parameters/0/max"));
        given().contentType(ContentType.JSON).body(document(name, "Experiment",
                        "{\"image\":\"t:1\",\"env\":[{\"name\":\"A\",\"value\":\"${nope}\"}]}"))
                .post("/api/v1/experiments").then().statusCode(422)
                .body("errors[0].field", equalTo("/spec/trialTemplate/spec/env"))
                .body("errors[0].message", containsString("A: "));
    }
}
