package dev.capstan.tuning.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItems;

import dev.capstan.events.EventCodec;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Topics;
import dev.capstan.events.TuningEvent;
import dev.capstan.events.TrialEvent;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The service on the real broker and PostgreSQL: an experiment over REST, its trials submitted with their
 * placeholders filled, metrics from {@code capstan.trial-metrics}, workload ends from {@code capstan.workloads}, bad
 * trials failed with their reasons while the experiment goes on, the target ending it, the best trial registered.
 */
@QuarkusTest
class ExperimentServiceTest {

    @Inject
    RecordingPlatform platform;
    @Inject
    Experiments experiments;

    static String body(String name, String extra) {
        return """
                {"name":"%s","objective":{"metric":"acc","direction":"maximize","target":0.9},
                 "searchSpace":{"parameters":[{"name":"lr","type":"log-float","min":0.0001,"max":1},
                                              {"name":"epochs","type":"int","min":4,"max":12}]},
                 "algorithm":{"name":"random"},"parallelism":2,"budget":{"maxTrials":5},"seed":7,
                 "trialSteps":"epochs",
                 "trialTemplate":{"name":"t","queue":"team-a","image":"trainer:1","workers":1,
                   "resources":{"gpus":1,"gpuMilli":0,"cpuMilli":2000,"memoryMib":4096},
                   "command":["train","--lr=${lr}"],"env":{"EPOCHS":"${epochs}"%s}},
                 "model":{"name":"model-%s","artifactUri":"s3://models/${trial}"}}
                """.formatted(name, extra, name);
    }

    @Test
    void badRequestsAreRefusedNamingEachField() {
        given().contentType(ContentType.JSON).body("""
                {"name":"x","objective":{"metric":"acc","direction":"maximize"},
                 "searchSpace":{"parameters":[{"name":"lr","type":"float","min":1,"max":0.1},
                                              {"name":"opt","type":"categorical","choices":[]}]},
                 "budget":{"maxTrials":3},
                 "trialTemplate":{"name":"t","queue":"q","image":"i","workers":1,"env":{"A":"${nope}"}}}
                """).post("/api/v1/experiments").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItems("searchSpace.parameters[0].max", "searchSpace.parameters[1].choices"));
        given().contentType(ContentType.JSON).body("{\"name\":\"y\",\"parallelism\":\"lots\"}")
                .post("/api/v1/experiments").then().statusCode(422).body("errors[0].field",
                        org.hamcrest.Matchers.equalTo("parallelism"));
        given().get("/api/v1/experiments/nothing-here").then().statusCode(404);
    }

    @Test
    void trialsRunReportStopAndTheBestIsRegistered() {
        String name = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(body(name, "")).post("/api/v1/experiments").then()
                .statusCode(201);
        given().contentType(ContentType.JSON).body(body(name, "")).post("/api/v1/experiments").then()
                .statusCode(409);

        // Two trials at once (the parallelism), each its own workload with its values filled in.
        String t0 = awaitWorkload(name, 0);
        String t1 = awaitWorkload(name, 1);
        var job0 = platform.jobByWorkload.get(t0);
        assertThat(job0.command().get(1)).startsWith("--lr=").doesNotContain("${");
        assertThat(job0.env()).containsEntry("CAPSTAN_TRIAL_ID", name + "-t0")
                .containsEntry("MLFLOW_RUN_ID", "run-" + name + "-t0").containsKey("EPOCHS");
        assertThat(platform.workloadByKey).doesNotContainKey("tuning/" + name + "/2/1");

        // Trial 0 reports over Kafka, as the MLflow tracking API publishes it, and finishes.
        Instant started = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        TestKafka.publish(new ExecutionEvent.WorkloadRunning(t0, 1, started), "executor");
        await().atMost(Duration.ofSeconds(20)).until(() -> started.equals(experiments.find(name).orElseThrow()
                .trials().get(0).runningSince()));
        metric(name + "-t0", "loss", 1, 0.1); // not the objective: ignored
        metric(name + "-t0", "acc", 1, 0.5);
        metric(name + "-t0", "acc", 2, 0.6);
        metric(name + "-t0", "acc", 2, 0.6); // a duplicate
        // Metrics and the end come on two topics read side by side: the end goes out once the reports are in, so the
        // decision's figures below are deterministic (the CI run of 9936aef saw the end overtake step 2).
        await().atMost(Duration.ofSeconds(20)).until(() -> experiments.find(name).orElseThrow().trials().get(0)
                .reports() == 2);
        TestKafka.publish(new WorkloadEvent.WorkloadFinished(t0, "SUCCEEDED", null, Instant.now(), 1), "submission");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ExperimentView v = experiments.find(name).orElseThrow();
            assertThat(v.trials().get(0).state()).isEqualTo("COMPLETED");
            assertThat(v.trials().get(0).reports()).isEqualTo(2);
            assertThat(v.trials().get(0).gpuHours()).isGreaterThan(0.01); // a GPU for about a minute
        });
        // Its GPU free, the next trial starts.
        String t2 = awaitWorkload(name, 2);

        // Trial 1 logs NaN: it fails with the reason, its workload is cancelled, the experiment goes on.
        metric(name + "-t1", "acc", 1, Double.NaN);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ExperimentView v = experiments.find(name).orElseThrow();
            assertThat(v.trials().get(1).state()).isEqualTo("FAILED");
            assertThat(v.trials().get(1).reason()).isEqualTo("acc is NaN at step 1");
            assertThat(platform.cancelled).contains(t1);
        });
        String t3 = awaitWorkload(name, 3);

        // Trial 2 goes backwards in steps: it fails too.
        metric(name + "-t2", "acc", 5, 0.4);
        metric(name + "-t2", "acc", 3, 0.45);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(experiments.find(name).orElseThrow()
                .trials().get(2).reason()).isEqualTo("step 3 after step 5: steps went backwards"));

        // Trial 3 reaches the target: the experiment succeeds, what still runs is stopped, the best is registered.
        metric(name + "-t3", "acc", 1, 0.95);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ExperimentView v = experiments.find(name).orElseThrow();
            assertThat(v.state()).isEqualTo("SUCCEEDED");
            assertThat(v.reason()).isEqualTo("target reached");
            assertThat(v.best().id()).isEqualTo(name + "-t3");
            assertThat(v.modelVersion()).isNotNull();
            assertThat(v.trials()).noneMatch(t -> t.state().equals("RUNNING"));
        });
        assertThat(platform.registered).anyMatch(r -> r.equals("model-" + name + " s3://models/" + name + "-t3 run-"
                + name + "-t3 {acc=0.95}"));
        assertThat(platform.cancelled).contains(t3);
        assertThat(t2).isNotNull();

        // Every decision was published on capstan.tuning, in order, with why.
        List<String> decisions = TestKafka.awaitAll(Topics.TUNING, r -> name.equals(r.key()), 10,
                Duration.ofSeconds(30)).stream().map(r -> decision((TuningEvent) EventCodec.fromJson(
                        TestKafka.header(r, "ce_type"), r.value()))).toList();
        assertThat(decisions).as(String.join("\n", decisions)).startsWith("experiment RUNNING null best null null", "t0 RUNNING null null null [lr, epochs]",
                "t1 RUNNING null null null [lr, epochs]", "t0 COMPLETED null 2 0.6 [lr, epochs]",
                "t2 RUNNING null null null [lr, epochs]", "t1 FAILED acc is NaN at step 1 null null [lr, epochs]",
                "t3 RUNNING null null null [lr, epochs]",
                "t2 FAILED step 3 after step 5: steps went backwards 5 0.4 [lr, epochs]");
        assertThat(decisions).contains("experiment SUCCEEDED target reached best " + name + "-t3 0.95");
    }

    @Test
    void aTrialWhoseJobIsRefusedFailsWithTheReasonAndAStoppedExperimentCancelsItsTrials() {
        String name = "ref-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(body(name, ",\"X\":\"" + RecordingPlatform.REFUSE + "\""))
                .post("/api/v1/experiments").then().statusCode(201);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(experiments.find(name).orElseThrow()
                .trials()).isNotEmpty().allSatisfy(t -> {
                    assertThat(t.state()).isEqualTo("FAILED");
                    assertThat(t.reason()).isEqualTo("job refused: env.X: refused by validation");
                }));

        String other = "stp-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(body(other, "")).post("/api/v1/experiments").then()
                .statusCode(201);
        String w = awaitWorkload(other, 0);
        given().delete("/api/v1/experiments/" + other + "?reason=enough").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("STOPPED"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(platform.cancelled).contains(w));
    }

    /**
     * The three consumers apply a trial's events concurrently (after a restart they catch up on three topics at once),
     * beside the driver: no change may write back a stale copy of the trial over another's.
     */
    @Test
    void concurrentReportsAndTheWorkloadsEndLoseNothing() throws Exception {
        String name = "race-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(body(name, "")).post("/api/v1/experiments").then()
                .statusCode(201);
        String w = awaitWorkload(name, 0);
        // No history to fall back on: every point the service accepted must be kept.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        // One trial's points come in order (one partition), beside the other consumers' events and the driver.
        java.util.concurrent.Future<Integer> applied = pool.submit(() -> {
            go.await();
            int n = 0;
            for (int step = 1; step <= 30; step++) {
                Experiments.Outcome o = experiments.report(name + "-t0", "acc", step, 0.01 * step, Instant.now());
                assertThat(o).isNotEqualTo(Experiments.Outcome.TRIAL_FAILED);
                n += o == Experiments.Outcome.APPLIED ? 1 : 0;
            }
            return n;
        });
        pool.submit(() -> {
            go.await();
            experiments.workloadRunning(w, Instant.now().minusSeconds(5));
            experiments.workloadFinished(w, "SUCCEEDED", null);
            return null;
        });
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        int kept = applied.get();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ExperimentView.TrialView t0 = experiments.find(name).orElseThrow().trials().get(0);
            assertThat(t0.reports()).isEqualTo(kept);
            assertThat(t0.state()).isEqualTo(kept > 0 ? "COMPLETED" : "FAILED");
            assertThat(t0.runningSince()).isNotNull();
        });
        given().delete("/api/v1/experiments/" + name).then().statusCode(200);
    }

    @Test
    void anUnreadableMetricRecordGoesToTheDeadLetterTopic() {
        String key = "junk-" + UUID.randomUUID();
        TestKafka.send("capstan.trial-metrics", key, "{not json", Map.of("ce_type",
                "dev.capstan.trial.metric-reported.v1", "ce_id", key, "ce_specversion", "1.0", "ce_source", "kcat"));
        var dead = TestKafka.await("capstan.dlq.tuning-service", r -> key.equals(r.key()), Duration.ofSeconds(30));
        assertThat(TestKafka.header(dead, "dead-letter-reason")).isNotBlank();
    }

    /**
     * The Kafka ingress: submission-service records the experiment and publishes {@code ExperimentSubmitted} on
     * {@code capstan.workloads}; tuning-service creates it (once, however often the event comes), dead-letters what
     * cannot run with each field's problem, and stops it when asked.
     */
    @Test
    void anExperimentSubmittedThroughTheIngressRunsOnceAndStopsWhenAsked() {
        String name = "ing-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = "req-" + UUID.randomUUID();
        var spec = dev.capstan.events.EventCodec.fromJson(dev.capstan.events.TuningExperimentSpec.class,
                body(name, ""));
        var submitted = new WorkloadEvent.ExperimentSubmitted(name, requestId, spec, Instant.now());
        TestKafka.publish(submitted, "submission-service");
        TestKafka.publish(submitted, "submission-service"); // delivered again: the same experiment

        String w = awaitWorkload(name, 0);
        String bad = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        var unbounded = dev.capstan.events.EventCodec.fromJson(dev.capstan.events.TuningExperimentSpec.class,
                body(bad, "").replace("\"budget\":{\"maxTrials\":5},", "").replace("\"min\":4", "\"min\":40"));
        TestKafka.publish(new WorkloadEvent.ExperimentSubmitted(bad, "req-" + UUID.randomUUID(), unbounded,
                Instant.now()), "submission-service");
        // Another request naming the running experiment: a conflict, not a second experiment.
        TestKafka.publish(new WorkloadEvent.ExperimentSubmitted(name, "req-" + UUID.randomUUID(), spec, Instant.now()),
                "submission-service");
        TestKafka.publish(new WorkloadEvent.ExperimentStopRequested(name, "enough", Instant.now()),
                "submission-service");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ExperimentView e = experiments.find(name).orElseThrow();
            assertThat(e.state()).isEqualTo("STOPPED");
            assertThat(e.reason()).isEqualTo("enough");
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(platform.cancelled).contains(w));
        assertThat(experiments.list().stream().filter(e -> e.name().equals(name))).hasSize(1);
        assertThat(experiments.find(bad)).isEmpty();
        var deadBad = TestKafka.await("capstan.dlq.tuning-service", r -> bad.equals(r.key()), Duration.ofSeconds(30));
        assertThat(TestKafka.header(deadBad, "dead-letter-reason")).startsWith("experiment " + bad + " of request ")
                .contains("budget").contains("searchSpace.parameters[1]");
        var conflict = TestKafka.awaitAll("capstan.dlq.tuning-service", r -> name.equals(r.key()), 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(TestKafka.header(conflict, "dead-letter-reason")).contains("exists");
    }

    private static String decision(TuningEvent event) {
        if (event instanceof TuningEvent.ExperimentChanged e) {
            return "experiment " + e.state() + " " + e.reason() + " best " + e.bestTrialId() + " " + e.bestValue();
        }
        TuningEvent.TrialChanged t = (TuningEvent.TrialChanged) event;
        return "t" + t.number() + " " + t.state() + " " + t.reason() + " " + t.step() + " " + t.value() + " "
                + t.params().keySet();
    }

    private String awaitWorkload(String experiment, int trial) {
        String key = "tuning/" + experiment + "/" + trial + "/1";
        await().atMost(Duration.ofSeconds(20)).until(() -> platform.workloadByKey.containsKey(key)
                && experiments.find(experiment).orElseThrow().trials().get(trial).workloadId() != null);
        return platform.workloadByKey.get(key);
    }

    private static void metric(String trialId, String key, long step, double value) {
        TestKafka.publish(TrialEvent.TrialMetricReported.of(trialId, "run-" + trialId, key, value, step,
                Instant.now()), "model-registry");
    }
}
