package dev.capstan.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alert rules pass promtool, the PrometheusRule carries exactly them, and every dashboard is Grafana JSON on a
 * Prometheus datasource variable whose queries select only metrics the services register.
 */
class AlertRulesAndDashboardsTest {

    static final Path RULES = Manifests.DEPLOY.resolve("prometheus/capstan-alerts.rules.yaml");

    /**
     * Metrics the services do not register themselves but get from Quarkus' Micrometer binders (Kafka clients) or
     * from Prometheus (up). Their names were read off a running service's /q/metrics; DashboardQueriesIT in e2e-tests
     * runs every query against a Prometheus scraping the live stack.
     */
    static final Set<String> FRAMEWORK_METRICS = Set.of("kafka_consumer_fetch_manager_records_lag_max",
            "kafka_consumer_fetch_manager_records_consumed_total", "kafka_producer_record_send_total", "up");

    @Test
    void promtoolAcceptsTheRules() {
        String out = Manifests.run(List.of("promtool", "check", "rules", RULES.toString()));
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void promtoolRefusesABrokenRule() throws IOException {
        Path broken = Files.createTempFile("broken", ".rules.yaml");
        try {
            Files.writeString(broken, Manifests.read(RULES).replace("max(capstan_scheduler_gpus_stranded) >= 1",
                    "max(capstan_scheduler_gpus_stranded >= 1"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifests.run(List.of("promtool", "check",
                    "rules", broken.toString()))).hasMessageContaining("exited 1");
        } finally {
            Files.delete(broken);
        }
    }

    @Test
    void thePrometheusRuleCarriesExactlyTheRulesFile() throws IOException {
        JsonNode file = Manifests.YAML.readTree(RULES.toFile());
        for (String overlay : Manifests.OVERLAYS) {
            ObjectNode rule = Manifests.named(Manifests.render(overlay), "PrometheusRule", "capstan-alerts");
            assertThat(rule.path("spec").path("groups")).as(overlay + " (run render-prometheusrule.sh)")
                    .isEqualTo(file.path("groups"));
        }
        List<String> alerts = new ArrayList<>();
        file.path("groups").forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").asText())));
        assertThat(alerts).contains("CapstanStrandedGpus", "CapstanQueueWaitHigh", "CapstanConsumerLagHigh",
                "CapstanDeadLetters");
    }

    @Test
    void everyRuleAndDashboardQuerySelectsMetricsTheServicesRegister() {
        Set<String> meters = ServiceSources.meterNames();
        assertThat(meters).as("the meters read from the services' code")
                .contains("capstan_scheduler_admitted", "capstan_scheduler_gpus_stranded",
                        "capstan_autoscaler_decisions", "capstan_autoscaler_rollout_verdicts");
        Map<String, String> unknown = new TreeMap<>();
        for (String expr : allQueries()) {
            for (String metric : PromQl.metricNames(expr)) {
                if (!FRAMEWORK_METRICS.contains(metric) && PromQl.meterOf(metric, meters) == null) {
                    unknown.put(metric, expr);
                }
            }
        }
        assertThat(unknown).as("metrics no service registers").isEmpty();
    }

    @Test
    void theMetricCheckCatchesATypo() {
        Set<String> meters = ServiceSources.meterNames();
        assertThat(PromQl.metricNames("sum by (queue) (rate(capstan_scheduler_admited_total{queue=\"a\"}[5m]))"))
                .containsExactly("capstan_scheduler_admited_total");
        assertThat(PromQl.meterOf("capstan_scheduler_admited_total", meters)).isNull();
        assertThat(PromQl.meterOf("capstan_scheduler_queue_wait_seconds_bucket", meters))
                .isEqualTo("capstan_scheduler_queue_wait");
        assertThat(PromQl.meterOf("capstan_scheduler_queue_oldest_wait_seconds", meters))
                .isEqualTo("capstan_scheduler_queue_oldest_wait");
    }

    @Test
    void everyDashboardIsGrafanaJsonOnAPrometheusDatasourceVariableAndIsShipped() {
        List<Path> files = dashboards();
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        Set<String> uids = new TreeSet<>();
        for (Path f : files) {
            JsonNode d = dashboard(f);
            uids.add(d.path("uid").asText());
            JsonNode variable = d.path("templating").path("list").get(0);
            assertThat(variable.path("type").asText()).isEqualTo("datasource");
            assertThat(variable.path("query").asText()).isEqualTo("prometheus");
            assertThat(d.path("panels")).isNotEmpty();
            d.path("panels").forEach(p -> {
                assertThat(p.path("datasource").path("uid").asText()).as(f + " " + p.path("title"))
                        .isEqualTo("${datasource}");
                assertThat(p.path("targets")).as(f + " " + p.path("title")).isNotEmpty();
                p.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
            });
        }
        assertThat(uids).hasSameSizeAs(files);
        // Shipped: the ConfigMap of the rendered manifests holds every file, unchanged.
        ObjectNode cm = Manifests.named(Manifests.render("prod"), "ConfigMap", "capstan-dashboards");
        assertThat(cm.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        for (Path f : files) {
            assertThat(cm.path("data").path(f.getFileName().toString()).asText()).isEqualTo(Manifests.read(f));
        }
        // The panels the deploy issue asks for.
        String all = String.join("\n", allQueries());
        assertThat(all).contains("capstan_scheduler_gpus_allocated", "capstan_scheduler_gpus_stranded",
                "capstan_scheduler_queue_wait_seconds_bucket", "capstan_scheduler_admitted_total",
                "capstan_scheduler_cycle_seconds_bucket", "capstan_autoscaler_decisions_total",
                "capstan_autoscaler_rollout_verdicts_total", "kafka_consumer_fetch_manager_records_lag_max");
    }

    /** Every dashboard panel query and alert expression. */
    static List<String> allQueries() {
        List<String> out = new ArrayList<>(dashboardQueries().values());
        try {
            Manifests.YAML.readTree(RULES.toFile()).path("groups").forEach(g -> g.path("rules")
                    .forEach(r -> out.add(r.path("expr").asText())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** "dashboard / panel / refId" → query, of every dashboard file. */
    static Map<String, String> dashboardQueries() {
        Map<String, String> out = new TreeMap<>();
        for (Path f : dashboards()) {
            JsonNode d = dashboard(f);
            d.path("panels").forEach(p -> p.path("targets").forEach(t -> out.put(d.path("uid").asText() + " / "
                    + p.path("title").asText() + " / " + t.path("refId").asText(), t.path("expr").asText())));
        }
        return out;
    }

    static List<Path> dashboards() {
        try (Stream<Path> s = Files.list(Manifests.DEPLOY.resolve("grafana"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode dashboard(Path f) {
        try {
            return Manifests.JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new AssertionError(f + " is not JSON: " + e.getMessage(), e);
        }
    }
}
