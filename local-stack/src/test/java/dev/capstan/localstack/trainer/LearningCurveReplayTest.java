package dev.capstan.localstack.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.tuning.bench.CurveFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which recorded run a trial replays and its schedule, on hand-made files in the two formats of the opda curves:
 * trainer/imagenet-like (run 1: batch 256, lr 0.01, 3 epochs at 100 s each; run 2: batch 512, lr 0.1, 4 epochs ending
 * at 50, 110, 160, 220 s; run 3: batch 1024, lr 1, diverged after 2 epochs at 80 s each) and trainer/multinli-like
 * (steps, no time).
 */
class LearningCurveReplayTest {

    static LearningCurveReplay imagenet;
    static LearningCurveReplay multinli;

    @BeforeAll
    static void read() throws Exception {
        imagenet = new LearningCurveReplay(CurveFiles.read(resource("trainer/imagenet-like.results.jsonl")));
        multinli = new LearningCurveReplay(CurveFiles.read(resource("trainer/multinli-like.results.jsonl")));
    }

    static Path resource(String name) throws Exception {
        return Path.of(LearningCurveReplayTest.class.getClassLoader().getResource(name).toURI());
    }

    record NearestCase(String name, String params, int wantRun) {
    }

    @Test
    void aTrialReplaysTheNearestRecordedRun() {
        List<NearestCase> cases = List.of(
                new NearestCase("a recorded configuration itself", """
                        {"epochs": 4, "batch_size": 512, "lr": 0.1, "lr_peak_fraction": 0.5, "momentum": 0.8,
                         "weight_decay": 0.0001, "label_smoothing": 0.2}""", 2),
                // lr spans 0.01..1 in the file: 0.04 is 0.3 decades-share from run 1's 0.01 and 0.2 from run 2's 0.1
                // (in plain numbers it would be nearer 0.01)
                new NearestCase("lr on a log scale", "{\"lr\": 0.04}", 2),
                new NearestCase("another batch size counts a whole unit", "{\"lr\": 0.1, \"batch_size\": 256}", 1),
                new NearestCase("a categorical choice as a string", "{\"batch_size\": \"1024\"}", 3),
                new NearestCase("a categorical choice as a number", "{\"batch_size\": 512}", 2),
                new NearestCase("an integer parameter", "{\"epochs\": 3}", 1),
                new NearestCase("unknown and null parameters are not compared",
                        "{\"optimizer\": \"adam\", \"momentum\": 0.8, \"lr\": null}", 2),
                new NearestCase("no parameters: the first run of the file", "{}", 1));
        for (NearestCase c : cases) {
            var params = TrialParameters.parse(c.params(), imagenet.file().space());
            assertThat(imagenet.nearest(params).id()).as(c.name()).isEqualTo(c.wantRun());
        }
    }

    record Want(long millis, long step, double value) {
    }

    record PlanCase(String name, LearningCurveReplay replay, String params, long resumeStep, TimeScale scale,
                    int wantRun, List<Want> wantReports, long wantEndMillis, int wantExit, String wantMessage) {
    }

    @Test
    void theScheduleOfAReplayedRun() {
        TimeScale hundredth = new TimeScale(0.01, TimeScale.DEFAULT_RECORDED_SECONDS_PER_STEP);
        List<PlanCase> cases = List.of(
                new PlanCase("every epoch at its recorded time, scaled", imagenet, "{\"batch_size\": 512}", 0,
                        hundredth, 2, List.of(new Want(500, 1, 0.15), new Want(1100, 2, 0.25),
                        new Want(1600, 3, 0.35), new Want(2200, 4, 0.45)), 2200, 0, null),
                new PlanCase("the default scale", imagenet, "{\"batch_size\": 256}", 0, TimeScale.defaults(), 1,
                        List.of(new Want(200, 1, 0.10), new Want(400, 2, 0.20), new Want(600, 3, 0.30)), 600, 0,
                        null),
                new PlanCase("resumed after epoch 2: later epochs only, the clock from epoch 2's time", imagenet,
                        "{\"batch_size\": 512}", 2, hundredth, 2,
                        List.of(new Want(500, 3, 0.35), new Want(1100, 4, 0.45)), 1100, 0, null),
                new PlanCase("resumed at its end: nothing left to report", imagenet, "{\"batch_size\": 512}", 4,
                        hundredth, 2, List.of(), 0, 0, null),
                new PlanCase("a diverged run reports its epochs, then fails", imagenet, "{\"batch_size\": 1024}", 0,
                        hundredth, 3, List.of(new Want(800, 1, 0.05), new Want(1600, 2, 0.01)), 1600, 1,
                        "training loss is NaN"),
                new PlanCase("a diverged run resumed fails after its remaining epochs", imagenet,
                        "{\"batch_size\": 1024}", 1, hundredth, 3, List.of(new Want(800, 2, 0.01)), 800, 1,
                        "training loss is NaN"),
                // no recorded time: 1,000 steps × 0.05 s × 0.002 = 0.1 s
                new PlanCase("steps make the time where none is recorded", multinli, "{\"learning_rate\": 2e-5}", 0,
                        TimeScale.defaults(), 1, List.of(new Want(100, 1000, 0.60), new Want(200, 2000, 0.70),
                        new Want(250, 2500, 0.72)), 250, 0, null),
                new PlanCase("seconds per step as set", multinli, "{\"learning_rate\": 2e-5}", 0,
                        new TimeScale(0.01, 0.1), 1, List.of(new Want(1000, 1000, 0.60), new Want(2000, 2000, 0.70),
                        new Want(2500, 2500, 0.72)), 2500, 0, null),
                new PlanCase("resumed between two reports: the clock from the last one before", multinli,
                        "{\"learning_rate\": 1e-4, \"train_batch_size\": 16}", 3500, new TimeScale(0.01, 0.1), 2,
                        List.of(new Want(1000, 4000, 0.62), new Want(2000, 5000, 0.63)), 2000, 0, null));
        for (PlanCase c : cases) {
            TrainingPlan plan = c.replay().plan(TrialParameters.parse(c.params(), c.replay().file().space()),
                    c.resumeStep(), c.scale());
            assertThat(plan.recordedRun()).as(c.name()).isEqualTo(c.wantRun());
            String metric = c.replay().file().objective().metric();
            assertThat(plan.reports()).as(c.name())
                    .map(r -> new Want(r.at().toMillis(), r.step(), r.metrics().get(metric)))
                    .containsExactlyElementsOf(c.wantReports());
            assertThat(plan.reports()).as(c.name()).allSatisfy(r -> assertThat(r.metrics()).hasSize(1));
            assertThat(plan.end()).as(c.name()).isEqualTo(Duration.ofMillis(c.wantEndMillis()));
            assertThat(plan.exitCode()).as(c.name()).isEqualTo(c.wantExit());
            assertThat(plan.exitMessage()).as(c.name()).isEqualTo(c.wantMessage());
        }
    }

    @Test
    void theMetricIsTheFilesObjective() {
        assertThat(imagenet.plan(TrialParameters.parse("{}", imagenet.file().space()), 0, TimeScale.defaults())
                .reports().get(0).metrics()).containsOnlyKeys("top_1");
        assertThat(multinli.plan(TrialParameters.parse("{}", multinli.file().space()), 0, TimeScale.defaults())
                .reports().get(0).metrics()).containsOnlyKeys("matched");
    }
}
