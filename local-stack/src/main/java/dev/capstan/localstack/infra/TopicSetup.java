package dev.capstan.localstack.infra;

import dev.capstan.events.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates Capstan's topics as deploy/ declares them for a cluster: 3 partitions each, the node topic
 * compacted, and a dead-letter topic per consuming service. Existing topics are left as they are.
 */
public final class TopicSetup {

    /**
     * Services that own a dead-letter topic: those whose consumers' failure strategy names one (application.properties).
     * The scheduler skips what it cannot read (it rebuilds its state from the log), and so does operator-console
     * (it decides nothing; the topic's real consumer dead-letters the record): neither has one.
     */
    public static final List<String> CONSUMERS = List.of("submission-service", "executor-service",
            "autoscaler-service", "model-registry", "tuning-service");

    private TopicSetup() {
    }

    public static void ensureTopics(String bootstrap) throws InterruptedException, ExecutionException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> wanted = new ArrayList<>();
            for (String t : Topics.ALL) {
                NewTopic topic = new NewTopic(t, 3, (short) 1);
                if (t.equals(Topics.NODES)) {
                    topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                wanted.add(topic);
            }
            CONSUMERS.forEach(s -> wanted.add(new NewTopic(Topics.deadLetter(s), 1, (short) 1)));
            wanted.removeIf(t -> existing.contains(t.name()));
            if (!wanted.isEmpty()) {
                admin.createTopics(wanted).all().get();
            }
        }
    }
}
