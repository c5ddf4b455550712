package dev.capstan.autoscaler.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.ScalingEvent.RevisionsPlanned;
import dev.capstan.events.ScalingEvent.Rollout;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven tests of {@link ServingPlanner#verdict}: each ended rollout is counted once, with its phase. */
class RolloutVerdictTest {

    static final Instant T = Instant.parse("2026-12-03T00:00:00Z");

    record Case(String name, RevisionsPlanned before, RevisionsPlanned after, Optional<String> want) {
    }

    static RevisionsPlanned plan(String phase, String to) {
        Rollout r = phase == null ? null : new Rollout("chat-v1", to, phase, 0, T, "figures", null);
        return new RevisionsPlanned("chat", "q", "img", null, 5, List.of(), "why", r, T);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no rollout: no verdict", plan(null, null), plan(null, null), Optional.empty()),
                new Case("a canary step is no verdict", plan(ServingPlanner.SURGING, "chat-v2"),
                        plan(ServingPlanner.CANARY, "chat-v2"), Optional.empty()),
                new Case("canary to rolled back", plan(ServingPlanner.CANARY, "chat-v2"),
                        plan(ServingPlanner.ROLLED_BACK, "chat-v2"), Optional.of("rolled-back")),
                new Case("canary to promoted", plan(ServingPlanner.CANARY, "chat-v2"),
                        plan(ServingPlanner.PROMOTED, "chat-v2"), Optional.of("promoted")),
                new Case("stopped", plan(ServingPlanner.CANARY, "chat-v2"),
                        plan(ServingPlanner.STOPPED, "chat-v2"), Optional.of("stopped")),
                new Case("a later plan that still carries the promotion is not counted again",
                        plan(ServingPlanner.PROMOTED, "chat-v2"), plan(ServingPlanner.PROMOTED, "chat-v2"),
                        Optional.empty()),
                new Case("the next rollout's own promotion is counted",
                        plan(ServingPlanner.PROMOTED, "chat-v2"), plan(ServingPlanner.PROMOTED, "chat-v3"),
                        Optional.of("promoted")),
                new Case("first plan after a restart ends a rollout", null,
                        plan(ServingPlanner.ROLLED_BACK, "chat-v2"), Optional.of("rolled-back")),
                new Case("no new plan: nothing", plan(ServingPlanner.CANARY, "chat-v2"), null, Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdict(Case c) {
        assertThat(ServingPlanner.verdict(c.before(), c.after())).as(c.name()).isEqualTo(c.want());
    }
}
