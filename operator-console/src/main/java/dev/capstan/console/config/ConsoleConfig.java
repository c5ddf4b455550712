package dev.capstan.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the console ({@code capstan.console.*}). */
@ConfigMapping(prefix = "capstan.console")
public interface ConsoleConfig {

    /** {@code capstan.console.push-every}: how often the live stream tells pages what changed (default 500ms). */
    @WithDefault("500ms")
    Duration pushEvery();

    /**
     * {@code capstan.console.actor}: who the registry records for a promotion or rollback made from the console, when
     * the request names nobody (an {@code X-Capstan-User} header, as a proxy in front of the console would set).
     */
    @WithDefault("operator-console")
    String actor();

    /**
     * {@code capstan.console.registry-url}: model-registry, where promote and rollback go (default
     * http://127.0.0.1:8085; the REST client {@code registry} reads it).
     */
    @WithDefault("http://127.0.0.1:8085")
    String registryUrl();
}
