package dev.capstan.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.JsonObject;
import java.util.List;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses request bodies larger than {@code capstan.http.max-body-size} (default 1M) with {@code 413} problem+json
 * naming the limit: before the body is read when {@code Content-Length} declares it too large, and while it is read
 * when it comes in chunks ({@link BodyLimitInterceptor}), and under the path prefixes of
 * {@code capstan.http.max-body-size.refuse-while-reading} (an API whose errors have another shape: the service's own
 * mappers then answer). (Quarkus' own limit, {@code quarkus.http.limits.max-body-size}, stays above it as a last
 * resort: its refusal has an empty body.)
 */
@ApplicationScoped
public class BodyLimit {

    private final long limit;

    long limit() {
        return limit;
    }

    /** Paths whose refusals have another shape (MLflow's API): their bodies are refused as they are read. */
    private final java.util.List<String> readFirst;

    BodyLimit(@ConfigProperty(name = "capstan.http.max-body-size", defaultValue = "1M") MemorySize limit,
            @ConfigProperty(name = "capstan.http.max-body-size.refuse-while-reading")
            java.util.Optional<java.util.List<String>> readFirst) {
        this.limit = limit.asLongValue();
        this.readFirst = readFirst.orElse(java.util.List.of());
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::checkDeclaredLength);
    }

    private void checkDeclaredLength(RoutingContext ctx) {
        String declared = ctx.request().getHeader("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                // not ours to judge: the HTTP layer refuses a malformed length
            }
        }
        String path = ctx.request().path();
        if (length <= limit || path != null && readFirst.stream().anyMatch(path::startsWith)) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(413).putHeader("Content-Type", Problems.MEDIA_TYPE)
                .putHeader("Connection", "close")
                .end(new JsonObject(Problems.body(413, Problems.TOO_LARGE, detail(), List.of())).encode());
    }

    String detail() {
        return "the request body is larger than this service accepts (" + limit + " bytes)";
    }
}
