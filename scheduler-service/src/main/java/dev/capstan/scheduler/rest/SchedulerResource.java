package dev.capstan.scheduler.rest;

import dev.capstan.scheduler.domain.queue.SchedulerCore;
import dev.capstan.scheduler.messaging.SchedulerLoop;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** What the scheduler holds: queues with the waiting workloads and why they wait, GPUs in use. */
@Path("/api/v1/scheduler")
@Produces(MediaType.APPLICATION_JSON)
public class SchedulerResource {

    private final SchedulerLoop loop;

    SchedulerResource(SchedulerLoop loop) {
        this.loop = loop;
    }

    @GET
    @Path("state")
    @Operation(summary = "Queues, waiting workloads with pending reasons, admitted count, GPUs in use per node")
    public Response state() {
        SchedulerCore.Snapshot s = loop.snapshot();
        if (s == null) {
            return Response.status(503).type("application/problem+json")
                    .entity("{\"title\":\"Replaying\",\"status\":503,\"detail\":\"the event log is being replayed\"}")
                    .build();
        }
        return Response.ok(s).build();
    }
}
