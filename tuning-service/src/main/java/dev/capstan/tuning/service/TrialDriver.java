package dev.capstan.tuning.service;

import dev.capstan.events.TrainingJobSpec;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Carries out the experiments' decisions: every {@code capstan.tuning.drive-every}, for each experiment with something
 * to do, it lets {@link Experiments#plan} decide, then cancels, submits and registers what was decided. Every call
 * out is idempotent and its result is stored after it, so a crash between the two only repeats the call.
 */
@ApplicationScoped
public class TrialDriver {

    private static final Logger LOG = Logger.getLogger(TrialDriver.class);

    private final Experiments experiments;
    private final Platform platform;
    private final String trackingUri;

    TrialDriver(Experiments experiments, Platform platform,
            @ConfigProperty(name = "capstan.tuning.tracking-uri") String trackingUri) {
        this.experiments = experiments;
        this.platform = platform;
        this.trackingUri = trackingUri;
    }

    @Scheduled(every = "${capstan.tuning.drive-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "1s")
    void tick() {
        for (String name : experiments.active()) {
            try {
                drive(name);
            } catch (RuntimeException e) {
                LOG.warnf("experiment %s: %s (trying again at the next look)", name, e.getMessage());
            }
        }
    }

    /** One look at one experiment. */
    public void drive(String name) {
        Experiments.Work work = experiments.plan(name);
        for (Experiments.Cancel c : work.cancels()) {
            try {
                platform.cancel(c.workloadId(), c.reason());
                experiments.cancelled(c);
            } catch (Platform.Unavailable e) {
                LOG.warnf("cancelling %s of %s: %s", c.workloadId(), name, e.getMessage());
            }
        }
        for (Experiments.Submit s : work.submits()) {
            try {
                String runId = s.runId();
                if (runId == null) {
                    runId = platform.trialRun(s.experiment(), s.trialId());
                    experiments.runCreated(s.experiment(), s.number(), runId);
                }
                TrainingJobSpec job = TrialJobs.job(s.template(), s.experiment(), s.number(), s.configuration(),
                        trackingUri, runId, s.resumeStep());
                experiments.submitted(s, platform.submit(job, s.idempotencyKey()));
            } catch (Platform.Rejected e) {
                LOG.infof("trial %s refused: %s", s.trialId(), e.getMessage());
                experiments.submitRefused(s, e.getMessage());
            } catch (Platform.Unavailable e) {
                LOG.warnf("submitting %s: %s", s.trialId(), e.getMessage());
            }
        }
        for (Experiments.Sync s : work.syncs()) {
            try {
                experiments.synced(s, platform.metricHistory(s.runId(), s.metric()));
            } catch (Platform.Rejected e) {
                // The run is gone (deleted by someone): what came over Kafka is all there is.
                LOG.warnf("no history of trial %d of %s: %s", s.number(), name, e.getMessage());
                experiments.synced(s, java.util.List.of());
            } catch (Platform.Unavailable e) {
                LOG.warnf("reading the history of trial %d of %s: %s", s.number(), name, e.getMessage());
            }
        }
        Experiments.Register r = work.register();
        if (r != null) {
            try {
                int version = platform.registerBest(r.model(), r.artifactUri(), r.params(), r.metrics(), r.tags(),
                        r.runId(), r.workloadId());
                experiments.registered(r.experiment(), version, null);
            } catch (Platform.Rejected e) {
                experiments.registered(r.experiment(), null, e.getMessage());
            } catch (Platform.Unavailable e) {
                LOG.warnf("registering the best trial of %s: %s", name, e.getMessage());
            }
        }
    }
}
