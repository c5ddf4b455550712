package dev.capstan.localstack.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.capstan.localstack.trainer.RecordingMlflow.Metric;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MlflowRunLogTest {

    RecordingMlflow mlflow;
    ScheduledExecutorService timers;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        mlflow = RecordingMlflow.start();
        timers = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
        mlflow.close();
    }

    /** Retries after 20 ms, doubling, for at most 300 ms of waiting. */
    MlflowRunLog log(String runId) {
        return new MlflowRunLog(http, timers, mlflow.uri() + "/", runId, Duration.ofMillis(20),
                Duration.ofMillis(300));
    }

    @Test
    void reportsArriveInTheOrderLoggedWithStepAndTimestamp() throws Exception {
        MlflowRunLog log = log("run-1");
        for (int step = 1; step <= 5; step++) {
            log.log(step, Map.of("top_1", step / 10.0), 1_000L * step);
        }
        CountDownLatch sent = new CountDownLatch(1);
        log.whenSent(sent::countDown);

        assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
        // whenSent waits for every report logged before it
        assertThat(mlflow.metrics("run-1")).containsExactly(new Metric("run-1", "top_1", 0.1, 1, 1000),
                new Metric("run-1", "top_1", 0.2, 2, 2000), new Metric("run-1", "top_1", 0.3, 3, 3000),
                new Metric("run-1", "top_1", 0.4, 4, 4000), new Metric("run-1", "top_1", 0.5, 5, 5000));
    }

    @Test
    void anUnavailableServerIsTriedAgain() {
        mlflow.refuseNext(2, 503);
        MlflowRunLog log = log("run-2");
        log.log(1, Map.of("top_1", 0.1), 1);
        log.log(2, Map.of("top_1", 0.2), 2);

        await().atMost(Duration.ofSeconds(5)).until(() -> mlflow.metrics("run-2").size() == 2);
        assertThat(mlflow.metrics("run-2")).extracting(Metric::step).containsExactly(1L, 2L);
        assertThat(mlflow.requests()).isEqualTo(4);
    }

    @Test
    void aReportStillRefusedAfterTheRetryBudgetIsSkippedAndTheNextGoes() {
        mlflow.refuseNext(1_000, 500);
        MlflowRunLog log = log("run-3");
        log.log(1, Map.of("top_1", 0.1), 1);
        // 20 + 40 + 80 + 160 ms of waits fit in 300 ms: five attempts, then step 1 is given up
        await().atMost(Duration.ofSeconds(5)).until(() -> mlflow.requests() == 5);
        mlflow.refuseNext(0, 500);
        log.log(2, Map.of("top_1", 0.2), 2);

        await().atMost(Duration.ofSeconds(5)).until(() -> mlflow.metrics("run-3").size() == 1);
        assertThat(mlflow.metrics("run-3")).extracting(Metric::step).containsExactly(2L);
        assertThat(mlflow.requests()).isEqualTo(6);
    }

    @Test
    void aRefusalOtherThanUnavailableIsNotRetried() {
        mlflow.refuseNext(1, 400);
        MlflowRunLog log = log("run-4");
        log.log(1, Map.of("top_1", 0.1), 1);
        log.log(2, Map.of("top_1", 0.2), 2);

        await().atMost(Duration.ofSeconds(5)).until(() -> mlflow.metrics("run-4").size() == 1);
        assertThat(mlflow.metrics("run-4")).extracting(Metric::step).containsExactly(2L);
        assertThat(mlflow.requests()).isEqualTo(2);
    }

    @Test
    void aStoppedLogSendsNothingMore() {
        mlflow.refuseNext(1_000, 503);
        // the retry would come a second after the first refusal
        MlflowRunLog log = new MlflowRunLog(http, timers, mlflow.uri(), "run-5", Duration.ofSeconds(1),
                Duration.ofSeconds(10));
        log.log(1, Map.of("top_1", 0.1), 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> mlflow.requests() == 1);
        log.stop();
        log.log(2, Map.of("top_1", 0.2), 2);

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> mlflow.requests() == 1);
        assertThat(mlflow.metrics("run-5")).isEmpty();
    }

    @Test
    void theTrackingUriMustBeHttp() {
        assertThatThrownBy(() -> new MlflowRunLog(http, timers, "127.0.0.1:8085", "r"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an http(s) URI");
    }
}
