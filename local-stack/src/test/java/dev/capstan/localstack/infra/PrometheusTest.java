package dev.capstan.localstack.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The real Prometheus local-stack starts: it scrapes a /q/metrics endpoint under the job named for the service and
 * loads deploy/'s alert rules. The endpoint is a small HTTP server of the test serving Prometheus text.
 */
class PrometheusTest {

    static final Path RULES = Path.of("../deploy/prometheus/capstan-alerts.rules.yaml").toAbsolutePath().normalize();

    @Test
    void scrapesEachServiceAsItsOwnJobAndLoadsTheAlertRules() throws Exception {
        HttpServer service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/q/metrics", exchange -> {
            byte[] body = "# TYPE capstan_scheduler_gpus_stranded gauge\ncapstan_scheduler_gpus_stranded 3.0\n"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.start();
        Path dir = Files.createTempDirectory("prometheus-test");
        int port = freePort();
        try (Prometheus prometheus = Prometheus.start(dir, port, Map.of("scheduler-service",
                List.of("127.0.0.1:" + service.getAddress().getPort())), RULES, Duration.ofMillis(500),
                Duration.ofSeconds(30))) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                JsonNode r = get(prometheus.url() + "/api/v1/query?query="
                        + URLEncoder.encode("capstan_scheduler_gpus_stranded", StandardCharsets.UTF_8));
                assertThat(r.path("data").path("result")).singleElement().satisfies(s -> {
                    assertThat(s.path("metric").path("job").asText()).isEqualTo("scheduler-service");
                    assertThat(s.path("value").get(1).asText()).isEqualTo("3");
                });
                // Loaded and evaluated without error (health is "unknown" until a rule's first evaluation).
                JsonNode rules = get(prometheus.url() + "/api/v1/rules");
                assertThat(rules.path("data").path("groups").findValuesAsText("name"))
                        .contains("CapstanStrandedGpus", "CapstanConsumerLagHigh", "CapstanDeadLetters");
                assertThat(rules.path("data").path("groups").findValuesAsText("health")).containsOnly("ok");
            });
        } finally {
            service.stop(0);
        }
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    static int freePort() throws Exception {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
