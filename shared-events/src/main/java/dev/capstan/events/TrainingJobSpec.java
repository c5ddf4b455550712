package dev.capstan.events;

import java.util.List;
import java.util.Map;

/**
 * A training job as the user described it (REST body and Kafka command share this schema).
 *
 * @param name        human name, unique per queue is not required
 * @param queue       the tenant's queue
 * @param image       container image
 * @param command     container command
 * @param framework   pytorch, tensorflow, ray, mpi or none
 * @param workers     number of pods in the gang (all start together or none)
 * @param resources   per-worker resources
 * @param priority    higher runs first and may preempt lower (later issue)
 * @param annotations copied onto every pod
 * @param env         extra environment for every pod
 * @param output      optional model this job produces, registered in model-registry when it succeeds
 */
public record TrainingJobSpec(String name, String queue, String image, List<String> command, Framework framework,
        int workers, Resources resources, int priority, Map<String, String> annotations, Map<String, String> env,
        ModelOutput output) {
    public TrainingJobSpec {
        command = command == null ? List.of() : List.copyOf(command);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
