package dev.capstan.executor.kube;

import dev.capstan.executor.domain.NodeDescriber.NodeFacts;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Watches nodes and hands each one, as {@link NodeFacts}, to a listener; every node is "added" at start. */
@ApplicationScoped
public class NodeWatch {

    private final KubernetesClient client;
    private volatile SharedIndexInformer<Node> informer;

    NodeWatch(KubernetesClient client) {
        this.client = client;
    }

    public void start(Consumer<NodeFacts> upserted, Consumer<String> removed) {
        informer = client.nodes().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                upserted.accept(facts(node));
            }

            @Override
            public void onUpdate(Node oldNode, Node newNode) {
                upserted.accept(facts(newNode));
            }

            @Override
            public void onDelete(Node node, boolean unknownFinalState) {
                removed.accept(node.getMetadata().getName());
            }
        }, 0);
    }

    /** The names of the nodes the watch knows now (its store). */
    public Set<String> currentNames() {
        SharedIndexInformer<Node> i = informer;
        Set<String> names = new HashSet<>();
        if (i != null) {
            i.getStore().list().forEach(n -> names.add(n.getMetadata().getName()));
        }
        return names;
    }

    public boolean watching() {
        SharedIndexInformer<Node> i = informer;
        return i != null && i.isWatching();
    }

    public void stop() {
        SharedIndexInformer<Node> i = informer;
        if (i != null) {
            i.close();
        }
    }

    static NodeFacts facts(Node node) {
        Map<String, Quantity> alloc = node.getStatus() == null ? null : node.getStatus().getAllocatable();
        if (alloc == null || alloc.isEmpty()) {
            alloc = node.getStatus() == null ? null : node.getStatus().getCapacity();
        }
        long cpuMilli = amount(alloc, "cpu").multiply(BigDecimal.valueOf(1000)).longValue();
        long memMib = amount(alloc, "memory").divide(BigDecimal.valueOf(1024L * 1024L), java.math.RoundingMode.DOWN)
                .longValue();
        int gpus = amount(alloc, "nvidia.com/gpu").intValue();
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch((NodeCondition c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        List<String> taints = new ArrayList<>();
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint t : node.getSpec().getTaints()) {
                taints.add(t.getKey() + (t.getValue() == null ? "" : "=" + t.getValue()) + ":" + t.getEffect());
            }
        }
        if (unschedulable) {
            taints.add("node.kubernetes.io/unschedulable:NoSchedule");
        }
        return new NodeFacts(node.getMetadata().getName(), cpuMilli, memMib, gpus, node.getMetadata().getLabels(),
                node.getMetadata().getAnnotations(), ready, taints);
    }

    private static BigDecimal amount(Map<String, Quantity> m, String key) {
        Quantity q = m == null ? null : m.get(key);
        return q == null ? BigDecimal.ZERO : q.getNumericalAmount();
    }
}
