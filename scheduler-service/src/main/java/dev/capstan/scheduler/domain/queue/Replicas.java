package dev.capstan.scheduler.domain.queue;

import dev.capstan.events.Framework;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.TrainingJobSpec;
import java.util.List;
import java.util.Map;

/** How a serving plan's replicas look to the scheduler: single-pod workloads of the service's queue. */
final class Replicas {

    /**
     * Replicas go before training jobs of the same queue: a service that waits for a replica drops requests, a job
     * that waits only finishes later.
     */
    static final int PRIORITY = 1_000;

    private Replicas() {
    }

    /** The workload one replica of the plan's service is: one pod of the replica's resources. */
    static TrainingJobSpec spec(ScalingEvent.RevisionsPlanned plan) {
        return new TrainingJobSpec(plan.service(), plan.queue(), plan.image(), List.of(), Framework.NONE, 1,
                plan.replica(), PRIORITY, Map.of(), Map.of(), null);
    }
}
