package dev.capstan.autoscaler.domain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-step policy scenario shared by the baseline tests: warm up at {@code warmRps} for
 * {@code warmSeconds} from {@code startReplicas}, run {@code seconds} at {@code rps}, then want this
 * replica count and reason.
 */
record Scenario(String name, int startReplicas, double warmRps, int warmSeconds, double rps, int seconds,
        int wantReplicas, Reason wantReason) {

    /** Runs the scenario on a fresh feed and checks the last decision. */
    void check(ScalingSettings settings, PolicyKind kind) {
        Feed feed = new Feed(settings, kind, startReplicas);
        feed.run(warmSeconds, warmRps);
        feed.replicas = startReplicas;
        ScaleDecision d = feed.run(seconds, rps);
        assertThat(d.desiredReplicas()).as(name).isEqualTo(wantReplicas);
        assertThat(d.reason()).as(name).isEqualTo(wantReason);
    }

    @Override
    public String toString() {
        return name;
    }
}
