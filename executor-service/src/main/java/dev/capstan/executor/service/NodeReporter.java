package dev.capstan.executor.service;

import dev.capstan.events.NodeEvent;
import dev.capstan.events.NodeEvent.NodeUpdated;
import dev.capstan.executor.domain.NodeDescriber;
import dev.capstan.executor.domain.NodeDescriber.NodeFacts;
import dev.capstan.executor.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Publishes every node to the compacted {@code capstan.nodes}: all of them at start (the informer
 * adds each), then whenever what the scheduler sees changes (heartbeats alone publish nothing).
 */
@ApplicationScoped
public class NodeReporter {

    private static final Logger LOG = Logger.getLogger(NodeReporter.class);

    private final EventPublisher events;
    private final Clock clock;
    private final Map<String, NodeUpdated> published = new ConcurrentHashMap<>();

    NodeReporter(EventPublisher events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    public void upserted(NodeFacts facts) {
        NodeUpdated now = NodeDescriber.describe(facts, clock.instant());
        NodeUpdated before = published.get(facts.name());
        if (before != null && sameButTime(before, now)) {
            return;
        }
        published.put(facts.name(), now);
        send(now);
    }

    public void removed(String node) {
        published.remove(node);
        send(new NodeEvent.NodeRemoved(node, clock.instant()));
    }

    public int known() {
        return published.size();
    }

    private static boolean sameButTime(NodeUpdated a, NodeUpdated b) {
        return a.cpuMilli() == b.cpuMilli() && a.memoryMib() == b.memoryMib() && a.gpus().equals(b.gpus())
                && a.labels().equals(b.labels()) && a.ready() == b.ready() && a.taints().equals(b.taints());
    }

    private void send(NodeEvent e) {
        events.publish(e).whenComplete((ok, err) -> {
            if (err != null) {
                LOG.errorf(err, "cannot publish %s for node %s", e.type(), e.node());
            }
        });
    }
}
