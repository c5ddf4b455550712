package dev.capstan.autoscaler.rollout;

import dev.capstan.events.Resources;
import dev.capstan.events.RolloutPolicy;
import dev.capstan.events.ScalingEvent.Revision;
import dev.capstan.events.ScalingEvent.RevisionsPlanned;
import dev.capstan.events.ScalingEvent.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The serving plan of one inference service: which revisions run, how many replicas each, and their traffic weights,
 * and the rollout that moves the service from its stable revision to a new one.
 *
 * <p>The first revision is the one its model reference resolves to. When the reference later resolves to another
 * version (the alias moved, or the service was changed to another model), a rollout starts:
 * <ol>
 *   <li><b>surging</b>: the new revision gets the replicas of the coming canary step, at most {@code maxSurge}
 *       not yet ready at a time; traffic stays where it was until they are all ready;</li>
 *   <li><b>canary</b>: the new revision takes the step's share of the traffic; after the analysis window the two
 *       revisions' samples of that window are judged ({@link CanaryAnalysis}); a pass goes to the next step (back to
 *       surging for its replicas), a wait extends the window, a failure rolls back: all traffic on the stable
 *       revision at once, the new revision's replicas released, and the alias moved back (see {@link #decide});</li>
 *   <li><b>promoted</b> after the last step (100 %) passed: the new revision is stable with every replica, the old
 *       one is released.</li>
 * </ol>
 * The stable revision keeps its full replica count until the end, so whatever happens the ready replicas never drop
 * below what the service had, and a rollback needs no replica to start. A reference that moves again mid-rollout
 * restarts it towards the latest version (its predecessor's replicas go); one that moves back to the stable version
 * stops it. A rolled-back version is not tried again until the reference names another version and then it again.
 *
 * <p>Everything the planner needs to go on is in the plan it published last (the rollout's phase, step and the start
 * of its window), so a restarted autoscaler restores that plan and continues. Not thread-safe: the caller serialises.
 */
public final class ServingPlanner {

    public static final String SURGING = "surging";
    public static final String CANARY = "canary";
    public static final String PROMOTED = "promoted";
    public static final String ROLLED_BACK = "rolled-back";
    public static final String STOPPED = "stopped";
    /** The shortest span the stable revision's usual latency is taken over. */
    static final int BASELINE_SECONDS = 60;

    /** What the service's settings say about serving it. */
    public record Spec(String service, String queue, String image, Resources replica, int coldStartSeconds,
            String modelRef, RolloutPolicy rollout) {
    }

    /** The alias a failed rollout must move back: from {@code badVersion} to {@code stableVersion}, with why. */
    public record AliasRestore(String model, String alias, int badVersion, int stableVersion, String reason) {
    }

    /**
     * A decision: the plan to publish (null when the one in force stays), and an alias to move back (null unless a
     * rolled-back version is still what the alias names).
     */
    public record Outcome(RevisionsPlanned plan, AliasRestore restore) {
    }

    private RevisionsPlanned inForce;

    /** The plan in force (published last), or null. */
    public RevisionsPlanned inForce() {
        return inForce;
    }

    /** Takes a plan read back from the log (a restart): the newest one counts. */
    public void restore(RevisionsPlanned plan) {
        if (inForce == null || plan.plannedAt() != null && plan.plannedAt().isAfter(inForce.plannedAt())) {
            inForce = plan;
        }
    }

    /**
     * Decides the plan for now.
     *
     * @param target  what the model reference resolves to now (null: unknown, e.g. the alias was removed)
     * @param desired the replicas the service needs for its traffic (the autoscaler's count)
     * @param samples the gateway's per-revision samples
     */
    public Outcome decide(Spec spec, ModelAliases.Target target, int desired, RevisionSamples samples, Instant now) {
        RevisionsPlanned next = next(spec, target, Math.max(0, desired), samples, now);
        if (next == null) {
            return new Outcome(null, null);
        }
        boolean changed = inForce == null || !sameContent(inForce, next);
        if (changed) {
            inForce = next;
        }
        return new Outcome(changed ? next : null, restore(spec, target, inForce));
    }

    private RevisionsPlanned next(Spec spec, ModelAliases.Target target, int desired, RevisionSamples samples,
            Instant now) {
        if (inForce == null || inForce.revisions().isEmpty()) {
            return target == null ? null
                    : plan(spec, List.of(revision(target, desired, 100)), "serving " + target.revision(), null, now);
        }
        Revision stable = inForce.revisions().get(0);
        Rollout rollout = inForce.rollout();
        boolean active = active(rollout);
        String wanted = target == null ? null : target.revision();
        String reason = null;
        if (wanted != null && !wanted.equals(stable.name())) {
            if (!active && !(rollout != null && ROLLED_BACK.equals(rollout.phase()) && wanted.equals(rollout.to()))) {
                rollout = new Rollout(stable.name(), wanted, SURGING, 0, now, null, baseline(spec, stable, samples,
                        now));
                reason = "rollout of " + wanted + " started";
            } else if (active && !wanted.equals(rollout.to())) {
                rollout = new Rollout(stable.name(), wanted, SURGING, 0, now, "superseded " + rollout.to(),
                        rollout.baselineP99LatencyMs());
                reason = "rollout of " + wanted + " started (replaces the rollout of " + inForce.rollout().to() + ")";
            }
        } else if (active) {
            String why = wanted == null ? "the model reference resolves to nothing"
                    : "the model reference names " + stable.name() + " again";
            rollout = moved(rollout, STOPPED, rollout.step(), now, why);
            return plan(spec, List.of(resized(stable, desired, 100)), "rollout of " + rollout.to() + " stopped: "
                    + why, rollout, now);
        }
        if (!active(rollout)) {
            if (rollout != null && ROLLED_BACK.equals(rollout.phase()) && !rollout.to().equals(wanted)) {
                rollout = null; // the reference moved on from the rolled-back version: it may be tried again
            }
            return plan(spec, List.of(resized(stable, desired, 100)), sameScale(stable, desired) ? inForce.reason()
                    : "scaled " + stable.name() + " to " + desired, rollout, now);
        }
        return step(spec, stable, rollout, target, desired, samples, now, reason);
    }

    /** One tick of an active rollout. */
    private RevisionsPlanned step(Spec spec, Revision stable, Rollout rollout, ModelAliases.Target target, int desired,
            RevisionSamples samples, Instant now, String started) {
        RolloutPolicy policy = spec.rollout() == null ? RolloutPolicy.defaults() : spec.rollout().or(
                RolloutPolicy.defaults());
        List<Integer> steps = policy.canarySteps();
        int k = Math.min(rollout.step(), steps.size() - 1);
        int want = replicasFor(desired, steps.get(k));
        int planned = plannedReplicas(rollout.to());
        // Until the gateway reports the new revision (a restarted autoscaler has no samples yet), its planned
        // replicas count as ready for its weight, so a restart does not move traffic; no step is taken on that.
        boolean known = samples.knows(rollout.to());
        int ready = known ? samples.ready(rollout.to()) : planned;
        int replicas = Math.min(want, Math.max(planned, ready + Math.max(1, policy.maxSurge())));
        String reason = started;
        int weight;
        if (SURGING.equals(rollout.phase())) {
            weight = k == 0 ? 0 : servable(steps.get(k - 1), ready, replicasFor(desired, steps.get(k - 1)));
            if (known && ready >= want) {
                rollout = moved(rollout, CANARY, k, now, rollout.verdict());
                weight = steps.get(k);
                reason = "canary step " + (k + 1) + " of " + steps.size() + ": " + rollout.to() + " takes " + weight
                        + " %";
            } else if (reason == null) {
                reason = "starting " + rollout.to() + ": " + ready + " of " + want + " replicas ready";
            }
        } else {
            weight = servable(steps.get(k), ready, want);
            Duration window = Duration.ofSeconds(policy.analysisWindowSeconds());
            boolean windowOver = !now.isBefore(rollout.stepStartedAt().plus(window));
            long from = rollout.stepStartedAt().toEpochMilli();
            // Judged at every decision once the canary has served enough: a failure on errors rolls back at once,
            // before the window is over (a clearly bad version gets no more traffic than it takes to tell); a pass
            // and a latency verdict wait for the end of the window.
            if (windowOver || samples.since(rollout.to(), from).requests() >= minRequests(policy)) {
                CanaryAnalysis.Stats stableNow = samples.since(stable.name(), from);
                Double baseline = rollout.baselineP99LatencyMs();
                // The stable revision keeps every replica for a part of the traffic: its latency now is below its
                // usual one. The canary, sized for its share, is held to the usual latency when that is higher.
                CanaryAnalysis.Stats reference = baseline != null && baseline > stableNow.p99LatencyMs()
                        ? new CanaryAnalysis.Stats(stableNow.requests(), stableNow.errors(), baseline,
                                stableNow.secondP99s()) : stableNow;
                CanaryAnalysis.Verdict v = CanaryAnalysis.judge(reference, samples.since(rollout.to(), from),
                        policy);
                // Before the window is over only errors can fail it: latency is judged over the whole window.
                if (!windowOver && (v.outcome() != CanaryAnalysis.Outcome.FAIL || v.onLatency())) {
                    v = new CanaryAnalysis.Verdict(CanaryAnalysis.Outcome.WAIT, v.text());
                }
                switch (v.outcome()) {
                    case FAIL -> {
                        return plan(spec, List.of(resized(stable, desired, 100)), v.text(),
                                moved(rollout, ROLLED_BACK, k, now, v.text()), now);
                    }
                    case PASS -> {
                        if (k == steps.size() - 1) {
                            Revision promoted = revision(target, desired, 100);
                            return plan(spec, List.of(promoted), "promoted " + rollout.to() + ": " + v.text(),
                                    moved(rollout, PROMOTED, k, now, v.text()), now);
                        }
                        rollout = moved(rollout, SURGING, k + 1, now, v.text());
                        reason = "step " + (k + 1) + " passed (" + v.text() + ")";
                        want = replicasFor(desired, steps.get(k + 1));
                        replicas = Math.min(want, Math.max(replicas, ready + Math.max(1, policy.maxSurge())));
                    }
                    case WAIT -> reason = inForce.reason();
                }
            }
        }
        if (reason == null) {
            reason = inForce.reason();
        }
        List<Revision> revisions = new ArrayList<>();
        revisions.add(resized(stable, desired, 100 - weight));
        revisions.add(revision(target, replicas, weight));
        return plan(spec, revisions, reason, rollout, now);
    }

    private static int minRequests(RolloutPolicy policy) {
        return Math.max(1, policy.minRequests() == null ? 0 : policy.minRequests());
    }

    /** The rollout in another phase or step, from {@code now} on, with the verdict given. */
    private static Rollout moved(Rollout r, String phase, int step, Instant now, String verdict) {
        return new Rollout(r.from(), r.to(), phase, step, now, verdict, r.baselineP99LatencyMs());
    }

    /**
     * The median of the stable revision's per-second p99 latencies over the analysis window (at least
     * {@value #BASELINE_SECONDS} s) before now, in the seconds it served the whole service alone: its usual latency,
     * taken when a rollout begins; null with fewer than {@link CanaryAnalysis#MIN_SECONDS} such seconds.
     */
    private static Double baseline(Spec spec, Revision stable, RevisionSamples samples, Instant now) {
        RolloutPolicy policy = spec.rollout() == null ? RolloutPolicy.defaults()
                : spec.rollout().or(RolloutPolicy.defaults());
        // Only the seconds it served alone: after an earlier rollout it kept every replica for a part of the traffic.
        return samples.aloneMedianP99(stable.name(),
                now.minusSeconds(Math.max(BASELINE_SECONDS, policy.analysisWindowSeconds())).toEpochMilli());
    }

    /** The alias to move back while a rolled-back version is what the service's alias names. */
    private static AliasRestore restore(Spec spec, ModelAliases.Target target, RevisionsPlanned plan) {
        Rollout r = plan.rollout();
        ModelAliases.ModelRef ref = ModelAliases.ModelRef.parse(spec.modelRef());
        if (r == null || !ROLLED_BACK.equals(r.phase()) || target == null || !target.revision().equals(r.to())
                || ref == null || ref.alias() == null || plan.revisions().isEmpty()) {
            return null;
        }
        return new AliasRestore(ref.model(), ref.alias(), target.version(), plan.revisions().get(0).modelVersion(),
                "rolled back by autoscaler-service: " + r.verdict());
    }

    /**
     * The share a new revision can take with {@code ready} of the {@code needed} replicas its step asks for (the
     * service grew during the step): in proportion, so that each of its replicas carries no more than its usual load
     * and the analysis judges the version, not an overload.
     */
    static int servable(int weight, int ready, int needed) {
        return needed <= 0 || ready >= needed ? weight : (int) Math.floor(weight * (double) ready / needed);
    }

    /** Replicas of a revision taking {@code weight} % of a service that needs {@code desired}: at least one. */
    static int replicasFor(int desired, int weight) {
        return desired == 0 || weight == 0 ? 0 : Math.max(1, (int) Math.ceil(desired * weight / 100.0));
    }

    private static boolean active(Rollout r) {
        return r != null && (SURGING.equals(r.phase()) || CANARY.equals(r.phase()));
    }

    private int plannedReplicas(String revision) {
        return inForce.revisions().stream().filter(r -> r.name().equals(revision)).mapToInt(Revision::replicas)
                .findFirst().orElse(0);
    }

    private static boolean sameScale(Revision stable, int desired) {
        return stable.replicas() == desired;
    }

    private static Revision revision(ModelAliases.Target t, int replicas, int weight) {
        return new Revision(t.revision(), t.model(), t.version(), t.artifactUri(), replicas, weight);
    }

    private static Revision resized(Revision r, int replicas, int weight) {
        return new Revision(r.name(), r.model(), r.modelVersion(), r.artifactUri(), replicas, weight);
    }

    private static RevisionsPlanned plan(Spec spec, List<Revision> revisions, String reason, Rollout rollout,
            Instant now) {
        return new RevisionsPlanned(spec.service(), spec.queue(), spec.image(), spec.replica(),
                spec.coldStartSeconds(), revisions, reason, rollout, now);
    }

    /** Equal but for reason and time: publishing it again would change nothing. */
    private static boolean sameContent(RevisionsPlanned a, RevisionsPlanned b) {
        return a.revisions().equals(b.revisions()) && Objects.equals(a.rollout(), b.rollout())
                && Objects.equals(a.queue(), b.queue()) && Objects.equals(a.image(), b.image())
                && Objects.equals(a.replica(), b.replica()) && a.coldStartSeconds() == b.coldStartSeconds();
    }
}
