package dev.capstan.autoscaler.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.autoscaler.config.AutoscalerConfig;
import dev.capstan.autoscaler.rollout.ServingPlanner.AliasRestore;
import dev.capstan.events.EventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Moves a model alias back after a failed rollout, through model-registry's API, so the alias history says why
 * ({@code POST /api/v1/models/{model}/aliases/{alias}/rollback?to=N} with the verdict as reason, as user
 * {@code autoscaler-service}). Conditional: the alias is moved only while it still names the version that failed
 * (its ETag as {@code If-Match}), so a person who moved it meanwhile wins. Asked again at every decision while the
 * alias names that version, at most every {@link #RETRY_EVERY}; one call at a time, off the decision thread.
 */
@ApplicationScoped
public class AliasRollback {

    private static final Logger LOG = Logger.getLogger(AliasRollback.class);
    static final Duration RETRY_EVERY = Duration.ofSeconds(5);
    static final String USER = "autoscaler-service";

    private final String registryUrl;
    private final MeterRegistry meters;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "autoscaler-alias-rollback");
        t.setDaemon(true);
        return t;
    });
    /** When each alias was last asked for, by model/alias/bad version. */
    private final Map<String, Long> asked = new ConcurrentHashMap<>();

    AliasRollback(AutoscalerConfig config, MeterRegistry meters) {
        this.registryUrl = config.registryUrl().map(u -> u.replaceAll("/+$", "")).orElse(null);
        this.meters = meters;
    }

    /** Asks for the alias to be moved back (unless asked within {@link #RETRY_EVERY}). */
    public void request(AliasRestore restore) {
        if (registryUrl == null) {
            return;
        }
        String key = restore.model() + "@" + restore.alias() + "#" + restore.badVersion();
        long now = System.nanoTime();
        Long last = asked.get(key);
        if (last != null && now - last < RETRY_EVERY.toNanos()) {
            return;
        }
        asked.put(key, now);
        calls.execute(() -> move(restore));
    }

    private void move(AliasRestore r) {
        String alias = registryUrl + "/api/v1/models/" + enc(r.model()) + "/aliases/" + enc(r.alias());
        try {
            HttpResponse<String> now = http.send(HttpRequest.newBuilder(URI.create(alias))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (now.statusCode() != 200) {
                LOG.warnf("cannot read alias %s@%s to roll it back: %d %s", r.model(), r.alias(), now.statusCode(),
                        now.body());
                return;
            }
            JsonNode body = EventCodec.mapper().readTree(now.body());
            if (body.path("version").asInt() != r.badVersion()) {
                return; // moved meanwhile: whoever moved it decided
            }
            String reason = EventCodec.mapper().writeValueAsString(Map.of("reason", r.reason()));
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(alias + "/rollback?to=" + r.stableVersion()))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                    .header("X-Capstan-User", USER).POST(HttpRequest.BodyPublishers.ofString(reason));
            now.headers().firstValue("ETag").ifPresent(etag -> post.header("If-Match", etag));
            HttpResponse<String> moved = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
            if (moved.statusCode() == 200) {
                meters.counter("capstan.autoscaler.alias.rollbacks").increment();
                LOG.infof("moved %s@%s back from version %d to %d: %s", r.model(), r.alias(), r.badVersion(),
                        r.stableVersion(), r.reason());
            } else if (moved.statusCode() != 412) {
                LOG.warnf("cannot move %s@%s back to version %d: %d %s", r.model(), r.alias(), r.stableVersion(),
                        moved.statusCode(), moved.body());
            }
        } catch (IOException e) {
            LOG.warnf("cannot reach model-registry to move %s@%s back (asked again shortly): %s", r.model(),
                    r.alias(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @PreDestroy
    void stop() {
        calls.shutdownNow();
    }
}
