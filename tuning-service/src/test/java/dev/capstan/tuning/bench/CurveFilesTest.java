package dev.capstan.tuning.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.capstan.tuning.domain.CategoricalParameter;
import dev.capstan.tuning.domain.FloatParameter;
import dev.capstan.tuning.domain.IntParameter;
import dev.capstan.tuning.domain.LogFloatParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two formats of shared/traces/tuning-opda-imagenet-mnli, on rows shaped like theirs. */
class CurveFilesTest {

    @TempDir
    Path dir;

    private static String imagenetRow(int iteration, boolean nan, int epochs, int batch, double lr, String curve) {
        return "{\"iteration\": " + iteration + ", \"nan_train_loss\": " + nan + ", \"epochs\": " + epochs
                + ", \"batch_size\": " + batch + ", \"lr\": " + lr + ", \"lr_peak_epoch\": " + (epochs / 4)
                + ", \"momentum\": 0.9, \"weight_decay\": " + iteration + "e-5, \"label_smoothing\": 0.1"
                + ", \"learning_curve\": [" + curve + "]}";
    }

    private static String epoch(double time, int epoch, double top1) {
        return "{\"time\": " + time + ", \"epoch\": " + epoch + ", \"top_1\": " + top1
                + ", \"top_5\": 0.5, \"train_loss\": 3.0}";
    }

    @Test
    void imagenetRowsChargeEachEpochItsTimeAndDivergedOnesFail() throws IOException {
        Path file = dir.resolve("tiny_tuning.results.jsonl");
        Files.writeString(file, String.join("\n",
                imagenetRow(1, false, 20, 512, 0.1, epoch(300, 0, 0.1) + ", " + epoch(550, 1, 0.2)),
                imagenetRow(2, true, 40, 128, 1.0, epoch(400, 0, 0.01)),
                imagenetRow(3, true, 80, 1024, 5.0, "")) + "\n");
        CurveFile curves = CurveFiles.read(file);
        RecordedRun first = curves.runs().get(0);
        assertThat(first.steps()).containsExactly(1, 2);
        assertThat(first.costs()).containsExactly(300, 250);
        assertThat(first.values()).containsExactly(0.1, 0.2);
        assertThat(first.plannedSteps()).isEqualTo(20);
        assertThat(first.diverged()).isFalse();
        assertThat(first.finalValue()).isEqualTo(0.2);
        RecordedRun diverged = curves.runs().get(1);
        assertThat(diverged.diverged()).isTrue();
        assertThat(diverged.finalValue()).isNaN();
        // an empty diverged row fails after one median epoch of the file: epochs of 300, 250 and 400 s
        RecordedRun empty = curves.runs().get(2);
        assertThat(empty.reports()).isZero();
        assertThat(empty.failureCost()).isEqualTo(300);
        assertThat(empty.totalCost()).isEqualTo(300);
        assertThat(curves.objective().metric()).isEqualTo("top_1");
        assertThat(curves.costPerHour()).isEqualTo(3600);
        assertThat(curves.space().parameters()).containsExactly(
                new IntParameter("epochs", 20, 80),
                new CategoricalParameter("batch_size", List.of("128", "512", "1024")),
                new LogFloatParameter("lr", 0.1, 5.0),
                new FloatParameter("lr_peak_fraction", 0, 0.25),
                new FloatParameter("momentum", 0.9, 0.9),
                new LogFloatParameter("weight_decay", 1e-5, 3e-5),
                new FloatParameter("label_smoothing", 0.1, 0.1));
        assertThat(first.configuration().get("lr_peak_fraction").number()).isEqualTo(0.25);
        assertThat(first.configuration().get("batch_size").text()).isEqualTo("512");
    }

    @Test
    void multinliRowsChargeOptimizerStepsForWantOfTime() throws IOException {
        Path file = dir.resolve("nli_tuning.results.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"iteration\": 1, \"num_train_epochs\": 2, \"train_batch_size\": 32, \"total_model_steps\": 2500,"
                        + " \"learning_rate\": 1e-5, \"warmup_steps\": 250, \"cls_drop_out\": 0.1, \"learning_curves\":"
                        + " {\"matched\": [[1000, 0.8], [1250, 0.82], [2000, 0.85], [2500, 0.86]],"
                        + " \"mismatched\": [[1000, 0.7]]}}",
                "{\"iteration\": 2, \"num_train_epochs\": 1, \"train_batch_size\": 16, \"total_model_steps\": 1500,"
                        + " \"learning_rate\": 1e-3, \"warmup_steps\": 750, \"cls_drop_out\": 0.2, \"learning_curves\":"
                        + " {\"matched\": [[1000, 0.33], [1500, 0.35]], \"mismatched\": [[1000, 0.3]]}}"));
        CurveFile curves = CurveFiles.read(file);
        RecordedRun first = curves.runs().get(0);
        assertThat(first.steps()).containsExactly(1000, 1250, 2000, 2500);
        assertThat(first.costs()).containsExactly(1000, 250, 750, 500);
        assertThat(first.plannedSteps()).isEqualTo(2500);
        // warm-up is a share of the first epoch: 250 of 1,250 steps
        assertThat(first.configuration().get("warmup_proportion").number()).isCloseTo(0.2, offset(1e-12));
        assertThat(curves.objective().metric()).isEqualTo("matched");
        assertThat(curves.costUnit()).isEqualTo("steps");
        assertThat(curves.bestFinalValue()).isEqualTo(0.86);
    }

    @Test
    void anotherFormatIsRefused() throws IOException {
        Path file = dir.resolve("other.jsonl");
        Files.writeString(file, "{\"iteration\": 1}\n");
        assertThatThrownBy(() -> CurveFiles.read(file)).hasMessageContaining("neither");
    }
}
