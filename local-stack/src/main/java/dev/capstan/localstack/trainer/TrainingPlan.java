package dev.capstan.localstack.trainer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one simulated training run does, in real time from the moment its container runs: the metrics it reports and
 * when, then how it exits.
 *
 * @param recordedRun the {@code iteration} of the recorded run it replays; -1 when it could not start
 * @param reports     the reports in step order, each at its time after the start
 * @param end         when it exits, never before its last report
 * @param exitCode    0 when it finished, 1 when the recorded run diverged, 2 when it could not start
 * @param exitMessage why it failed; null when it finished
 */
public record TrainingPlan(int recordedRun, List<Report> reports, Duration end, int exitCode, String exitMessage) {

    /** The message of a run whose recorded training diverged, as a trainer guarding its loss would say it. */
    public static final String DIVERGED = "training loss is NaN";

    public TrainingPlan {
        reports = List.copyOf(reports);
    }

    /** A run that exits at once with code 2 (a bad argument or setting), saying why. */
    public static TrainingPlan unableToStart(String message) {
        return new TrainingPlan(-1, List.of(), Duration.ZERO, 2, message);
    }

    /**
     * One report of a run.
     *
     * @param at      its time after the container started running
     * @param step    the step it is reported at (ImageNet: the epoch counted from 1; MultiNLI: the optimizer step)
     * @param metrics metric name → value
     */
    public record Report(Duration at, long step, Map<String, Double> metrics) {

        public Report {
            metrics = Map.copyOf(metrics);
        }
    }
}
