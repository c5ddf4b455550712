package dev.capstan.executor.service;

import dev.capstan.events.Topics;
import dev.capstan.executor.kube.NodeWatch;
import dev.capstan.executor.kube.PodWatch;
import dev.capstan.executor.messaging.NodeTopicReader;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * Starts the node and pod watches with the application. Their initial lists are the reconciliation
 * after a restart: every node is published again, every existing pod's gang reported from its state, and a node
 * that the compacted {@code capstan.nodes} still holds but the cluster no longer has (deleted while no executor
 * watched) is published as removed.
 */
@ApplicationScoped
public class Watches {

    private static final Logger LOG = Logger.getLogger(Watches.class);

    private final NodeWatch nodes;
    private final PodWatch pods;
    private final NodeReporter nodeReporter;
    private final ExecutionService executions;
    private final NodeTopicReader nodeTopic;
    private final ManagedExecutor background;

    Watches(NodeWatch nodes, PodWatch pods, NodeReporter nodeReporter, ExecutionService executions,
            NodeTopicReader nodeTopic, ManagedExecutor background) {
        this.nodes = nodes;
        this.pods = pods;
        this.nodeReporter = nodeReporter;
        this.executions = executions;
        this.nodeTopic = nodeTopic;
        this.background = background;
    }

    void start(@Observes StartupEvent ev) {
        nodes.start(nodeReporter::upserted, nodeReporter::removed);
        pods.start(executions::podChanged, executions::podDeleted);
        executions.startReconciling();
        LOG.infof("watching nodes (%d) and pods", nodeReporter.known());
        // Reading the topic blocks (up to 30 s without a broker): on the worker pool, not at start-up.
        background.execute(() -> {
            try {
                removeGoneNodes();
            } catch (Exception e) {
                LOG.warnf("cannot reconcile %s with the cluster's nodes: %s", Topics.NODES, e.getMessage());
            }
        });
    }

    /**
     * Publishes as removed every node the topic still holds and the cluster does not; returns their names. The topic
     * is read first and the cluster's nodes taken after, so a node added meanwhile is never taken for a gone one.
     */
    public Set<String> removeGoneNodes() throws Exception {
        Set<String> gone = new TreeSet<>(nodeTopic.liveNodes(Duration.ofSeconds(30)));
        gone.removeAll(nodes.currentNames());
        gone.forEach(nodeReporter::removed);
        if (!gone.isEmpty()) {
            LOG.infof("nodes gone while not watched, published as removed: %s", gone);
        }
        return gone;
    }

    void stop(@Observes ShutdownEvent ev) {
        pods.stop();
        nodes.stop();
    }

    public boolean watching() {
        return nodes.watching() && pods.watching();
    }
}
