package dev.capstan.executor.rest;

import dev.capstan.executor.domain.Names;
import dev.capstan.executor.domain.PodLabels;
import dev.capstan.executor.kube.PodWatch;
import io.fabric8.kubernetes.api.model.Pod;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;

/** What the executor sees of a workload: its pods, from the watch cache. */
@Path("/api/v1/executions")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionResource {

    /** One pod of a workload. */
    public record PodView(String pod, int attempt, String role, int rank, String node, String phase, String reason,
            String outcome) {
    }

    /** A workload's pods over all its admissions. */
    public record ExecutionView(String workloadId, List<PodView> pods) {
    }

    private final PodWatch pods;

    ExecutionResource(PodWatch pods) {
        this.pods = pods;
    }

    @GET
    @Path("/{workloadId}")
    public ExecutionView get(@PathParam("workloadId") String workloadId) {
        List<PodView> views = pods.podsOfWorkload(Names.workloadLabel(workloadId)).stream()
                .map(ExecutionResource::view)
                .sorted(Comparator.comparingInt(PodView::attempt).thenComparingInt(PodView::rank))
                .toList();
        if (views.isEmpty()) {
            throw new NotFoundException("no pods of workload " + workloadId);
        }
        return new ExecutionView(workloadId, views);
    }

    private static PodView view(Pod p) {
        return new PodView(p.getMetadata().getName(), PodWatch.intOr(PodWatch.label(p, PodLabels.ATTEMPT), 0),
                PodWatch.label(p, PodLabels.ROLE), PodWatch.intOr(PodWatch.label(p, PodLabels.RANK), 0), p.getSpec().getNodeName(),
                p.getStatus() == null ? null : p.getStatus().getPhase(),
                p.getStatus() == null ? null : p.getStatus().getReason(), PodWatch.label(p, PodLabels.OUTCOME));
    }
}
