package dev.capstan.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which point is a metric's latest: MLflow's order of step, then timestamp, then value. */
class MetricPointTest {

    record Case(String name, MetricPoint point, MetricPoint other, boolean wantSupersedes) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static MetricPoint p(double value, long timestamp, long step) {
        return new MetricPoint("loss", value, timestamp, step);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("higher step, older timestamp", p(0.5, 1, 2), p(0.4, 9, 1), true),
                new Case("lower step logged later", p(0.5, 9, 1), p(0.4, 1, 2), false),
                new Case("same step, later timestamp", p(0.1, 2, 1), p(0.9, 1, 1), true),
                new Case("same step and timestamp, greater value", p(0.9, 1, 1), p(0.1, 1, 1), true),
                new Case("the same point", p(0.5, 1, 1), p(0.5, 1, 1), false),
                new Case("NaN above every number", p(Double.NaN, 1, 1), p(Double.POSITIVE_INFINITY, 1, 1), true),
                new Case("a number below NaN", p(1e308, 1, 1), p(Double.NaN, 1, 1), false),
                new Case("negative steps", p(0, 1, -1), p(0, 1, -2), true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void latestIsHighestStepThenTimestampThenValue(Case c) {
        assertThat(c.point().supersedes(c.other())).as(c.name()).isEqualTo(c.wantSupersedes());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void latestByKeyAgreesWithSupersedesWhicheverComesFirst(Case c) {
        MetricPoint want = c.wantSupersedes() ? c.point() : c.other();
        assertThat(MetricPoint.latestByKey(List.of(c.point(), c.other())).get("loss")).as(c.name()).isEqualTo(want);
        assertThat(MetricPoint.latestByKey(List.of(c.other(), c.point())).get("loss")).as(c.name()).isEqualTo(want);
    }
}
