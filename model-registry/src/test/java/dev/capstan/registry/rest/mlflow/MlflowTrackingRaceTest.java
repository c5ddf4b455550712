package dev.capstan.registry.rest.mlflow;

import static dev.capstan.registry.rest.mlflow.MlflowApi.get;
import static dev.capstan.registry.rest.mlflow.MlflowApi.post;
import static dev.capstan.registry.rest.mlflow.MlflowApi.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Clients logging into one run at once: params stay immutable, no point is lost, the latest point is the latest. */
@QuarkusTest
class MlflowTrackingRaceTest {

    private static final long T0 = 1_767_000_000_000L;

    @Test
    void ofWritersRacingToSetOneParamExactlyOneWins() throws Exception {
        String run = run();
        List<Callable<Integer>> writers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String value = "0.0" + i;
            writers.add(() -> post("runs/log-parameter", Map.of("run_id", run, "key", "lr", "value", value))
                    .extract().statusCode());
        }
        assertThat(all(writers)).containsOnly(200, 400).filteredOn(s -> s == 200).hasSize(1);
        get("runs/get", Map.of("run_id", run)).statusCode(200).body("run.data.params.key",
                org.hamcrest.Matchers.contains("lr"));
    }

    @Test
    void batchesLoggedAtOnceLoseNoPointAndKeepTheHighestStepLatest() throws Exception {
        String run = run();
        List<Callable<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int writer = w;
            // writer w logs steps w, w+8, w+16, ...: the steps interleave across writers
            writers.add(() -> post("runs/log-batch", Map.of("run_id", run, "metrics", IntStream.range(0, 50)
                    .mapToObj(i -> Map.of("key", "loss", "value", 1.0 / (writer + 8 * i + 1), "timestamp",
                            T0 + writer + 8 * i, "step", writer + 8 * i)).toList())).extract().statusCode());
        }
        assertThat(all(writers)).containsOnly(200);
        List<Integer> steps = get("metrics/get-history", Map.of("run_id", run, "metric_key", "loss"))
                .statusCode(200).extract().path("metrics.step");
        assertThat(steps).containsExactlyElementsOf(IntStream.range(0, 400).boxed().toList());
        get("runs/get", Map.of("run_id", run)).body("run.data.metrics[0].step", org.hamcrest.Matchers.equalTo(399));
    }

    private static String run() {
        String experiment = post("experiments/create", Map.of("name", uniqueName("race"))).statusCode(200).extract()
                .path("experiment_id");
        return post("runs/create", Map.of("experiment_id", experiment)).statusCode(200).extract()
                .path("run.info.run_id");
    }

    private static List<Integer> all(List<Callable<Integer>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                statuses.add(f.get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
