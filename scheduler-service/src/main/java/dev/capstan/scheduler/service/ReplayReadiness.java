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
    private final Leadership leadership;

    ReplayReadiness(SchedulerLoop loop, Leadership leadership) {
        this.loop = loop;
        this.leadership = leadership;
    }

    /** Ready once replayed, as the deciding instance or as a hot standby (the data says which, and who leads). */
    @Override
    public HealthCheckResponse call() {
        String leader = leadership.leader();
        return HealthCheckResponse.named("event-log-replayed").status(loop.caughtUp())
                .withData("role", leadership.leading() ? "leader" : "standby")
                .withData("leader", leader == null ? "unknown" : leader).build();
    }
}
