package dev.capstan.executor.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/**
 * The shared test broker keeps admissions from earlier runs and other modules: this test's executor
 * reads placements with its own consumer group from the end, so it only sees what the test sends.
 */
public class UniqueConsumerGroups implements QuarkusTestResourceLifecycleManager {

    static final String PLACEMENTS_GROUP = "executor-it-" + UUID.randomUUID();

    @Override
    public Map<String, String> start() {
        return Map.of("mp.messaging.incoming.placements.group.id", PLACEMENTS_GROUP,
                "mp.messaging.incoming.placements.auto.offset.reset", "latest");
    }

    @Override
    public void stop() {
    }
}
