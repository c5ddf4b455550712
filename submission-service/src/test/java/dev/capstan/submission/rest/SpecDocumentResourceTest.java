package dev.capstan.submission.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes-style documents on the same endpoints as the flat format, against the build's PostgreSQL and broker:
 * what is created from them, and how each kind of mistake is refused (400 at the document's JSON pointer for what
 * cannot be read, 422 at the pointer for what breaks the rules).
 */
@QuarkusTest
class SpecDocumentResourceTest {

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A training job as a Kubernetes user writes it (here as JSON); FUZZ-GPU keeps it off the shared nodes. */
    static String job(String name, String queue, String resources) {
        return """
                {"apiVersion":"capstan.dev/v1","kind":"TrainingJob",
                 "metadata":{"name":"%s","labels":{"team":"nlp"},"annotations":{"sim.capstan.dev/run-seconds":"5"}},
                 "spec":{"queue":"%s","image":"registry/train:1","command":["python","train.py"],
                         "framework":"pytorch","workers":2,"env":[{"name":"NCCL_DEBUG","value":"INFO"}],
                         "resources":%s,"gpuModels":["FUZZ-GPU"]}}
                """.formatted(name, queue, resources);
    }

    @Test
    void aTrainingJobDocumentIsSubmittedWithItsQuantitiesAndDefaultsForWhatItLeavesOut() {
        String queue = unique("q");
        given().contentType(ContentType.JSON).body(job("llama-ft", queue,
                        "{\"cpu\":\"500m\",\"memory\":\"1G\",\"nvidia.com/gpu\":2}"))
                .post("/api/v1/workloads").then().statusCode(201).header("Location", startsWith("http"))
                .body("name", equalTo("llama-ft")).body("queue", equalTo(queue)).body("status", equalTo("QUEUED"))
                .body("spec.workers", equalTo(2)).body("spec.resources.gpus", equalTo(2))
                .body("spec.resources.cpuMilli", equalTo(500)).body("spec.resources.memoryMib", equalTo(954))
                .body("spec.env.NCCL_DEBUG", equalTo("INFO")).body("spec.annotations.team", equalTo("nlp"));

        given().contentType(ContentType.JSON).body(job("shared", queue, "{\"nvidia.com/gpu.shared\":0.5}"))
                .post("/api/v1/workloads").then().statusCode(201)
                .body("spec.resources.gpus", equalTo(1)).body("spec.resources.gpuMilli", equalTo(500))
                .body("spec.resources.cpuMilli", equalTo(2_000)).body("spec.resources.memoryMib", equalTo(8_192));
        // The flat format is still taken on the same endpoint.
        given().contentType(ContentType.JSON).body("""
                {"name":"flat","queue":"%s","image":"registry/train:1","resources":{"gpus":1,"gpuModels":["FUZZ-GPU"]}}
                """.formatted(queue)).post("/api/v1/workloads").then().statusCode(201)
                .body("spec.resources.cpuMilli", equalTo(4_000));
        given().queryParam("queue", queue).get("/api/v1/workloads").then().body("total", equalTo(3));
    }

    @Test
    void whatCannotBeReadIs400AtTheJsonPointerOfTheField() {
        String q = unique("q");
        expect400("/api/v1/workloads", job("j", q, "{\"memory\":\"16GB\"}"), "/spec/resources/memory",
                "'16GB' has an unknown suffix 'GB'");
        expect400("/api/v1/workloads", job("j", q, "{\"cpu\":\"4\",\"gpus\":1}"), "/spec/resources/gpus",
                "unknown field");
        expect400("/api/v1/workloads", job("j", q, "{}").replace("\"workers\":2", "\"replicas\":2"),
                "/spec/replicas", "unknown field");
        expect400("/api/v1/workloads", job("j", q, "{}").replace("capstan.dev/v1", "capstan.dev/v2"), "/apiVersion",
                "unknown apiVersion 'capstan.dev/v2'");
        expect400("/api/v1/workloads", job("j", q, "{}").replace("TrainingJob", "PyTorchJob"), "/kind",
                "unknown kind 'PyTorchJob'");
        // a kind sent to the other endpoint says where it goes
        expect400("/api/v1/inference-services", job("j", q, "{}"), "/kind",
                "a TrainingJob is not taken here: send it to POST /api/v1/workloads");
        expect400("/api/v1/workloads", service("s", "{}"), "/kind",
                "send it to POST /api/v1/inference-services");
        expect400("/api/v1/workloads", job("j", q, "{}").replace("TrainingJob", "Experiment"), "/kind",
                "send it to POST /api/v1/experiments (tuning-service)");
    }

    @Test
    void whatBreaksTheRulesIs422AtTheDocumentsPointerNotTheFlatField() {
        given().contentType(ContentType.JSON).body(job("Bad_Name", unique("q"), "{\"nvidia.com/gpu\":99}")
                        .replace("\"image\":\"registry/train:1\",", ""))
                .post("/api/v1/workloads").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("/metadata/name")).body("errors.field", hasItem("/spec/image"))
                .body("errors.field", hasItem("/spec/resources/nvidia.com~1gpu"))
                // the CPU it left out got its default: only what the user wrote is named
                .body("errors.field", org.hamcrest.Matchers.not(hasItem("/spec/resources/cpu")));
    }

    static String service(String name, String resources) {
        return """
                {"apiVersion":"capstan.dev/v1","kind":"InferenceService","metadata":{"name":"%s"},
                 "spec":{"queue":"team-nlp","model":"chat@production","image":"registry/serve:1",
                         "resources":%s,"gpuModels":["FUZZ-GPU"],"minReplicas":1,"maxReplicas":4,"targetRps":5,
                         "rollout":{"canarySteps":[20,100]}}}
                """.formatted(name, resources);
    }

    @Test
    void anInferenceServiceDocumentIsCreatedWithAShareOfAGpuPerReplica() {
        String name = unique("chat");
        given().contentType(ContentType.JSON).body(service(name, "{\"nvidia.com/gpu.shared\":\"250m\"}"))
                .post("/api/v1/inference-services").then().statusCode(201).body("name", equalTo(name))
                .body("spec.replica.gpus", equalTo(1)).body("spec.replica.gpuMilli", equalTo(250))
                .body("spec.replica.cpuMilli", equalTo(1_000)).body("spec.replica.memoryMib", equalTo(4_096))
                .body("spec.rollout.canarySteps", equalTo(java.util.List.of(20, 100)))
                .body("spec.rollout.maxSurge", equalTo(1));
        expect400("/api/v1/inference-services", service(unique("chat"), "{\"nvidia.com/gpu.shared\":2}"),
                "/spec/resources/nvidia.com~1gpu.shared", "must be above 0 and at most 1");
    }

    static void expect400(String path, String body, String wantField, String wantMessage) {
        given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400))
                .body("title", equalTo("Invalid document")).body("errors[0].field", equalTo(wantField))
                .body("errors[0].message", org.hamcrest.Matchers.containsString(wantMessage));
    }
}
