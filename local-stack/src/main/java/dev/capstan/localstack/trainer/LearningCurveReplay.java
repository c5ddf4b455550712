package dev.capstan.localstack.trainer;

import dev.capstan.tuning.bench.CurveFile;
import dev.capstan.tuning.bench.RecordedRun;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.ConfigurationDistance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans simulated training runs from a file of recorded learning curves (read by tuning-service's {@code CurveFiles}):
 * a trial trains as the recorded run nearest to its hyperparameters and reports that run's curve, epoch by epoch, at
 * the recorded times scaled to real time.
 *
 * <p>The recorded curves of shared/traces/tuning-opda-imagenet-mnli are by Nicholas Lourie
 * (github.com/nicholaslourie/opda), licensed CC BY-SA 4.0.
 */
public final class LearningCurveReplay {

    private final CurveFile file;
    private final ConfigurationDistance distance;
    private final double[][] points;

    public LearningCurveReplay(CurveFile file) {
        this.file = file;
        this.distance = new ConfigurationDistance(file.space());
        this.points = file.runs().stream().map(r -> distance.coordinates(r.configuration())).toArray(double[][]::new);
    }

    public CurveFile file() {
        return file;
    }

    /**
     * The recorded run nearest to {@code params} by {@link ConfigurationDistance} (unit cube, log scale for log
     * parameters, another categorical choice counting 1; parameters {@code params} does not set are not compared);
     * among equally near runs, the first in the file.
     */
    public RecordedRun nearest(Configuration params) {
        double[] p = distance.coordinates(params);
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < points.length; i++) {
            double d = distance.squared(p, points[i]);
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return file.runs().get(best);
    }

    /** The plan of a trial with {@code params}, resumed after {@code resumeStep} (0: from the start). */
    public TrainingPlan plan(Configuration params, long resumeStep, TimeScale scale) {
        return plan(nearest(params), resumeStep, scale);
    }

    /**
     * The plan of replaying {@code run} after {@code resumeStep}: it reports every recorded step greater than it, each
     * at (cost up to that step − cost up to the resume step) × the scale after the start — a resumed trial continues
     * from its checkpoint. It exits after its last recorded report (a run with none at all: after the file's failure
     * cost), with code 0, or 1 and {@value TrainingPlan#DIVERGED} when the recorded run diverged.
     */
    public TrainingPlan plan(RecordedRun run, long resumeStep, TimeScale scale) {
        long[] steps = run.steps();
        double[] cumulative = new double[steps.length];
        double total = 0;
        for (int k = 0; k < steps.length; k++) {
            total += run.costs()[k];
            cumulative[k] = total;
        }
        double resumedAt = 0;
        for (int k = 0; k < steps.length && steps[k] <= resumeStep; k++) {
            resumedAt = cumulative[k];
        }
        String metric = file.objective().metric();
        List<TrainingPlan.Report> reports = new ArrayList<>();
        for (int k = 0; k < steps.length; k++) {
            if (steps[k] > resumeStep) {
                reports.add(new TrainingPlan.Report(realTime(cumulative[k] - resumedAt, scale), steps[k],
                        Map.of(metric, run.values()[k])));
            }
        }
        Duration end = realTime(run.totalCost() - resumedAt, scale);
        return run.diverged() ? new TrainingPlan(run.id(), reports, end, 1, TrainingPlan.DIVERGED)
                : new TrainingPlan(run.id(), reports, end, 0, null);
    }

    private Duration realTime(double cost, TimeScale scale) {
        return scale.realTime(Math.max(0, cost), file.costUnit());
    }
}
