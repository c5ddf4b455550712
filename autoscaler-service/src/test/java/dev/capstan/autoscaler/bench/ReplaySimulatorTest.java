package dev.capstan.autoscaler.bench;

import dev.capstan.traces.Trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.capstan.autoscaler.domain.FixedPolicy;
import dev.capstan.autoscaler.domain.PolicyInput;
import dev.capstan.autoscaler.domain.Proposal;
import dev.capstan.autoscaler.domain.Reason;
import dev.capstan.autoscaler.domain.ScalingPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's replay model, checked on small hand-computed cases. */
class ReplaySimulatorTest {

    static Trace trace(double... perSecond) {
        return new Trace("t", perSecond);
    }

    /** 12 s of demand alternating 3 and 1 per second. */
    static double[] alternating() {
        double[] d = new double[12];
        for (int t = 0; t < d.length; t++) {
            d[t] = t % 2 == 0 ? 3 : 1;
        }
        return d;
    }

    @Test
    void replicasServeOnlyAfterTheColdStartAndCostWhileStarting() {
        // Asked for at t = 2 (first tick), ready at 2 + 5 = 7; 10 s of 1 rps: seconds 7, 8, 9 are served.
        ReplaySimulator.Result r = ReplaySimulator.replay(trace(1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                ReplaySimulator.settings("t", 1, 5, 0), new FixedPolicy(1));
        assertThat(r.served()).isEqualTo(3.0);
        assertThat(r.replicaSeconds()).isEqualTo(8); // seconds 2..9, starting or ready
        assertThat(r.scaleEvents()).isEqualTo(1);
        assertThat(r.bursts()).containsExactly(7); // seconds 0..6 dropped demand
    }

    @Test
    void withoutAQueueDemandAboveCapacityIsLostInItsSecond() {
        // Cold start 0: the replicas are ready from t = 2. Demand alternates 3 and 1 against 2 replicas.
        double[] d = alternating();
        ReplaySimulator.Result r = ReplaySimulator.replay(trace(d), ReplaySimulator.settings("t", 1, 0, 0), new FixedPolicy(2));
        // t = 0, 1 at zero (4 lost); from t = 2 each even second loses 1 (5 seconds: 2, 4, 6, 8, 10).
        assertThat(r.demand()).isEqualTo(24.0);
        assertThat(r.served()).isCloseTo(24 - 4 - 5, within(1e-9));
    }

    @Test
    void aQueueServesTheExcessInTheNextSecondWithinItsBound() {
        double[] d = alternating();
        // Same demand, 2 s queue: an even second's extra request is served in the odd second after it. The 4
        // requests of t = 0 and 1 (no replica yet) become a backlog of 4 that 2 replicas serve oldest first: 1 of
        // t = 0's ages out at t = 3 (the only drop: one unserved burst of 1 s), and a backlog of 3 is still waiting
        // when the trace ends (unserved, not dropped). 24 − 1 − 3 = 20, against 15 without the queue.
        ReplaySimulator.Result r = ReplaySimulator.replay(trace(d), ReplaySimulator.settings("t", 1, 0, 2), new FixedPolicy(2));
        assertThat(r.served()).isCloseTo(20, within(1e-9));
        assertThat(r.bursts()).containsExactly(1);
    }

    @Test
    void demandOlderThanTheBoundIsDropped() {
        // One replica (ready from t = 2, cold 0) and a burst of 10 at t = 2: it serves 1 per second; what has waited
        // more than 2 s (t = 2's requests at t = 5) is dropped.
        ReplaySimulator.Result r = ReplaySimulator.replay(trace(0, 0, 10, 0, 0, 0, 0, 0),
                ReplaySimulator.settings("t", 1, 0, 2), new FixedPolicy(1));
        assertThat(r.served()).isEqualTo(3.0); // at t = 2, 3 and 4
    }

    @Test
    void theSecondBySecondReportAddsUpToTheTotals() {
        // What --timeline prints comes from the same replay: its seconds must add up to the totals.
        double[] d = alternating();
        java.util.List<ReplaySimulator.Second> seconds = new java.util.ArrayList<>();
        ReplaySimulator.Result r = ReplaySimulator.replay(trace(d), ReplaySimulator.settings("t", 1, 3, 0),
                new FixedPolicy(2), 0, seconds::add);
        assertThat(seconds).hasSize(d.length);
        assertThat(seconds.stream().mapToDouble(ReplaySimulator.Second::demand).sum()).isEqualTo(r.demand());
        assertThat(seconds.stream().mapToDouble(ReplaySimulator.Second::dropped).sum())
                .isCloseTo(r.demand() - r.served(), within(1e-9)); // drop model: nothing left waiting
        assertThat(seconds.stream().mapToLong(ReplaySimulator.Second::replicas).sum()).isEqualTo(r.replicaSeconds());
        assertThat(seconds.get(0).lastDecision()).isNull();
        assertThat(seconds.get(d.length - 1).lastDecision().desiredReplicas()).isEqualTo(2);
        assertThat(seconds.get(4).ready()).isZero(); // asked at t = 2, ready at 2 + 3 = 5
        assertThat(seconds.get(5).ready()).isEqualTo(2);
    }

    /** Asks for {@code before} replicas until {@code untilSecond}, then for {@code after}. */
    record Steps(long untilSecond, int before, int after) implements ScalingPolicy {
        @Override
        public String name() {
            return "steps";
        }

        @Override
        public Duration tickInterval() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Duration history() {
            return Duration.ofMinutes(1);
        }

        @Override
        public Proposal propose(PolicyInput in) {
            return new Proposal(in.nowMillis() < untilSecond * 1000 ? before : after, Reason.STABLE, Map.of());
        }
    }

    /** Asks for as many replicas as requests came in the second before the tick. */
    record LastSecond() implements ScalingPolicy {
        @Override
        public String name() {
            return "last-second";
        }

        @Override
        public Duration tickInterval() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Duration history() {
            return Duration.ofMinutes(1);
        }

        @Override
        public Proposal propose(PolicyInput in) {
            return new Proposal((int) Math.round(in.windows().rate(in.nowMillis(), 1)), Reason.STABLE, Map.of());
        }
    }

    @Test
    void replicasThatComeLateStartTheirColdStartLate() {
        // Asked for at t = 2, exists from 3, ready at 3 + 5 = 8: seconds 8 and 9 are served; it costs 3..9.
        ReplaySimulator.Result r = ReplaySimulator.replay(trace(1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                ReplaySimulator.settings("t", 1, 5, 0), new FixedPolicy(1), 0,
                new ReplaySimulator.Timing(false, 0, 1, 0), null);
        assertThat(r.served()).isEqualTo(2.0);
        assertThat(r.replicaSeconds()).isEqualTo(7);
    }

    @Test
    void ticksOffsetBySecondFallOnTheOddSeconds() {
        // The first tick is at t = 1: ready at 1 + 5 = 6, seconds 6..9 served; it costs 1..9.
        ReplaySimulator.Result r = ReplaySimulator.replay(trace(1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                ReplaySimulator.settings("t", 1, 5, 0), new FixedPolicy(1), 0,
                new ReplaySimulator.Timing(false, 1, 0, 0), null);
        assertThat(r.served()).isEqualTo(4.0);
        assertThat(r.replicaSeconds()).isEqualTo(9);
    }

    @Test
    void aReleasedReplicaCostsUntilItIsGone() {
        // 2 replicas from t = 2, 1 from the tick at 6: 4 × 2 + 4 = 12 replica-seconds over 10 s at once; the released
        // one costs 1 or 3 more seconds when it goes 1 or 3 s late.
        double[] d = new double[10];
        for (int downDelay : new int[] {0, 1, 3}) {
            ReplaySimulator.Result r = ReplaySimulator.replay(trace(d), ReplaySimulator.settings("t", 1, 0, 0),
                    new Steps(6, 2, 1), 0, new ReplaySimulator.Timing(false, 0, 0, downDelay), null);
            assertThat(r.replicaSeconds()).as("released %d s late", downDelay).isEqualTo(12 + downDelay);
        }
    }

    @Test
    void aTickThatMissesTheNewestSampleDecidesOnTheOneBefore() {
        // 0 requests in second 0, 5 in second 1: the tick at t = 2 asks for 5 replicas on the sample of second 1, or
        // for none when that sample arrives after it (then the tick at 4 asks for 0, second 3's count).
        double[] d = {0, 5, 0, 0, 0, 0};
        java.util.List<ReplaySimulator.Second> seen = new java.util.ArrayList<>();
        ReplaySimulator.replay(trace(d), ReplaySimulator.settings("t", 1, 0, 0), new LastSecond(), 0,
                ReplaySimulator.Timing.OFFLINE, seen::add);
        java.util.List<ReplaySimulator.Second> unseen = new java.util.ArrayList<>();
        ReplaySimulator.replay(trace(d), ReplaySimulator.settings("t", 1, 0, 0), new LastSecond(), 0,
                new ReplaySimulator.Timing(true, 0, 0, 0), unseen::add);
        assertThat(seen.get(2).replicas()).isEqualTo(5);
        assertThat(unseen.get(2).replicas()).isZero();
    }
}
