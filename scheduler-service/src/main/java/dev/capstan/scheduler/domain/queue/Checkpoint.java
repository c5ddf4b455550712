package dev.capstan.scheduler.domain.queue;

import dev.capstan.events.NodeEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.ServingReplica;
import dev.capstan.events.TrainingJobSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler knows at one point of the log, enough to go on from there without reading the log's earlier
 * part: the nodes, the workloads not finished, the admissions holding capacity, and the finished workloads of the
 * retention window (so that a late or repeated record about one of them changes nothing). Its size follows what is
 * live and what finished recently, not the length of the history.
 *
 * @param arrivals     the arrival counter (ties between equal submission times keep their order)
 * @param nodes        the last update of every node
 * @param workloads    workloads not finished, and finished ones whose admission still holds capacity
 * @param admissions   admissions holding capacity
 * @param finished     finished workloads still remembered
 * @param released     the highest released attempt of workloads not finished, and when
 * @param revokedUpTo  the highest revoked attempt per workload
 * @param served       the replicas each inference service's plans ask for (absent in older checkpoints)
 */
public record Checkpoint(long arrivals, List<NodeEvent.NodeUpdated> nodes, List<Workload> workloads,
        List<Held> admissions, List<Finished> finished, List<Released> released, Map<String, Integer> revokedUpTo,
        List<Served> served) {

    public Checkpoint {
        served = served == null ? List.of() : served;
    }

    /** The replicas of one inference service, per revision, and the number its next replica gets. */
    public record Served(String service, Map<String, List<String>> replicas, long nextReplica) {
    }

    /** A workload the scheduler still waits on. */
    public record Workload(String id, TrainingJobSpec spec, Instant submittedAt, long arrival, int attempt,
            boolean finished, Instant finishedAt, String cancelReason, String pendingReason, ServingReplica serving) {
    }

    /** An admission that holds capacity. */
    public record Held(String workloadId, int attempt, List<PodAssignment> pods) {
    }

    /**
     * A finished workload: its last attempt, when it finished, and why it was cancelled (null unless it was: an
     * admission of it read later, out of order, is then revoked).
     */
    public record Finished(String workloadId, int attempt, Instant at, String cancelReason, int releasedUpTo) {
    }

    /** A release read for a workload that is not finished (or not known) yet: topics are read in any order. */
    public record Released(String workloadId, int attempt, Instant at) {
    }

    /** How many entries it holds, for logs. */
    public int size() {
        return nodes.size() + workloads.size() + admissions.size() + finished.size();
    }
}
