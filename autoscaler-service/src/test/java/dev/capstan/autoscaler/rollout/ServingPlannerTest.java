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

    /** A planner driven second by second: replicas become ready a few seconds after they are planned. */
    static final class World {
        final ServingPlanner planner = new ServingPlanner();
        final RevisionSamples samples = new RevisionSamples(600_000);
        final ModelAliases models = new ModelAliases();
        final Map<String, Double> errorRate = new HashMap<>();
        /** p99 latency per revision (40 ms unless set). */
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
                    for (Revision r : plan.revisions()) {
                        plannedAt.putIfAbsent(r.name() + "#" + r.replicas(), second);
                        boolean due = second - plannedAt.get(r.name() + "#" + r.replicas()) >= readyDelay;
                        int now = ready.getOrDefault(r.name(), 0);
                        ready.put(r.name(), due ? r.replicas() : Math.min(now, r.replicas()));
                        long requests = 20L * r.weight() / 100; // 20 rps in all
                        double owed = carry.merge(r.name(), requests * errorRate.getOrDefault(r.name(), 0.0),
                                Double::sum);
                        long errors = (long) owed;
                        carry.put(r.name(), owed - errors);
                        samples.add(r.name(), T0.plusSeconds(second).toEpochMilli(), requests, errors,
                                latency.getOrDefault(r.name(), 40.0), ready.get(r.name()));
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

        assertThat(w.published).extracting(ServingPlannerTest::shape).containsSubsequence(
                "v1x5@100", "v1x5@100 v2x1@0", "v1x5@90 v2x1@10", "v1x5@90 v2x2@10", "v1x5@90 v2x3@10",
                "v1x5@50 v2x3@50", "v1x5@50 v2x4@50", "v1x5@50 v2x5@50", "v1x5@0 v2x5@100", "v2x5@100");
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
        long canaryPlans = w.published.stream().filter(p -> shape(p).startsWith("v1x5@90")).count();
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

        assertThat(w.last().revisions()).extracting(Revision::name).containsExactly("v1", "v3");
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

        w.run(30);
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
        assertThat(restarted.published.get(0).revisions()).extracting(Revision::name).containsExactly("v1", "v2");
        assertThat(shape(restarted.last())).isEqualTo("v2x5@100");
    }

    @Test
    void theCanarysLatencyIsHeldToTheStableRevisionsUsualLatencyNotToItsUnderloadedOne() {
        World w = new World().alias(1).run(40);
        // During the rollout v1 keeps every replica for part of the traffic: it answers in 20 ms instead of 40.
        w.latency.put("v1", 20.0);
        w.latency.put("v2", 45.0);
        w.alias(2).run(200);
        assertThat(shape(w.last())).isEqualTo("v2x5@100");
        assertThat(w.last().rollout().baselineP99LatencyMs()).isCloseTo(40.0, org.assertj.core.data.Offset.offset(1.0));

        World slow = new World().alias(1).run(40);
        slow.latency.put("v1", 20.0);
        slow.latency.put("v2", 80.0);
        slow.alias(2).run(100);
        assertThat(slow.last().rollout().phase()).isEqualTo(ServingPlanner.ROLLED_BACK);
        assertThat(slow.last().rollout().verdict()).startsWith("canary failed on latency:").contains("p99 80 ms vs 40 ms");
    }

    @Test
    void aCanaryWhoseServiceGrewDuringItsStepTakesOnlyWhatItsReadyReplicasCanServe() {
        World w = new World().alias(1).run(5);
        w.alias(2).run(1);
        for (int i = 0; i < 300 && !shape(w.last()).equals("v1x5@50 v2x3@50"); i++) {
            w.run(1);
        }
        assertThat(shape(w.last())).isEqualTo("v1x5@50 v2x3@50");

        w.readyDelay = 1_000; // the new replicas take long to start
        w.desired = 10;
        w.run(1);

        // Step 2 asks v2 for 5 replicas; 3 are ready: 3/5 of 50 %.
        assertThat(shape(w.last())).isEqualTo("v1x10@70 v2x4@30");
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
    void theUsualLatencyIsTakenFromSecondsTheStableRevisionServedAloneNotFromAnEarlierRollouts() {
        World w = new World().alias(1).run(60);
        w.latency.put("v1", 20.0); // underloaded while a canary takes part of the traffic
        w.alias(2).run(30);
        w.alias(1).run(5); // stopped: v1 serves alone again, at its usual 40 ms
        w.latency.put("v1", 40.0);
        w.run(10);

        w.alias(3).run(1);

        assertThat(w.last().rollout().to()).isEqualTo("v3");
        assertThat(w.last().rollout().baselineP99LatencyMs()).isEqualTo(40.0);
    }
}
