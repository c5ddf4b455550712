package dev.capstan.executor.service;

import dev.capstan.executor.kube.NodeWatch;
import dev.capstan.executor.kube.PodWatch;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts the node and pod watches with the application. Their initial lists are the reconciliation
 * after a restart: every node is published again, every existing pod's gang reported from its state.
 */
@ApplicationScoped
public class Watches {

    private static final Logger LOG = Logger.getLogger(Watches.class);

    private final NodeWatch nodes;
    private final PodWatch pods;
    private final NodeReporter nodeReporter;
    private final ExecutionService executions;

    Watches(NodeWatch nodes, PodWatch pods, NodeReporter nodeReporter, ExecutionService executions) {
        this.nodes = nodes;
        this.pods = pods;
        this.nodeReporter = nodeReporter;
        this.executions = executions;
    }

    void start(@Observes StartupEvent ev) {
        nodes.start(nodeReporter::upserted, nodeReporter::removed);
        pods.start(executions::podChanged, executions::podDeleted);
        LOG.infof("watching nodes (%d) and pods", nodeReporter.known());
    }

    void stop(@Observes ShutdownEvent ev) {
        pods.stop();
        nodes.stop();
    }

    public boolean watching() {
        return nodes.watching() && pods.watching();
    }
}
