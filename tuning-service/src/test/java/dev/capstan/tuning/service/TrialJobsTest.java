package dev.capstan.tuning.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.Framework;
import dev.capstan.events.ModelOutput;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.TrialEvent;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.FieldProblem;
import dev.capstan.tuning.domain.ParameterValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrialJobsTest {

    static final TrainingJobSpec TEMPLATE = new TrainingJobSpec("template", "team-a", "trainer:1",
            List.of("python", "train.py", "--lr=${lr}", "--batch=${batch}"), Framework.PYTORCH, 2,
            new Resources(1, 0, List.of(), 4000, 16384), 5, Map.of("note", "${trial} of ${experiment}"),
            Map.of("LR", "${lr}", "FIXED", "1"), new ModelOutput("m", "s3://m/x", "pt"));

    static Configuration config() {
        Map<String, ParameterValue> v = new LinkedHashMap<>();
        v.put("lr", new ParameterValue.FloatValue(0.001));
        v.put("batch", new ParameterValue.Choice("256"));
        v.put("opt", new ParameterValue.Choice("adam"));
        return new Configuration(v);
    }

    @Test
    void aTrialsJobIsTheTemplateFilledWithItsValuesAndToldWhereToReport() {
        TrainingJobSpec job = TrialJobs.job(TEMPLATE, "sweep", 3, config(), "http://registry:8085", "run-9", null);

        assertThat(job.name()).isEqualTo("sweep-t3");
        assertThat(job.command()).containsExactly("python", "train.py", "--lr=0.001", "--batch=256");
        assertThat(job.env()).containsEntry("LR", "0.001").containsEntry("FIXED", "1")
                .containsEntry("CAPSTAN_TRIAL_ID", "sweep-t3")
                .containsEntry("CAPSTAN_TRIAL_PARAMS", "{\"lr\":0.001,\"batch\":256,\"opt\":\"adam\"}")
                .containsEntry("MLFLOW_TRACKING_URI", "http://registry:8085")
                .containsEntry("MLFLOW_RUN_ID", "run-9").doesNotContainKey("CAPSTAN_RESUME_STEP");
        assertThat(job.annotations()).containsEntry("note", "sweep-t3 of sweep")
                .containsEntry(TrialEvent.TRIAL_TAG, "sweep-t3");
        // The best trial, not every trial, becomes a model version.
        assertThat(job.output()).isNull();
        assertThat(job.queue()).isEqualTo("team-a");
        assertThat(job.workers()).isEqualTo(2);
        assertThat(job.priority()).isEqualTo(5);
    }

    @Test
    void aResumedTrialIsToldTheStepItContinuesFrom() {
        TrainingJobSpec job = TrialJobs.job(TEMPLATE, "sweep", 3, config(), "http://r", "run-9", 8L);

        assertThat(job.env()).containsEntry("CAPSTAN_RESUME_STEP", "8");
    }

    @Test
    void placeholdersThatNameNoParameterAreEachAProblem() {
        TrainingJobSpec bad = new TrainingJobSpec("t", "q", "img", List.of("--x=${lr}", "--y=${momentum}"),
                Framework.NONE, 1, null, 0, Map.of(), Map.of("A", "${dropout}"), null);

        List<FieldProblem> problems = TrialJobs.problems(bad, Set.of("lr"), "s3://m/${trail}");

        assertThat(problems).extracting(FieldProblem::field)
                .containsExactly("trialTemplate.command[1]", "trialTemplate.env.A", "model.artifactUri");
        assertThat(problems.get(0).message()).contains("${momentum}");
        assertThat(TrialJobs.problems(TEMPLATE, Set.of("lr", "batch"), "s3://m/${trial}")).isEmpty();
    }
}
