/**
 * A simulated Kubernetes cluster for one machine: {@link dev.capstan.localstack.kube.SimulatedCluster}.
 *
 * <p>What other processes can rely on:
 * <ul>
 *   <li>The API server speaks plain HTTP on 127.0.0.1; {@code writeKubeconfig} gives kubectl a context
 *       {@code capstan-local} with namespace {@code capstan}. {@code kubectl get/describe/delete/label/patch
 *       --type=merge} work; {@code create/apply -f} need {@code --validate=false} (no OpenAPI documents);
 *       strategic-merge patch, server-side apply and {@code -o wide} columns do not.</li>
 *   <li>Nodes carry {@code nvidia.com/gpu} capacity, the labels {@code nvidia.com/gpu.product|count|memory},
 *       {@code topology.capstan.dev/rack|zone}, and the annotation {@code capstan.dev/nvlink-islands}
 *       (e.g. {@code 0-3,4-7}); see {@link dev.capstan.localstack.kube.SimulatedNodes}.</li>
 *   <li>No scheduler: a pod runs only when {@code spec.nodeName} is set. Pod annotations
 *       {@code sim.capstan.dev/run-seconds} and {@code sim.capstan.dev/exit-code} steer the simulated
 *       kubelet; a pod asking for more {@code nvidia.com/gpu} than its node has left fails with reason
 *       {@code OutOfnvidia.com/gpu}.</li>
 *   <li>A pod annotated {@code sim.capstan.dev/trainer-curves} runs the simulated trainer
 *       ({@code SimulatedTrainer}): it replays the recorded learning curve nearest to
 *       {@code CAPSTAN_TRIAL_PARAMS} into MLflow's {@code runs/log-batch} and ends as that run did.</li>
 *   <li>Label selectors: equality only (the store returns a superset for {@code in}/{@code notin}).</li>
 * </ul>
 */
package dev.capstan.localstack.kube;
