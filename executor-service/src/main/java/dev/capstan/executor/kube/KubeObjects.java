package dev.capstan.executor.kube;

import dev.capstan.executor.domain.PodLabels;
import dev.capstan.executor.domain.Plans.PodPlan;
import dev.capstan.executor.domain.Plans.Port;
import dev.capstan.executor.domain.Plans.ServicePlan;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds fabric8 objects from the domain's plans; nothing else. */
public final class KubeObjects {

    private KubeObjects() {
    }

    /**
     * The pod of a plan: bound to its node (no scheduler involved). A training pod is never restarted in place; a
     * serving replica is, and has a readiness probe.
     */
    public static Pod pod(PodPlan plan, String namespace) {
        Map<String, Quantity> requests = new LinkedHashMap<>();
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (plan.cpuMilli() > 0) {
            requests.put("cpu", new Quantity(plan.cpuMilli() + "m"));
        }
        if (plan.memoryMib() > 0) {
            requests.put("memory", new Quantity(plan.memoryMib() + "Mi"));
            limits.put("memory", new Quantity(plan.memoryMib() + "Mi"));
        }
        List<Toleration> tolerations = new ArrayList<>();
        if (plan.wholeGpus() > 0) {
            requests.put(PodLabels.GPU_RESOURCE, new Quantity(Integer.toString(plan.wholeGpus())));
            limits.put(PodLabels.GPU_RESOURCE, new Quantity(Integer.toString(plan.wholeGpus())));
        }
        if (plan.annotations().containsKey(PodLabels.GPU_INDICES)) {
            // GPU nodes are commonly tainted so that only GPU work lands there.
            tolerations.add(new TolerationBuilder().withKey(PodLabels.GPU_RESOURCE).withOperator("Exists")
                    .withEffect("NoSchedule").build());
        }
        List<EnvVar> env = plan.env().entrySet().stream()
                .map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList();
        List<ContainerPort> ports = plan.ports().stream()
                .map(p -> new ContainerPortBuilder().withName(p.name()).withContainerPort(p.port()).build()).toList();
        return new PodBuilder()
                .withNewMetadata().withName(plan.name()).withNamespace(namespace)
                .withLabels(plan.labels()).withAnnotations(plan.annotations()).endMetadata()
                .withNewSpec()
                .withNodeName(plan.node())
                .withRestartPolicy(plan.serving() == null ? "Never" : "Always")
                .withHostname(plan.hostname())
                .withSubdomain(plan.subdomain())
                .withTolerations(tolerations)
                .addNewContainer().withName("main").withImage(plan.image())
                .withCommand(plan.command().isEmpty() ? null : plan.command())
                .withEnv(env).withPorts(ports)
                .withReadinessProbe(plan.serving() == null ? null : new ProbeBuilder().withNewHttpGet()
                        .withPath(plan.serving().readinessPath()).withPort(new IntOrString(plan.serving().port()))
                        .endHttpGet().withInitialDelaySeconds(plan.serving().initialDelaySeconds())
                        .withPeriodSeconds(2).withFailureThreshold(3).build())
                .withNewResources().withRequests(requests).withLimits(limits).endResources()
                .endContainer()
                .endSpec()
                .build();
    }

    /**
     * The headless service of an admission, or the ClusterIP Service of an inference service. A headless service
     * publishes not-ready addresses because gang members must find each other while they start (as Kubeflow's
     * training operator does); an inference service's Service sends traffic to ready replicas only.
     */
    public static Service service(ServicePlan plan, String namespace) {
        ServiceBuilder b = new ServiceBuilder()
                .withNewMetadata().withName(plan.name()).withNamespace(namespace).withLabels(plan.labels()).endMetadata()
                .withNewSpec().withSelector(plan.selector()).endSpec();
        if (plan.headless()) {
            b.editSpec().withClusterIP("None").withPublishNotReadyAddresses(true).endSpec();
        }
        for (Port p : plan.ports()) {
            b.editSpec().addToPorts(new ServicePortBuilder().withName(p.name()).withPort(p.port()).build()).endSpec();
        }
        return b.build();
    }
}
