/**
 * The simulated trainer's logic, without Kubernetes: which recorded run a trial replays and when it reports what
 * ({@link dev.capstan.localstack.trainer.LearningCurveReplay}, {@link dev.capstan.localstack.trainer.TrainingPlan}),
 * and its MLflow tracking client ({@link dev.capstan.localstack.trainer.MlflowRunLog}). The pod side is
 * {@code kube.SimulatedTrainer}.
 *
 * <p>The learning curves it is made for (shared/traces/tuning-opda-imagenet-mnli) are by Nicholas Lourie
 * (github.com/nicholaslourie/opda), licensed CC BY-SA 4.0; none of their rows are in this repository.
 */
package dev.capstan.localstack.trainer;
