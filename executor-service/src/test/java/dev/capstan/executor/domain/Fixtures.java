package dev.capstan.executor.domain;

import dev.capstan.events.Framework;
import dev.capstan.events.PlacementEvent.WorkloadAdmitted;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fluent builders of test admissions and specs. */
public final class Fixtures {

    private Fixtures() {
    }

    public static AdmissionBuilder anAdmission(String workloadId) {
        return new AdmissionBuilder(workloadId);
    }

    public static SpecBuilder aSpec() {
        return new SpecBuilder();
    }

    public static final class AdmissionBuilder {
        private final String workloadId;
        private int attempt = 1;
        private final List<PodAssignment> pods = new ArrayList<>();
        private TrainingJobSpec spec;
        private boolean withoutSpec;
        private dev.capstan.events.ServingReplica serving;

        AdmissionBuilder(String workloadId) {
            this.workloadId = workloadId;
        }

        public AdmissionBuilder attempt(int a) {
            this.attempt = a;
            return this;
        }

        /** A pod named {@code <workload>-a<attempt>-<role>-<rank>} with whole GPUs. */
        public AdmissionBuilder pod(String role, String node, Integer... gpus) {
            int rank = pods.size();
            pods.add(new PodAssignment(workloadId + "-a" + attempt + "-" + role + "-" + rank, role, rank, node,
                    List.of(gpus), 1000, "A100-80GB", null));
            return this;
        }

        public AdmissionBuilder share(String node, int gpu, int milli) {
            int rank = pods.size();
            pods.add(new PodAssignment(workloadId + "-a" + attempt + "-worker-" + rank, "worker", rank, node,
                    List.of(gpu), milli, "T4", null));
            return this;
        }

        /** The spec the admission carries; by default a plain one with one worker per pod. */
        public AdmissionBuilder spec(TrainingJobSpec s) {
            this.spec = s;
            return this;
        }

        /** The admission of a replica of an inference service. */
        public AdmissionBuilder serving(dev.capstan.events.ServingReplica replica) {
            this.serving = replica;
            return this;
        }

        /** An admission as a scheduler older than the spec field wrote it. */
        public AdmissionBuilder withoutSpec() {
            this.withoutSpec = true;
            return this;
        }

        public WorkloadAdmitted build() {
            TrainingJobSpec s = withoutSpec ? null : spec != null ? spec : aSpec().workers(Math.max(1, pods.size())).build();
            return new WorkloadAdmitted(workloadId, attempt, "team-a", pods, Instant.parse("2026-01-01T00:00:00Z"), s,
                    serving);
        }
    }

    public static final class SpecBuilder {
        private Framework framework = Framework.NONE;
        private int workers = 1;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();

        public SpecBuilder framework(Framework f) {
            this.framework = f;
            return this;
        }

        public SpecBuilder workers(int n) {
            this.workers = n;
            return this;
        }

        public SpecBuilder env(String k, String v) {
            env.put(k, v);
            return this;
        }

        public SpecBuilder annotation(String k, String v) {
            annotations.put(k, v);
            return this;
        }

        public TrainingJobSpec build() {
            return new TrainingJobSpec("train", "team-a", "capstan/train:1", List.of("python", "train.py"), framework,
                    workers, new Resources(2, 1000, List.of(), 4000, 16384), 0, annotations, env, null);
        }
    }
}
