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
 *   <li><b>surging</b>: the new revision gets the replicas of the coming canary step, and so does a <em>baseline</em>
 *       of the stable version ({@link #baselineOf}), at most {@code maxSurge} not yet ready at a time each; traffic
 *       stays where it was until they are all ready;</li>
 *   <li><b>canary</b>: the new revision takes the step's share of the traffic, and its baseline as much (while the
 *       two fit in 100 %) on as many replicas; after the analysis window the canary's samples of that window are
 *       judged ({@link CanaryAnalysis}) against the stable version's: errors of its revisions together, latency of
 *       the baseline, which carries the same load per replica (the stable revision, with every replica for the rest
 *       of the traffic, answers faster than either). The last step (the canary takes everything) has no baseline and
 *       is judged on errors only. A pass goes to the next step (back to surging for its
 *       replicas), a wait extends the window, a failure rolls back: all traffic on the stable revision at once, the
 *       new revision's and the baseline's replicas released, and the alias moved back (see {@link #decide});</li>
 *   <li><b>promoted</b> after the last step (100 %) passed: the new revision is stable with every replica, the old
 *       one and its baseline are released.</li>
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
    /** The phases that end a rollout: its verdict. */
    public static final List<String> VERDICTS = List.of(PROMOTED, ROLLED_BACK, STOPPED);
    /**
     * How many analysis windows a step may last while its canary's errors are not yet shown within the allowance;
     * then the observed rates decide (see {@link CanaryAnalysis#judge(CanaryAnalysis.Stats, CanaryAnalysis.Stats,
     * RolloutPolicy, boolean)}).
     */
    static final int MAX_WINDOWS = 4;
    /** The shortest time a step waits for its replicas before the rollout fails; see {@link #progressDeadline}. */
    static final int MIN_PROGRESS_SECONDS = 120;
    /** What a stable revision's name is followed by in its baseline's; see {@link #baselineOf}. */
    public static final String BASELINE_SUFFIX = "-baseline";

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

    /**
     * The verdict a new plan gives its rollout, or empty: the rollout's phase when the new plan ends it (promoted,
     * rolled back, stopped) and the plan in force before did not already say so. Plans republished unchanged, or
     * later plans that still carry the ended rollout, give no verdict again.
     */
    public static java.util.Optional<String> verdict(RevisionsPlanned before, RevisionsPlanned after) {
        if (after == null || after.rollout() == null || !VERDICTS.contains(after.rollout().phase())) {
            return java.util.Optional.empty();
        }
        Rollout was = before == null ? null : before.rollout();
        boolean same = was != null && was.phase().equals(after.rollout().phase())
                && java.util.Objects.equals(was.to(), after.rollout().to());
        return same ? java.util.Optional.empty() : java.util.Optional.of(after.rollout().phase());
    }

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
                rollout = new Rollout(stable.name(), wanted, SURGING, 0, now, null, null);
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
            return plan(spec, List.of(resized(stable, desired, 100)), stable.replicas() == desired ? inForce.reason()
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
        int surge = Math.max(1, policy.maxSurge());
        int k = Math.min(rollout.step(), steps.size() - 1);
        Cohort canary = cohort(rollout.to(), steps.get(k), desired, samples, surge);
        Cohort control = cohort(baselineOf(stable.name()), controlShare(steps.get(k)), desired, samples, surge);
        String reason = started;
        int weight;
        int controlWeight;
        if (SURGING.equals(rollout.phase())) {
            // Traffic stays as the previous step had it until the canary's replicas are ready; the baseline keeps
            // its replicas for that share until then too (the last step has none).
            int previous = k == 0 ? 0 : steps.get(k - 1);
            Cohort held = cohort(control.name(), Math.max(controlShare(previous), control.share()), desired, samples,
                    surge);
            weight = canary.servable(previous, desired);
            controlWeight = held.servable(controlShare(previous), desired);
            Duration deadline = progressDeadline(spec);
            if ((!canary.allReady() || !held.allReady()) && !now.isBefore(rollout.stepStartedAt().plus(deadline))) {
                // Replicas that do not come up (an image that cannot be pulled, a server that never answers, no room
                // in the cluster) fail the rollout as a bad version would: Kubernetes' progress deadline.
                String why = String.format(java.util.Locale.ROOT,
                        "rollout failed: %s had %d of %d replicas ready after %d s (progress deadline)", rollout.to(),
                        canary.ready(), canary.want(), deadline.toSeconds());
                return plan(spec, List.of(resized(stable, desired, 100)), why,
                        moved(rollout, ROLLED_BACK, k, now, why), now);
            }
            if (!canary.allReady() || !held.allReady()) {
                control = held;
                if (reason == null) {
                    reason = "starting " + rollout.to() + ": " + canary.readyReported() + " of " + canary.want()
                            + " replicas ready" + (held.want() > 0 ? ", baseline " + held.readyReported() + " of "
                                    + held.want() : "");
                }
            } else {
                rollout = moved(rollout, CANARY, k, now, rollout.verdict());
                weight = steps.get(k);
                controlWeight = control.share();
                reason = "canary step " + (k + 1) + " of " + steps.size() + ": " + rollout.to() + " takes " + weight
                        + " %" + (controlWeight > 0 ? ", its baseline " + controlWeight + " %" : "");
            }
        } else {
            weight = canary.servable(canary.share(), desired);
            controlWeight = control.servable(control.share(), desired);
            Duration window = Duration.ofSeconds(policy.analysisWindowSeconds());
            boolean windowOver = !now.isBefore(rollout.stepStartedAt().plus(window));
            long from = rollout.stepStartedAt().toEpochMilli();
            CanaryAnalysis.Stats canaryNow = samples.since(rollout.to(), from);
            // Judged at every decision once the canary has served enough: a failure on errors rolls back at once,
            // before the window is over (a clearly bad version gets no more traffic than it takes to tell); a pass
            // and a latency verdict wait for the end of the window.
            if (windowOver || canaryNow.requests() >= minRequests(policy)) {
                boolean lastChance = !now.isBefore(rollout.stepStartedAt().plus(window.multipliedBy(MAX_WINDOWS)));
                CanaryAnalysis.Verdict v = CanaryAnalysis.judge(reference(samples.since(stable.name(), from),
                        samples.since(control.name(), from), control.share() > 0), canaryNow, policy, lastChance);
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
                        canary = cohort(rollout.to(), steps.get(k + 1), desired, samples, surge).atLeast(canary);
                        // Surging toward the next step, the baseline keeps this step's replicas and share.
                        control = cohort(control.name(), Math.max(control.share(), controlShare(steps.get(k + 1))),
                                desired, samples, surge).atLeast(control);
                    }
                    case WAIT -> reason = inForce.reason();
                }
            }
        }
        if (reason == null) {
            reason = inForce.reason();
        }
        List<Revision> revisions = new ArrayList<>();
        revisions.add(resized(stable, desired, 100 - weight - controlWeight));
        revisions.add(revision(target, canary.replicas(), weight));
        if (control.replicas() > 0) {
            revisions.add(new Revision(control.name(), stable.model(), stable.modelVersion(), stable.artifactUri(),
                    control.replicas(), controlWeight));
        }
        return plan(spec, revisions, reason, rollout, now);
    }

    /**
     * What the canary is judged against: errors of the stable version (its stable revision and its baseline
     * together, the same version), latency of the baseline alone, which takes the canary's share on as many
     * replicas: the same load per replica, so a busy canary is not compared with an idle stable revision. Without a
     * baseline (the last step: the canary takes everything) there is no reference for latency at the same load and
     * time, and latency is not compared: the steps before compared it. (A reference from before the rollout, the
     * stable revision serving alone, was tried: under a trace's changing load it rolled a healthy version back at
     * 100 % in the demo.)
     */
    private static CanaryAnalysis.Stats reference(CanaryAnalysis.Stats stable, CanaryAnalysis.Stats baseline,
            boolean withBaseline) {
        long requests = stable.requests() + baseline.requests();
        long errors = stable.errors() + baseline.errors();
        return withBaseline ? new CanaryAnalysis.Stats(requests, errors, baseline.p99LatencyMs(), baseline.secondP99s())
                : new CanaryAnalysis.Stats(requests, errors, 0);
    }

    /**
     * The baseline of a stable revision during a rollout: replicas of the stable version that take the same share of
     * the traffic as the canary on as many replicas, so that the two are compared at the same load (Kayenta's
     * canary/baseline pair). Not the stable revision itself: that one keeps every replica for the rest of the
     * traffic and a rollback.
     */
    public static String baselineOf(String stableRevision) {
        return stableRevision + BASELINE_SUFFIX;
    }

    /** The share the baseline takes beside a canary at {@code canaryShare} %: the same, while the two fit. */
    static int controlShare(int canaryShare) {
        return Math.max(0, Math.min(canaryShare, 100 - canaryShare));
    }

    /**
     * One revision the rollout sizes (the canary or the baseline) at the current step.
     *
     * @param share    its share of the traffic at the step, in percent
     * @param want     the replicas that share needs
     * @param replicas the replicas to plan: toward {@code want}, at most {@code surge} not ready at a time
     * @param ready    its ready replicas as the gateway reports them (or, before the gateway reported it since a
     *                 restart, the planned ones: a restart does not move traffic)
     * @param known    whether the gateway reported it: no step is taken on planned counts alone
     */
    private record Cohort(String name, int share, int want, int replicas, int ready, boolean known) {

        boolean allReady() {
            return want == 0 || known && ready >= want;
        }

        /** The ready replicas the gateway reports (none while it does not report the revision). */
        int readyReported() {
            return known ? ready : 0;
        }

        /** Its weight at {@code weight} % with the replicas ready now; see {@link ServingPlanner#servable}. */
        int servable(int weight, int desired) {
            return ServingPlanner.servable(weight, ready, replicasFor(desired, weight));
        }

        /** This cohort keeping at least the replicas {@code before} planned (a step passed: it only grows). */
        Cohort atLeast(Cohort before) {
            return new Cohort(name, share, want, Math.min(want, Math.max(replicas, before.replicas())), ready, known);
        }
    }

    private Cohort cohort(String name, int share, int desired, RevisionSamples samples, int surge) {
        int want = replicasFor(desired, share);
        int planned = plannedReplicas(name);
        boolean known = samples.knows(name);
        int ready = known ? samples.ready(name) : planned;
        return new Cohort(name, share, want, Math.min(want, Math.max(planned, ready + surge)), ready, known);
    }

    /**
     * How long a step may wait for its replicas to be ready: ten cold starts, at least {@value #MIN_PROGRESS_SECONDS}
     * s (a replica placed at once is ready after one cold start; ten leave room for a full cluster freeing capacity
     * and for restarts).
     */
    static Duration progressDeadline(Spec spec) {
        return Duration.ofSeconds(Math.max(MIN_PROGRESS_SECONDS, 10L * Math.max(0, spec.coldStartSeconds())));
    }

    private static int minRequests(RolloutPolicy policy) {
        return Math.max(1, policy.minRequests() == null ? 0 : policy.minRequests());
    }

    /** The rollout in another phase or step, from {@code now} on, with the verdict given. */
    private static Rollout moved(Rollout r, String phase, int step, Instant now, String verdict) {
        return new Rollout(r.from(), r.to(), phase, step, now, verdict, r.baselineP99LatencyMs());
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
