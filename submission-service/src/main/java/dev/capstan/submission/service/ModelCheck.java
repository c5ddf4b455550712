package dev.capstan.submission.service;

import dev.capstan.events.EventCodec;
import dev.capstan.submission.domain.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks model-registry, the owner of models, whether an inference service's model reference resolves: the alias of
 * {@code name@alias} points at a version, or version {@code name:version} exists. Off (every reference accepted)
 * when {@code capstan.submission.registry-url} is not set.
 */
@ApplicationScoped
public class ModelCheck {

    private final Optional<String> registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ModelCheck(@ConfigProperty(name = "capstan.submission.registry-url") Optional<String> registry) {
        this.registry = registry.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    }

    /** The registry cannot answer: the request waits (REST: 503 with Retry-After; Kafka: retried). */
    public static class RegistryUnavailable extends RuntimeException {
        RegistryUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Why the reference does not resolve (for the field {@code model}), or empty when it does.
     *
     * @throws RegistryUnavailable when the registry cannot be reached or fails
     */
    public Optional<FieldError> check(String reference) {
        if (registry.isEmpty()) {
            return Optional.empty();
        }
        int at = reference.indexOf('@');
        int colon = reference.lastIndexOf(':');
        String name = at >= 0 ? reference.substring(0, at) : reference.substring(0, colon);
        String path = at >= 0 ? "/aliases/" + enc(reference.substring(at + 1))
                : "/versions/" + enc(reference.substring(colon + 1));
        URI uri = URI.create(registry.get() + "/api/v1/models/" + enc(name) + path);
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryUnavailable("the model registry cannot be reached to check model " + reference, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailable("interrupted while checking model " + reference, e);
        }
        if (r.statusCode() == 200) {
            return Optional.empty();
        }
        if (r.statusCode() >= 500) {
            throw new RegistryUnavailable("the model registry answered " + r.statusCode() + " checking model "
                    + reference, null);
        }
        return Optional.of(new FieldError("model", (at >= 0 ? "no alias " : "no version ") + reference
                + " in the model registry" + detail(r.body())));
    }

    private static String detail(String body) {
        try {
            String d = EventCodec.mapper().readTree(body).path("detail").asText("");
            return d.isBlank() ? "" : " (" + d + ")";
        } catch (IOException notJson) {
            return "";
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
