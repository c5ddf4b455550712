package dev.capstan.tuning.service;

import dev.capstan.events.TrainingJobSpec;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The other services, as far as the service tests need them: submission keyed by the idempotency key (the same key,
 * the same workload, as submission-service does), cancels and registrations recorded. The real HTTP adapter runs
 * against the real services in the end-to-end test.
 */
@Alternative
@Priority(1)
@jakarta.inject.Singleton
public class RecordingPlatform implements Platform {

    public final Map<String, String> workloadByKey = new ConcurrentHashMap<>();
    public final Map<String, TrainingJobSpec> jobByWorkload = new ConcurrentHashMap<>();
    public final List<String> cancelled = new CopyOnWriteArrayList<>();
    public final List<String> registered = new CopyOnWriteArrayList<>();
    public final Map<String, String> runByTrial = new ConcurrentHashMap<>();
    /** Submissions refused with this reason when the job's env names it (a template that fails validation). */
    public static final String REFUSE = "REFUSE_ME";

    @Override
    public String trialRun(String experiment, String trialId) {
        return runByTrial.computeIfAbsent(trialId, t -> "run-" + t);
    }

    @Override
    public String submit(TrainingJobSpec job, String idempotencyKey) {
        if (job.env().containsValue(REFUSE)) {
            throw new Rejected("env.X: refused by validation");
        }
        return workloadByKey.computeIfAbsent(idempotencyKey, k -> {
            String id = "wl-" + k.replace('/', '-');
            jobByWorkload.put(id, job);
            return id;
        });
    }

    /** The MLflow history of each run, as a test sets it. */
    public final Map<String, List<Point>> history = new ConcurrentHashMap<>();

    @Override
    public List<Point> metricHistory(String runId, String metric) {
        return history.getOrDefault(runId, List.of());
    }

    @Override
    public void cancel(String workloadId, String reason) {
        cancelled.add(workloadId);
    }

    @Override
    public int registerBest(String model, String artifactUri, Map<String, String> params,
            Map<String, Double> metrics, Map<String, String> tags, String runId, String workloadId) {
        registered.add(model + " " + artifactUri + " " + runId + " " + metrics);
        return registered.size();
    }
}
