package dev.capstan.scheduler.service;

import dev.capstan.scheduler.messaging.SchedulerLoop;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the event log was replayed: before that the scheduler decides nothing. */
@Readiness
@ApplicationScoped
public class ReplayReadiness implements HealthCheck {

    private final SchedulerLoop loop;

    ReplayReadiness(SchedulerLoop loop) {
        this.loop = loop;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event-log-replayed").status(loop.caughtUp()).build();
    }
}
