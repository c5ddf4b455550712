package dev.capstan.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One example of every event type, as today's code builds it; the golden files hold their JSON. */
final class SampleEvents {

    static final Instant T = Instant.parse("2026-11-29T10:15:30Z");

    static final TrainingJobSpec SPEC = new TrainingJobSpec("resnet50-ddp", "team-vision", "ghcr.io/acme/resnet:1.4",
            List.of("python", "train.py", "--epochs", "90"), Framework.PYTORCH, 4,
            new Resources(2, 1000, List.of("A100", "H100"), 8000, 65536), 10,
            Map.of("sim.capstan.dev/run-seconds", "30"), Map.of("NCCL_DEBUG", "INFO"), null);

    static final InferenceServiceSpec SERVICE = new InferenceServiceSpec("fraud-scorer", "team-risk", "fraud@production",
            "ghcr.io/acme/serve:2.1", new Resources(1, 500, List.of("T4"), 2000, 8192), 1, 20, 50.0, null, true, 30,
            45, 2000, new RolloutPolicy(2, List.of(10, 50, 100), 60, 200, 1.0, 1.5), Map.of("team", "risk"));

    static final TuningExperimentSpec EXPERIMENT = new TuningExperimentSpec("resnet-lr",
            new TuningExperimentSpec.ObjectiveBody("val_accuracy", "maximize", 0.76),
            new TuningExperimentSpec.SearchSpaceBody(List.of(
                    new TuningExperimentSpec.ParameterBody("lr", "log-float", 0.001, 0.1, null),
                    new TuningExperimentSpec.ParameterBody("optimizer", "categorical", null, null,
                            List.of("sgd", "adam")))),
            new TuningExperimentSpec.AlgorithmBody("asha", "tpe", null,
                    new TuningExperimentSpec.RungsBody("progress", 0.1, 3, 1.0), null, null),
            new TuningExperimentSpec.EarlyStoppingBody("median", 2, 4, null), 4,
            new TuningExperimentSpec.BudgetBody(32, 40.0, T), 7L, "90", SPEC,
            new TuningExperimentSpec.ModelBody("resnet", "s3://runs/${trial}/model"));

    static List<CapstanEvent> all() {
        return List.of(
                new WorkloadRequest.SubmitTrainingJob("req-42", SPEC),
                new WorkloadRequest.CancelWorkload("req-43", "wl-0001", "no longer needed"),
                new WorkloadEvent.WorkloadSubmitted("wl-0001", SPEC, T),
                new WorkloadEvent.WorkloadCancelled("wl-0001", "no longer needed", T),
                new WorkloadEvent.WorkloadFinished("wl-0001", "SUCCEEDED", "all pods succeeded", T, 0),
                new WorkloadRequest.CreateExperiment("req-60", EXPERIMENT),
                new WorkloadRequest.StopExperiment("req-61", "resnet-lr", "target reached elsewhere"),
                new WorkloadEvent.ExperimentSubmitted("resnet-lr", "req-60", EXPERIMENT, T),
                new WorkloadEvent.ExperimentStopRequested("resnet-lr", "target reached elsewhere", T),
                new TuningEvent.ExperimentChanged("resnet-lr", "SUCCEEDED", "target reached by resnet-lr-t4",
                        "resnet-lr-t4", 0.7612, T),
                new TuningEvent.TrialChanged("resnet-lr", "resnet-lr-t2", 2, "STOPPED",
                        "below the median of 4 trials at step 3", Map.of("lr", "0.0031", "optimizer", "adam"), 3L,
                        0.412, T),
                new WorkloadEvent.InferenceServiceChanged("fraud-scorer", "team-risk", "fraud@production",
                        new Resources(1, 500, List.of("T4"), 2000, 8192), 1, 20, 50.0, 0.0, true, 30, 45, 2000, T),
                new PlacementEvent.WorkloadAdmitted("wl-0001", 1, "team-vision", List.of(
                        new PodAssignment("wl-0001-a1-master-0", "master", 0, "gpu-node-3", List.of(0, 1), 1000,
                                "A100", null),
                        new PodAssignment("wl-0001-a1-worker-1", "worker", 1, "gpu-node-3", List.of(2, 3), 1000,
                                "A100", null)), T, null),
                new PlacementEvent.WorkloadPending("wl-0002", "no node has 16 free GPUs of model any", T),
                new PlacementEvent.WorkloadPreempted("wl-0003", 2, "preempted by wl-0009 (priority 100)", T),
                new PlacementEvent.AdmissionRevoked("wl-0001", 1, "cancelled: no longer needed", T),
                new ExecutionEvent.PodsCreated("wl-0001", 1, List.of("wl-0001-a1-master-0", "wl-0001-a1-worker-1"), T),
                new ExecutionEvent.WorkloadRunning("wl-0001", 1, T),
                new ExecutionEvent.WorkloadSucceeded("wl-0001", 1, T),
                new ExecutionEvent.WorkloadFailed("wl-0001", 1, "pod wl-0001-a1-worker-1: OOMKilled", true, T),
                new ExecutionEvent.CapacityReleased("wl-0001", 1, "pods deleted", T),
                new NodeEvent.NodeUpdated("gpu-node-3", 96000, 786432, List.of(
                        new NodeEvent.Gpu(0, "A100", 81920, "island-0"), new NodeEvent.Gpu(1, "A100", 81920, "island-0")),
                        Map.of("topology.capstan.dev/rack", "rack-1"), true, List.of("nvidia.com/gpu=present:NoSchedule"), T),
                new NodeEvent.NodeRemoved("gpu-node-3", T),
                new InferenceMetricsEvent.RequestRateSample("fraud-scorer", T, 2.0, 180, 3.5, 42.0, 3),
                new ScalingEvent.ScaleDecided("fraud-scorer", 3, 5, "panic", "capstan",
                        Map.of("observed_rps", 180.0, "target_rps", 50.0), T),
                new ModelEvent.ModelVersionRegistered("fraud", 7, "s3://models/fraud/7", "wl-0001", T, null, null, null),
                new ModelEvent.ModelAliasMoved("fraud", "production", 6, 7, "promote", T, null),
                new ModelEvent.ModelAliasRemoved("fraud", "staging", 7, "retired", "ana", T),
                new WorkloadRequest.CreateInferenceService("req-50", SERVICE),
                new WorkloadRequest.ChangeInferenceService("req-51", "fraud-scorer", new InferenceServiceSpec(null,
                        null, "fraud:7", null, null, null, 40, null, null, null, null, null, null, null, null)),
                new WorkloadRequest.DeleteInferenceService("req-52", "fraud-scorer", "replaced by fraud-v2"),
                new WorkloadEvent.InferenceServiceDeleted("fraud-scorer", "replaced by fraud-v2", T),
                new ScalingEvent.RevisionsPlanned("fraud-scorer", "team-risk", "ghcr.io/acme/serve:2.1",
                        new Resources(1, 500, List.of("T4"), 2000, 8192), 45, List.of(
                                new ScalingEvent.Revision("v6", "fraud", 6, "s3://models/fraud/6", 5, 90),
                                new ScalingEvent.Revision("v7", "fraud", 7, "s3://models/fraud/7", 1, 10)),
                        "canary step 1 of 3", new ScalingEvent.Rollout("v6", "v7", "canary", 0, T, null), T),
                TrialEvent.TrialMetricReported.of("exp-7-trial-3", "0f8e2c4a9b1d4e6f8a2b3c4d5e6f7a8b", "val_accuracy",
                        0.8125, 1200, T));
    }

    /** Writes the golden files; run once per new event version, never to "fix" a failing test. */
    public static void main(String[] args) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(args[0]);
        for (CapstanEvent e : all()) {
            java.nio.file.Files.writeString(dir.resolve(e.type() + ".json"),
                    EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(e) + "\n");
        }
    }

    private SampleEvents() {
    }
}
