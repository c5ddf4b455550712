package dev.capstan.localstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.events.EventCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./capstan describe EXPERIMENT} prints for tuning-service's answer, and what a user reads when nothing
 * answers (the end-to-end test and {@code ./capstan up} cover the live answers).
 */
class TuningCommandsTest {

    @Test
    void anExperimentIsDescribedWithItsBestTrialAndWhyEachTrialEnded() throws Exception {
        JsonNode e = EventCodec.mapper().readTree("""
                {"name":"sweep","state":"SUCCEEDED","reason":"budget spent","metric":"top_1","direction":"maximize",
                 "target":null,"algorithm":"progress-halving","gpuHours":1.25,
                 "best":{"id":"sweep-t1","lastValue":0.53,"lastStep":51,"params":{"lr":"0.006"}},
                 "model":"alexnet","modelVersion":3,
                 "trials":[
                   {"id":"sweep-t0","state":"STOPPED","lastStep":3,"lastValue":0.001,"gpuHours":0.01,"runs":1,
                    "reason":"paused at step 3 (top_1 0.001)"},
                   {"id":"sweep-t1","state":"COMPLETED","lastStep":51,"lastValue":0.53,"gpuHours":1.2,"runs":2},
                   {"id":"sweep-t2","state":"FAILED","gpuHours":0,"runs":1,"reason":"job failed: exit 1"}]}
                """);

        String text = TuningCommands.summaryOf(e);

        assertThat(text).contains("State:       SUCCEEDED (budget spent)", "Objective:   maximize top_1",
                "GPU-hours:   1.250", "Best trial:  sweep-t1 top_1=0.53 at step 51 {\"lr\":\"0.006\"}",
                "Model:       alexnet version 3");
        assertThat(text.lines().filter(l -> l.startsWith("sweep-t")).toList()).containsExactly(
                "sweep-t0  STOPPED    3     0.0010  0.010  1     paused at step 3 (top_1 0.001)",
                "sweep-t1  COMPLETED  51    0.5300  1.200  2     -",
                "sweep-t2  FAILED     -     -       0.000  1     job failed: exit 1");
    }

    @Test
    void withoutTuningServiceTheUserIsToldWhereItWasLookedFor() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TuningCommands commands = new TuningCommands("http://127.0.0.1:9", new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        int code = commands.run(List.of("experiments"));

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach tuning-service at "
                + "http://127.0.0.1:9", "CAPSTAN_TUNING");
    }
}
