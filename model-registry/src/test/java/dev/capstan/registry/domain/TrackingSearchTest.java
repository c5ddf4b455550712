package dev.capstan.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.registry.domain.TrackingSearch.Comparator;
import dev.capstan.registry.domain.TrackingSearch.Condition;
import dev.capstan.registry.domain.TrackingSearch.Entity;
import dev.capstan.registry.domain.TrackingSearch.OrderTerm;
import dev.capstan.registry.domain.TrackingSearch.Value;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The run-search grammar the tracking API answers, and the order-by terms: what each means, what is refused. */
class TrackingSearchTest {

    record Filter(String name, String filter, List<Condition> want) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Refused(String name, String filter, String wantMessage) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Order(String name, List<String> orderBy, boolean runs, List<OrderTerm> want) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Condition metric(String key, Comparator op, double v) {
        return new Condition(Entity.METRIC, key, op, new Value.Number(v));
    }

    private static Condition text(Entity entity, String key, Comparator op, String v) {
        return new Condition(entity, key, op, new Value.Text(v));
    }

    static Stream<Filter> filters() {
        return Stream.of(
                new Filter("none", null, List.of()),
                new Filter("blank", "  ", List.of()),
                new Filter("metric above", "metrics.accuracy > 0.9", List.of(metric("accuracy", Comparator.GT, 0.9))),
                new Filter("metric. prefix, no spaces, negative exponent", "metric.loss<=1e-3",
                        List.of(metric("loss", Comparator.LE, 0.001))),
                new Filter("negative number", "metrics.delta >= -2", List.of(metric("delta", Comparator.GE, -2))),
                new Filter("leading point", "metrics.x < .5", List.of(metric("x", Comparator.LT, 0.5))),
                new Filter("quoted key with a slash", "metrics.`val/loss` != 0",
                        List.of(metric("val/loss", Comparator.NE, 0))),
                new Filter("dotted key", "params.optimizer.lr = '0.1'",
                        List.of(text(Entity.PARAM, "optimizer.lr", Comparator.EQ, "0.1"))),
                new Filter("param LIKE", "parameters.lr LIKE '0.0%'",
                        List.of(text(Entity.PARAM, "lr", Comparator.LIKE, "0.0%"))),
                new Filter("tag ILIKE in double quotes", "tag.team ilike \"RISK\"",
                        List.of(text(Entity.TAG, "team", Comparator.ILIKE, "RISK"))),
                new Filter("double-quoted tag key", "tags.\"mlflow.runName\" = 'a'",
                        List.of(text(Entity.TAG, "mlflow.runName", Comparator.EQ, "a"))),
                new Filter("bare attribute", "status = 'RUNNING'",
                        List.of(text(Entity.ATTRIBUTE, "status", Comparator.EQ, "RUNNING"))),
                new Filter("attr. prefix, case of the name", "attr.Run_Name != 'x'",
                        List.of(text(Entity.ATTRIBUTE, "run_name", Comparator.NE, "x"))),
                new Filter("numeric attribute", "attributes.start_time > 1767000000000",
                        List.of(new Condition(Entity.ATTRIBUTE, "start_time", Comparator.GT,
                                new Value.Number(1767000000000.0)))),
                new Filter("IN", "run.run_id IN ('a', 'b''c')", List.of(new Condition(Entity.ATTRIBUTE, "run_id",
                        Comparator.IN, new Value.Texts(List.of("a", "b'c"))))),
                new Filter("AND of three", "metrics.a > 1 AND params.p = 'x' and tags.t = 'y'",
                        List.of(metric("a", Comparator.GT, 1), text(Entity.PARAM, "p", Comparator.EQ, "x"),
                                text(Entity.TAG, "t", Comparator.EQ, "y"))),
                new Filter("a range on one metric", "metrics.a > 1 and metrics.a < 2",
                        List.of(metric("a", Comparator.GT, 1), metric("a", Comparator.LT, 2))));
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("OR", "metrics.a > 1 OR metrics.a < 0", "OR is not supported"),
                new Refused("parentheses", "(metrics.a > 1)", "parentheses are not supported"),
                new Refused("NOT IN", "attributes.run_id NOT IN ('a')", "'NOT' is not supported"),
                new Refused("IS NULL", "metrics.a IS NULL", "'IS' is not supported"),
                new Refused("a metric against text", "metrics.a > '1'", "compared with a number"),
                new Refused("a param against a number", "params.lr = 0.1", "compared with a quoted text"),
                new Refused("order comparison on a param", "params.lr > '0.1'", "comparator > is not supported"),
                new Refused("LIKE on a metric", "metrics.a LIKE '1%'", "comparator LIKE is not supported"),
                new Refused("LIKE on a time", "attributes.start_time LIKE '1%'", "comparator LIKE is not supported"),
                new Refused("IN on a param", "params.lr IN ('1')", "comparator IN is not supported"),
                new Refused("unknown attribute", "attributes.artifact_uri = 'x'", "attribute 'artifact_uri'"),
                new Refused("unknown prefix", "datasets.name = 'x'", "'datasets' is not a kind of key"),
                new Refused("unquoted slash in a key", "metrics.val/loss < 1", "quote a key with other characters"),
                new Refused("prefix without key", "metrics. > 1", "names no key"),
                new Refused("<> is not MLflow's", "metrics.a <> 1", "expected a comparator"),
                new Refused("missing AND", "metrics.a > 1 metrics.b > 1", "expected AND"),
                new Refused("trailing AND", "metrics.a > 1 AND", "filter ends where"),
                new Refused("missing value", "metrics.a >", "filter ends where a value"),
                new Refused("unterminated", "params.a = 'x", "unterminated '"),
                new Refused("IN without a list", "status IN 'a'", "IN takes a list in parentheses"),
                new Refused("IN with a number", "status IN ('a', 1)", "the IN list holds quoted texts"),
                new Refused("IN unclosed", "status IN ('a' 'b')", "expected , or )"),
                new Refused("too long", "metrics.a > " + "1".repeat(10_001), "longer than 10000"));
    }

    static Stream<Order> orders() {
        return Stream.of(
                new Order("none", null, true, List.of()),
                new Order("metric descending", List.of("metrics.acc DESC"), true,
                        List.of(new OrderTerm(Entity.METRIC, "acc", false))),
                new Order("ascending by default, quoted key, several terms",
                        List.of("params.`lr rate`", "attributes.start_time asc", "end_time DESC"), true,
                        List.of(new OrderTerm(Entity.PARAM, "lr rate", true),
                                new OrderTerm(Entity.ATTRIBUTE, "start_time", true),
                                new OrderTerm(Entity.ATTRIBUTE, "end_time", false))),
                new Order("experiments: MLflow's default", List.of(), false,
                        TrackingSearch.EXPERIMENT_DEFAULT_ORDER),
                new Order("experiments by name", List.of("name DESC"), false,
                        List.of(new OrderTerm(Entity.ATTRIBUTE, "name", false))));
    }

    @ParameterizedTest
    @MethodSource("filters")
    void readsWhatAFilterMeans(Filter c) {
        assertThat(TrackingSearch.runFilter(c.filter())).as(c.name()).isEqualTo(c.want());
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWhatItCannotAnswerSayingWhat(Refused c) {
        assertThatThrownBy(() -> TrackingSearch.runFilter(c.filter())).as(c.name())
                .isInstanceOf(MlflowFilter.Unsupported.class).hasMessageContaining(c.wantMessage());
    }

    @ParameterizedTest
    @MethodSource("orders")
    void readsOrderTerms(Order c) {
        assertThat(c.runs() ? TrackingSearch.runOrder(c.orderBy()) : TrackingSearch.experimentOrder(c.orderBy()))
                .as(c.name()).isEqualTo(c.want());
    }

    @ParameterizedTest
    @MethodSource("refusedOrders")
    void refusesOrderTermsItCannotApply(Refused c) {
        assertThatThrownBy(() -> {
            if (c.name().startsWith("experiments")) {
                TrackingSearch.experimentOrder(List.of(c.filter()));
            } else {
                TrackingSearch.runOrder(List.of(c.filter()));
            }
        }).as(c.name()).isInstanceOf(MlflowFilter.Unsupported.class).hasMessageContaining(c.wantMessage());
    }

    static Stream<Refused> refusedOrders() {
        return Stream.of(
                new Refused("runs: unknown direction", "metrics.acc UP", "expected ASC or DESC"),
                new Refused("runs: more than key and direction", "metrics.acc DESC x", "more than a key"),
                new Refused("runs: unknown attribute", "attributes.artifact_uri", "attribute 'artifact_uri'"),
                new Refused("experiments: a metric", "metrics.acc", "attributes only"),
                new Refused("experiments: a run attribute", "start_time", "attribute 'start_time'"));
    }
}
