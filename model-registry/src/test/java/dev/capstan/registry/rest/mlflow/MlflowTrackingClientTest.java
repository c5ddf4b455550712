package dev.capstan.registry.rest.mlflow;

import static dev.capstan.registry.rest.mlflow.MlflowApi.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.events.KafkaEvents;
import dev.capstan.events.Topics;
import dev.capstan.events.TrialEvent;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;

/**
 * A trainer whose tracking URI points at Capstan reports through MLflow's own Java client (2.17.2) without a change:
 * experiments, runs, metric points at several steps, batches, immutable params, tags, the end of the run, and the
 * searches a tuner makes over the results.
 */
@QuarkusTest
class MlflowTrackingClientTest {

    private static final long T0 = 1_767_000_000_000L;

    private MlflowClient mlflow;

    @BeforeEach
    void client() {
        mlflow = new MlflowClient("http://localhost:" + RestAssured.port);
    }

    @AfterEach
    void close() {
        mlflow.close();
    }

    @Test
    void aTrainerReportsARunAndATunerFindsIt() {
        String name = uniqueName("trials");
        String experimentId = mlflow.createExperiment(name);
        Experiment experiment = mlflow.getExperimentByName(name).orElseThrow();
        assertThat(experiment.getExperimentId()).isEqualTo(experimentId);
        assertThat(experiment.getLifecycleStage()).isEqualTo("active");
        assertThat(mlflow.getExperiment(experimentId).getName()).isEqualTo(name);
        assertThat(mlflow.getExperimentByName(name + "-missing")).isEmpty();
        assertThatThrownBy(() -> mlflow.createExperiment(name)).isInstanceOfSatisfying(MlflowHttpException.class,
                e -> assertThat(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS"));

        RunInfo created = mlflow.createRun(CreateRun.newBuilder().setExperimentId(experimentId).setRunName("trial-7")
                .setStartTime(T0).addTags(RunTag.newBuilder().setKey("capstan.dev/trial").setValue("7")).build());
        String run = created.getRunId();
        assertThat(created.getStatus()).isEqualTo(RunStatus.RUNNING);
        assertThat(created.getRunName()).isEqualTo("trial-7");
        assertThat(created.getExperimentId()).isEqualTo(experimentId);

        double[] valLoss = {0.92, 0.61, 0.48, 0.40, 0.37};
        for (int step = 0; step < valLoss.length; step++) {
            mlflow.logMetric(run, "val_loss", valLoss[step], T0 + 1000L * step, step);
        }
        mlflow.logMetric(run, "grad_norm", Double.NaN, T0, 4);
        mlflow.logBatch(run, List.of(metric("accuracy", 0.55, 0), metric("accuracy", 0.81, 2),
                metric("accuracy", 0.74, 1)), List.of(param("lr", "0.01"), param("batch_size", "64")),
                List.of(RunTag.newBuilder().setKey("optimizer").setValue("adam").build()));
        mlflow.logParam(run, "lr", "0.01");
        assertThatThrownBy(() -> mlflow.logParam(run, "lr", "0.02"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getBodyMessage()).contains("INVALID_PARAMETER_VALUE").contains("0.01").contains("0.02");
                });
        mlflow.setTag(run, "optimizer", "adamw");
        mlflow.setTerminated(run);

        Run got = mlflow.getRun(run);
        assertThat(got.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
        assertThat(got.getInfo().getEndTime()).isGreaterThan(T0);
        assertThat(got.getInfo().getStartTime()).isEqualTo(T0);
        assertThat(got.getInfo().getRunName()).isEqualTo("trial-7");
        Map<String, Metric> latest = got.getData().getMetricsList().stream()
                .collect(Collectors.toMap(Metric::getKey, Function.identity()));
        assertThat(latest.get("val_loss").getValue()).isEqualTo(0.37);
        assertThat(latest.get("val_loss").getStep()).isEqualTo(4);
        assertThat(latest.get("accuracy").getValue()).as("the highest step, not the last logged").isEqualTo(0.81);
        assertThat(latest.get("grad_norm").getValue()).isNaN();
        assertThat(got.getData().getParamsList()).extracting(p -> p.getKey() + "=" + p.getValue())
                .containsExactly("batch_size=64", "lr=0.01");
        assertThat(got.getData().getTagsList()).extracting(t -> t.getKey() + "=" + t.getValue())
                .contains("capstan.dev/trial=7", "optimizer=adamw", "mlflow.runName=trial-7");

        assertThat(mlflow.getMetricHistory(run, "val_loss")).extracting(Metric::getStep, Metric::getValue)
                .containsExactly(IntStream.range(0, 5).mapToObj(s -> org.assertj.core.groups.Tuple.tuple((long) s,
                        valLoss[s])).toArray(org.assertj.core.groups.Tuple[]::new));
        assertThat(mlflow.getMetricHistory(run, "accuracy")).extracting(Metric::getStep).containsExactly(0L, 1L, 2L);

        String other = mlflow.createRun(experimentId).getRunId();
        mlflow.logMetric(other, "val_loss", 0.9, T0, 0);
        mlflow.logParam(other, "lr", "0.1");
        List<String> experiments = List.of(experimentId);
        assertThat(mlflow.searchRuns(experiments, "metrics.val_loss < 0.5")).extracting(RunInfo::getRunId)
                .containsExactly(run);
        assertThat(mlflow.searchRuns(experiments, "attributes.status = 'RUNNING'")).extracting(RunInfo::getRunId)
                .containsExactly(other);
        assertThat(mlflow.searchRuns(experiments, "params.lr = '0.01' and tags.optimizer = 'adamw'"))
                .extracting(RunInfo::getRunId).containsExactly(run);

        RunsPage first = mlflow.searchRuns(experiments, "", ViewType.ACTIVE_ONLY, 1, List.of("metrics.val_loss ASC"));
        assertThat(first.getItems()).extracting(r -> r.getInfo().getRunId()).containsExactly(run);
        assertThat(first.getItems().get(0).getData().getParamsList()).extracting(Param::getKey)
                .contains("lr", "batch_size");
        assertThat(first.hasNextPage()).isTrue();
        RunsPage second = (RunsPage) first.getNextPage();
        assertThat(second.getItems()).extracting(r -> r.getInfo().getRunId()).containsExactly(other);
        assertThat(second.hasNextPage()).isFalse();
    }

    @Test
    void aTrialsRunPublishesEachStoredPointOnceForTheTuningService() {
        String trial = uniqueName("exp-3-trial");
        String experimentId = mlflow.createExperiment(uniqueName("tuning"));
        String run = mlflow.createRun(CreateRun.newBuilder().setExperimentId(experimentId)
                .addTags(RunTag.newBuilder().setKey(TrialEvent.TRIAL_TAG).setValue(trial)).build()).getRunId();
        String untagged = mlflow.createRun(experimentId).getRunId();

        mlflow.logMetric(run, "val_accuracy", 0.42, T0, 100);
        mlflow.logMetric(run, "val_accuracy", 0.42, T0, 100); // a retried request: stored once, published once
        mlflow.logBatch(run, List.of(metric("val_accuracy", 0.57, 200), metric("loss", Double.NaN, 200)), List.of(),
                List.of());
        mlflow.logMetric(untagged, "val_accuracy", 0.99, T0, 100); // not a trial's run: nothing published

        List<TrialEvent.TrialMetricReported> reported = TestKafka.awaitAll(Topics.TRIAL_METRICS,
                r -> trial.equals(r.key()), 3, java.time.Duration.ofSeconds(30)).stream()
                .map(r -> (TrialEvent.TrialMetricReported) KafkaEvents.read(r)).toList();
        assertThat(reported).extracting(TrialEvent.TrialMetricReported::metric, TrialEvent.TrialMetricReported::step,
                TrialEvent.TrialMetricReported::runId).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("val_accuracy", 100L, run),
                        org.assertj.core.groups.Tuple.tuple("val_accuracy", 200L, run),
                        org.assertj.core.groups.Tuple.tuple("loss", 200L, run));
        assertThat(reported).filteredOn(e -> e.metric().equals("loss")).singleElement()
                .satisfies(e -> assertThat(e.loggedValue()).isNaN());
        // Nothing more for this trial (not the retry), read again from the beginning for a few seconds.
        assertThatThrownBy(() -> TestKafka.awaitAll(Topics.TRIAL_METRICS, r -> trial.equals(r.key()), 4,
                java.time.Duration.ofSeconds(3))).hasMessageStartingWith("3 of 4");
    }

    @Test
    void aMissingRunIsResourceDoesNotExist() {
        String missing = "0123456789abcdef0123456789abcdef";
        for (Runnable call : List.<Runnable>of(() -> mlflow.getRun(missing),
                () -> mlflow.logMetric(missing, "loss", 1.0), () -> mlflow.logParam(missing, "lr", "1"),
                () -> mlflow.setTerminated(missing), () -> mlflow.getMetricHistory(missing, "loss"))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                assertThat(e.getStatusCode()).isEqualTo(404);
                assertThat(e.getBodyMessage()).contains("RESOURCE_DOES_NOT_EXIST");
            });
        }
    }

    /**
     * Every point of a long history comes back in step order, though the batches logged them shuffled. (Tests answer
     * at most 3,000 points at a time, see application.properties: MLflow's Java client cannot follow a page token, so
     * this history stays within one answer; MlflowTrackingApiTest pages through a longer one.)
     */
    @Test
    void aLongHistoryComesBackWholeAndInStepOrder() {
        String run = mlflow.createRun(mlflow.createExperiment(uniqueName("long"))).getRunId();
        List<Integer> steps = new ArrayList<>(IntStream.range(0, 3_000).boxed().toList());
        Collections.shuffle(steps, new Random(7));
        for (int from = 0; from < steps.size(); from += 1000) {
            mlflow.logBatch(run, steps.subList(from, from + 1000).stream().map(s -> metric("loss", 1.0 / (s + 1), s))
                    .toList(), List.of(), List.of());
        }
        List<Metric> history = mlflow.getMetricHistory(run, "loss");
        assertThat(history).hasSize(3_000);
        assertThat(history).extracting(Metric::getStep).isSorted().doesNotHaveDuplicates();
        assertThat(mlflow.getRun(run).getData().getMetrics(0).getStep()).isEqualTo(2_999);
    }

    private static Metric metric(String key, double value, long step) {
        return Metric.newBuilder().setKey(key).setValue(value).setTimestamp(T0 + step).setStep(step).build();
    }

    private static Param param(String key, String value) {
        return Param.newBuilder().setKey(key).setValue(value).build();
    }
}
