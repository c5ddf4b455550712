package dev.capstan.executor.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the node and pod watches are connected: without them nothing is reported. */
@Readiness
@ApplicationScoped
public class KubernetesReadiness implements HealthCheck {

    private final Watches watches;

    KubernetesReadiness(Watches watches) {
        this.watches = watches;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kubernetes-watches").status(watches.watching()).build();
    }
}
