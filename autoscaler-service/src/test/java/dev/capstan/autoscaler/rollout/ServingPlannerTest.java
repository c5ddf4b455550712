package dev.capstan.autoscaler.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.Resources;
import dev.capstan.events.RolloutPolicy;
import dev.capstan.events.ScalingEvent.Revision;
import dev.capstan.events.ScalingEvent.RevisionsPlanned;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rollout state machine, tick by tick, with a gateway that reports what the plan lets it serve. */
class ServingPlannerTest {

    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    static final ServingPlanner.Spec SPEC = new ServingPlanner.Spec("chat", "serving", "serve:1",
            new Resources(1, 500, List.of(), 1000, 4096), 20, "chat@production",
            new RolloutPolicy(1, List.of(10, 50, 100), 30, 100, 1.0, 1.5));

    /**
     * A planner driven second by second: replicas become ready a few seconds after they are planned; 20 rps are split
     * by the weights; each replica serves up to {@value #CAPACITY} rps, and a revision's p99 grows with its replicas'
     * load as a queue's does (its version's idle latency, 40 ms unless set, over 1 − 0.9 × utilisation).
     */
    static final class World {
        static final double CAPACITY = 5;
        final ServingPlanner planner = new ServingPlanner();
        final RevisionSamples samples = new RevisionSamples(600_000);
        final ModelAliases models = new ModelAliases();
        /** Error rate per model version ("v2"), of every revision serving it. */
        final Map<String, Double> errorRate = new HashMap<>();
        /** Idle p99 latency per model version ("v2"): 40 ms unless set. */
        final Map<String, Double> latency = new HashMap<>();
        /** Fractions of errors not yet reported, per revision. */
        final Map<String, Double> carry = new HashMap<>();
        final List<RevisionsPlanned> published = new ArrayList<>();
        final List<ServingPlanner.AliasRestore> restores = new ArrayList<>();
        /** Ready replicas per revision, and when planned replicas become ready (seconds). */
        final Map<String, Integer> ready = new HashMap<>();
        int desired = 5;
        ServingPlanner.Spec spec = SPEC;
        long second;
        int readyDelay = 3;
        final Map<String, Long> plannedAt = new HashMap<>();

        World alias(int version) {
            models.apply(new dev.capstan.events.ModelEvent.ModelVersionRegistered("chat", version, "s3://chat/"
                    + version, null, T0, null, null, null));
            models.apply(new dev.capstan.events.ModelEvent.ModelAliasMoved("chat", "production", null, version,
                    "test", T0, null));
            return this;
        }

        /** Runs {@code seconds} ticks: the gateway's samples of the plan in force, then a decision. */
        World run(int seconds) {
            for (int i = 0; i < seconds; i++) {
                RevisionsPlanned plan = planner.inForce();
                if (plan != null) {
                    long whole = 0;
                    for (Revision r : plan.revisions()) {
                        whole += 20L * r.weight() / 100;
                    }
                    samples.add(RevisionSamples.WHOLE, T0.plusSeconds(second).toEpochMilli(), whole, 0, 40, 0);
                    // Revisions the plan dropped lose their pods; the gateway reports them no more.
                    java.util.Set<String> names = new java.util.HashSet<>();
                    plan.revisions().forEach(r -> names.add(r.name()));
                    ready.keySet().retainAll(names);
                    plannedAt.keySet().removeIf(k -> !names.contains(k.substring(0, k.lastIndexOf('#'))));
                    for (Revision r : plan.revisions()) {
                        plannedAt.putIfAbsent(r.name() + "#" + r.replicas(), second);
                        boolean due = second - plannedAt.get(r.name() + "#" + r.replicas()) >= readyDelay;
                        int now = ready.getOrDefault(r.name(), 0);
                        int up = due ? r.replicas() : Math.min(now, r.replicas());
                        ready.put(r.name(), up);
                        String version = "v" + r.modelVersion();
                        long requests = 20L * r.weight() / 100; // 20 rps in all
                        double owed = carry.merge(r.name(), requests * errorRate.getOrDefault(version, 0.0),
                                Double::sum);
                        long errors = (long) owed;
                        carry.put(r.name(), owed - errors);
                        double utilisation = up == 0 ? 1 : Math.min(1, requests / (up * CAPACITY));
                        double p99 = latency.getOrDefault(version, 40.0) / (1 - 0.9 * utilisation);
                        samples.add(r.name(), T0.plusSeconds(second).toEpochMilli(), requests, errors,
                                Math.round(p99), up);
                    }
                }
                var out = planner.decide(spec, models.resolve(spec.modelRef()).orElse(null), desired, samples,
                        T0.plusSeconds(second));
                if (out.plan() != null) {
                    published.add(out.plan());
                    assertInvariants(out.plan());
                }
                if (out.restore() != null) {
                    restores.add(out.restore());
                }
                second++;
            }
            return this;
        }

        void assertInvariants(RevisionsPlanned p) {
            assertThat(p.revisions().stream().mapToInt(Revision::weight).sum()).as(p.reason()).isEqualTo(100);
            // The stable revision (first) keeps every replica the service needs until a promotion replaces it.
            assertThat(p.revisions().get(0).replicas()).as(p.reason()).isEqualTo(desired);
        }

        RevisionsPlanned last() {
            return planner.inForce();
        }
    }

    static String shape(RevisionsPlanned p) {
        StringBuilder s = new StringBuilder();
        for (Revision r : p.revisions()) {
            s.append(s.isEmpty() ? "" : " ").append(r.name()).append('x').append(r.replicas()).append('@')
                    .append(r.weight());
        }
        return s.toString();
    }

    @Test
    void nothingIsPlannedBeforeTheModelResolvesThenItsVersionServesEverythingAndFollowsTheCount() {
        World w = new World().run(2);
        assertThat(w.published).isEmpty();

        w.alias(1).run(2);
        w.desired = 7;
        w.run(1);

        assertThat(w.published).extracting(ServingPlannerTest::shape).containsExactly("v1x5@100", "v1x7@100");
        assertThat(w.published.get(0).reason()).isEqualTo("serving v1");
        assertThat(w.published.get(1).reason()).isEqualTo("scaled v1 to 7");
    }

    @Test
    void aGoodVersionGoesThroughEveryCanaryStepAndIsPromoted() {
        World w = new World().alias(1).run(5);
        w.alias(2).run(200);

        // Each step's canary beside a baseline of v1 taking the same share on as many replicas; v1 keeps all of its
        // own, for the rest of the traffic and a rollback; the last step has no baseline (v2 takes everything).
        assertThat(w.published).extracting(ServingPlannerTest::shape).containsSubsequence(
                "v1x5@100", "v1x5@100 v2x1@0 v1-baselinex1@0", "v1x5@80 v2x1@10 v1-baselinex1@10",
                "v1x5@80 v2x2@10 v1-baselinex2@10", "v1x5@80 v2x3@10 v1-baselinex3@10",
                "v1x5@0 v2x3@50 v1-baselinex3@50", "v1x5@0 v2x4@50 v1-baselinex3@50",
                "v1x5@0 v2x5@50 v1-baselinex3@50", "v1x5@0 v2x5@100", "v2x5@100");
        assertThat(w.last().rollout().phase()).isEqualTo(ServingPlanner.PROMOTED);
        assertThat(w.last().rollout().verdict()).startsWith("canary passed: errors 0.0 % vs");
        assertThat(w.restores).isEmpty();
    }

    @Test
    void aBadVersionIsRolledBackAtTheFirstWindowAndTheAliasIsAskedBackUntilItMoves() {
        World w = new World().alias(1).run(5);
        w.errorRate.put("v2", 0.08);
        w.alias(2).run(90);

        RevisionsPlanned back = w.last();
        assertThat(shape(back)).isEqualTo("v1x5@100");
        assertThat(back.rollout().phase()).isEqualTo(ServingPlanner.ROLLED_BACK);
        assertThat(back.reason()).startsWith("canary failed: errors");
        assertThat(w.restores).isNotEmpty().allSatisfy(r -> {
            assertThat(r).extracting(ServingPlanner.AliasRestore::model, ServingPlanner.AliasRestore::alias,
                    ServingPlanner.AliasRestore::badVersion, ServingPlanner.AliasRestore::stableVersion)
                    .containsExactly("chat", "production", 2, 1);
            assertThat(r.reason()).startsWith("rolled back by autoscaler-service: canary failed: errors");
        });
        // The verdict came one window after the canary took traffic: 10 % of it never longer than that.
        long canaryPlans = w.published.stream().filter(p -> shape(p).startsWith("v1x5@80")).count();
        assertThat(canaryPlans).isEqualTo(1);

        int asked = w.restores.size();
        w.alias(1).run(3);
        assertThat(w.restores).hasSize(asked);
        assertThat(w.last().rollout()).isNull();
        w.errorRate.remove("v2");
        w.alias(2).run(5);
        assertThat(w.last().rollout().to()).isEqualTo("v2");
        assertThat(w.last().rollout().phase()).isIn(ServingPlanner.SURGING, ServingPlanner.CANARY);
    }

    @Test
    void theAliasMovedTwiceDuringARolloutLeavesOnlyTheLatestVersionBesideTheStableOne() {
        World w = new World().alias(1).run(5);
        w.alias(2).run(10);
        w.alias(3).run(10);

        assertThat(w.last().revisions()).extracting(Revision::name).containsExactly("v1", "v3", "v1-baseline");
        assertThat(w.last().rollout().to()).isEqualTo("v3");
        assertThat(w.last().rollout().verdict()).isEqualTo("superseded v2");
    }

    @Test
    void theAliasMovedBackToTheStableVersionStopsTheRollout() {
        World w = new World().alias(1).run(5);
        w.alias(2).run(10);
        w.alias(1).run(2);

        assertThat(shape(w.last())).isEqualTo("v1x5@100");
        assertThat(w.last().rollout().phase()).isEqualTo(ServingPlanner.STOPPED);
        assertThat(w.restores).isEmpty();
    }

    @Test
    void tooFewRequestsExtendTheWindowInsteadOfJudging() {
        World w = new World().alias(1).run(5);
        w.desired = 5;
        // 20 rps × 10 % = 2 rps on the canary: 100 requests take 50 s, past the 30 s window.
        w.alias(2).run(40);
        assertThat(w.last().rollout().phase()).isEqualTo(ServingPlanner.CANARY);
        assertThat(w.last().rollout().step()).isZero();

        // A pass needs the canary's errors shown within the allowance: no error in about 165 requests (90 % sure of
        // less than 1 point more than v1's), some 80 s at 2 rps.
        w.run(30);
        assertThat(w.last().rollout().step()).isZero();
        w.run(20);
        assertThat(w.last().rollout().step()).isEqualTo(1);
    }

    @Test
    void aRestartedAutoscalerGoesOnFromThePlanItReadsBack() {
        World w = new World().alias(1).run(5);
        w.alias(2).run(20);
        RevisionsPlanned mid = w.last();

        World restarted = new World().alias(1).alias(2);
        restarted.planner.restore(mid);
        // Its first decision, before any sample: traffic stays where the plan in force had it.
        var first = restarted.planner.decide(SPEC, restarted.models.resolve(SPEC.modelRef()).orElseThrow(), 5,
                restarted.samples, T0.plusSeconds(w.second));
        assertThat(first.plan() == null ? mid.revisions() : first.plan().revisions()).isEqualTo(mid.revisions());
        restarted.second = w.second;
        restarted.ready.putAll(w.ready);
        restarted.plannedAt.putAll(w.plannedAt);
        restarted.run(200);

        assertThat(mid.rollout().phase()).isIn(ServingPlanner.SURGING, ServingPlanner.CANARY);
        assertThat(restarted.published).isNotEmpty();
        assertThat(restarted.published.get(0).revisions()).extracting(Revision::name)
                .containsExactly("v1", "v2", "v1-baseline");
        assertThat(shape(restarted.last())).isEqualTo("v2x5@100");
    }

    @Test
    void aCanaryIsComparedWithItsBaselineAtTheSameLoadNotWithTheStableRevisionsSpareReplicas() {
        // At 50 % v1 keeps its 5 replicas for 10 rps (62 ms) while v2 serves 10 rps on 3 (100 ms): a healthy v2
        // would look 1.6 times slower than v1. Its baseline, v1 on 3 replicas for the same 10 rps, is as slow.
        World w = new World().alias(1).run(40);
        w.alias(2).run(200);
        assertThat(shape(w.last())).isEqualTo("v2x5@100");
        assertThat(w.published).extracting(RevisionsPlanned::reason)
                .anyMatch(r -> r.startsWith("step 2 passed (canary passed: errors 0.0 % vs 0.0 %, p99 100 ms vs 100 ms"));
        // The last step, where v2 takes everything, has no baseline: judged on errors only.
        assertThat(w.last().reason()).contains("p99 143 ms (no reference)");

        World slow = new World().alias(1).run(40);
        slow.latency.put("v2", 80.0);
        slow.alias(2).run(100);
        assertThat(slow.last().rollout().phase()).isEqualTo(ServingPlanner.ROLLED_BACK);
        assertThat(slow.last().rollout().verdict()).startsWith("canary failed on latency:")
                .contains("p99 125 ms vs 63 ms");
    }

    @Test
    void aCanaryWhoseServiceGrewDuringItsStepTakesOnlyWhatItsReadyReplicasCanServe() {
        World w = new World().alias(1).run(5);
        w.alias(2).run(1);
        for (int i = 0; i < 300 && !shape(w.last()).equals("v1x5@0 v2x3@50 v1-baselinex3@50"); i++) {
            w.run(1);
        }
        assertThat(shape(w.last())).isEqualTo("v1x5@0 v2x3@50 v1-baselinex3@50");

        w.readyDelay = 1_000; // the new replicas take long to start
        w.desired = 10;
        w.run(1);

        // Step 2 asks v2 and its baseline for 5 replicas each; 3 are ready: 3/5 of 50 % each, the rest on v1.
        assertThat(shape(w.last())).isEqualTo("v1x10@40 v2x4@30 v1-baselinex4@30");
        assertThat(ServingPlanner.servable(100, 7, 8)).isEqualTo(87);
    }

    @Test
    void aClearlyBadCanaryIsRolledBackAsSoonAsItsSampleShowsItNotAtTheEndOfTheWindow() {
        World w = new World().alias(1).run(5);
        // A 5-minute window of at least 40 requests; v2 fails every other request.
        w.spec = new ServingPlanner.Spec("chat", "serving", "serve:1", SPEC.replica(), 20, "chat@production",
                new RolloutPolicy(1, List.of(10, 50, 100), 300, 40, 1.0, 1.5));
        w.errorRate.put("v2", 0.5);
        w.alias(2).run(60);

        assertThat(w.last().rollout().phase()).isEqualTo(ServingPlanner.ROLLED_BACK);
        long canaryStarted = w.published.stream().filter(p -> p.rollout() != null
                && ServingPlanner.CANARY.equals(p.rollout().phase())).findFirst().orElseThrow().plannedAt()
                .getEpochSecond();
        // 2 rps on the canary: 40 requests take 20 s; judged then, not after 300 s.
        assertThat(w.last().plannedAt().getEpochSecond() - canaryStarted).isLessThan(40);
    }

    @Test
    void aVersionWhoseReplicasNeverBecomeReadyIsRolledBackAtItsProgressDeadline() {
        World w = new World().alias(1).run(40);
        w.readyDelay = 10_000; // an image that cannot be pulled: its replicas never answer
        int deadline = (int) ServingPlanner.progressDeadline(SPEC).toSeconds(); // ten cold starts of 20 s
        w.alias(2).run(deadline - 1);
        assertThat(w.last().rollout().phase()).isEqualTo(ServingPlanner.SURGING);

        w.run(2);
        assertThat(shape(w.last())).isEqualTo("v1x5@100");
        assertThat(w.last().rollout().phase()).isEqualTo(ServingPlanner.ROLLED_BACK);
        assertThat(w.last().reason()).isEqualTo(
                "rollout failed: v2 had 0 of 1 replicas ready after 200 s (progress deadline)");
        assertThat(w.restores).isNotEmpty().allSatisfy(r -> assertThat(r.reason()).endsWith("(progress deadline)"));
    }
}
