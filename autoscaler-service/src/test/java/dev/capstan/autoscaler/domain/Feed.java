package dev.capstan.autoscaler.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Test driver: feeds one 1 s sample per simulated second and lets the autoscaler decide at its tick, treating
 * every decision as carried out at once with all replicas ready (unless told otherwise).
 */
final class Feed {
    final ServiceAutoscaler autoscaler;
    int t;
    int replicas;
    final List<ScaleDecision> decisions = new ArrayList<>();

    Feed(ScalingSettings settings, PolicyKind kind, int replicas) {
        this(new ServiceAutoscaler(settings, kind), replicas);
    }

    Feed(ServiceAutoscaler autoscaler, int replicas) {
        this.autoscaler = autoscaler;
        this.replicas = replicas;
    }

    /** Runs {@code seconds} seconds at {@code rps} requests per second; returns the last decision. */
    ScaleDecision run(int seconds, double rps) {
        ScaleDecision last = null;
        int tick = (int) autoscaler.policy().tickInterval().toSeconds();
        for (int i = 0; i < seconds; i++) {
            autoscaler.observe(new RateSample(Instant.ofEpochSecond(t), 1, rps, 0));
            t++;
            if (t % tick == 0) {
                last = decide();
            }
        }
        return last;
    }

    /** Lets {@code seconds} pass with no samples at all (a silent gateway). */
    ScaleDecision silence(int seconds) {
        ScaleDecision last = null;
        int tick = (int) autoscaler.policy().tickInterval().toSeconds();
        for (int i = 0; i < seconds; i++) {
            t++;
            if (t % tick == 0) {
                last = decide();
            }
        }
        return last;
    }

    private ScaleDecision decide() {
        ScaleDecision d = autoscaler.decide(Instant.ofEpochSecond(t), replicas, replicas);
        decisions.add(d);
        replicas = d.desiredReplicas();
        return d;
    }
}
