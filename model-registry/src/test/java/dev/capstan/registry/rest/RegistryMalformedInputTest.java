package dev.capstan.registry.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.rest.testing.Fuzz;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generated malformed requests ({@link Fuzz}) against the registry's native API: no 5xx, every refusal problem+json
 * with the response's status. 10,000 bodies over the three endpoints that take one (create a model, register a
 * version, move an alias) and 10,000 requests with junk in every query parameter and path segment (search, a model,
 * a version, an alias now and at an instant, its history, a rollback, the audit).
 */
@QuarkusTest
class RegistryMalformedInputTest {

    static final String MODEL = """
            {"name":"fuzz-model","description":"d","queue":"team-fuzz","tags":{"k":"v"}}
            """;
    static final String VERSION = """
            {"artifactUri":"s3://fuzz/1","sha256":"ab12","format":"pytorch","params":{"lr":"0.1"},
             "metrics":{"auc":0.9},"tags":{"k":"v"},"description":"d","source":{"workloadId":"wl-1","attempt":1},
             "runId":"run-1","status":"READY"}
            """;
    static final String MOVE = """
            {"version":1,"reason":"fuzz"}
            """;

    @TestHTTPResource("/api/v1/models")
    URI models;

    String model;

    @BeforeEach
    void aModelWithAVersion() {
        model = Fixtures.uniqueModel("fuzz");
        Fixtures.modelWithVersions(model, 2);
    }

    @Test
    void malformedBodiesNeverGet5xxAndEveryRefusalIsAProblem() throws Exception {
        Fuzz fuzz = new Fuzz()
                .run(Fuzz.bodies(MODEL, List.of("name", "description", "queue", "tags", "tags.k", "unknownField"))
                        .sampleStream().limit(4_000).toList(), b -> post(models, b))
                .run(Fuzz.bodies(VERSION, List.of("artifactUri", "sha256", "format", "params", "params.lr", "metrics",
                        "metrics.auc", "tags", "description", "source", "source.workloadId", "source.attempt", "runId",
                        "status")).sampleStream().limit(3_000).toList(),
                        b -> post(URI.create(models + "/" + model + "/versions"), b))
                .run(Fuzz.bodies(MOVE, List.of("version", "reason")).sampleStream().limit(3_000).toList(),
                        b -> HttpRequest.newBuilder(URI.create(models + "/" + model + "/aliases/production"))
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(b)).build());

        String firstViolations = fuzz.report("registry bodies");
        assertThat(fuzz.violations()).as(firstViolations).isEmpty();
        assertThat(fuzz.statuses().keySet()).contains(400, 422);
    }

    @Test
    void junkParametersAndPathSegmentsNeverGet5xxAndEveryRefusalIsAProblem() throws Exception {
        Arbitrary<String> paths = Combinators.combine(Fuzz.junk(), Fuzz.junk(), Arbitraries.integers().between(0, 9))
                .as((a, b, which) -> {
                    String x = Fuzz.enc(a);
                    String y = Fuzz.enc(b);
                    return switch (which) {
                        case 0 -> "?q=" + x + "&page=" + y;
                        case 1 -> "?size=" + x + "&tag=" + y;
                        case 2 -> "/" + x;
                        case 3 -> "/" + model + "/versions/" + x;
                        case 4 -> "/" + model + "/versions?page=" + x + "&size=" + y;
                        case 5 -> "/" + model + "/aliases/" + x;
                        case 6 -> "/" + model + "/aliases/production?at=" + x;
                        case 7 -> "/" + model + "/aliases/" + x + "/history?page=" + y;
                        case 8 -> "/" + model + "/audit?size=" + x;
                        default -> "/" + x + "/aliases/" + y + "/rollback?to=" + x;
                    };
                });

        Fuzz fuzz = new Fuzz().run(paths.sampleStream().limit(10_000).toList(), p -> p.endsWith("/rollback?to=")
                || p.contains("/rollback?") ? post(URI.create(models + p), "")
                : HttpRequest.newBuilder(URI.create(models + p)).GET().build());

        String firstViolations = fuzz.report("registry parameters and paths");
        assertThat(fuzz.violations()).as(firstViolations).isEmpty();
        assertThat(fuzz.statuses().keySet()).contains(400, 404);
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
