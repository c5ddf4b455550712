package dev.capstan.submission.config;

import dev.capstan.events.spec.Quantity;
import dev.capstan.submission.domain.QueueResourceDefaults;
import dev.capstan.submission.domain.ResourceDefaults;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the resource defaults once, at start: a value that is not a positive quantity stops the service with the
 * property's name, rather than every submission failing later.
 */
public class ResourceDefaultsProducer {

    @Produces
    @Singleton // a record cannot be proxied, and it never changes: one instance, no proxy
    QueueResourceDefaults queueResourceDefaults(ResourceDefaultsConfig global, QueuesConfig queues) {
        String g = "capstan.resource-defaults.";
        ResourceDefaults base = new ResourceDefaults(cpu(g + "cpu-per-gpu", global.cpuPerGpu()),
                memory(g + "memory-per-gpu", global.memoryPerGpu()), cpu(g + "cpu-without-gpu",
                global.cpuWithoutGpu()), memory(g + "memory-without-gpu", global.memoryWithoutGpu()));
        Map<String, ResourceDefaults> byQueue = new HashMap<>();
        queues.queues().forEach((name, q) -> {
            String p = "capstan.queues.\"" + name + "\".";
            byQueue.put(name, new ResourceDefaults(
                    or(q.cpuPerGpu().map(v -> cpu(p + "cpu-per-gpu", v)), base.cpuMilliPerGpu()),
                    or(q.memoryPerGpu().map(v -> memory(p + "memory-per-gpu", v)), base.memoryMibPerGpu()),
                    or(q.cpuWithoutGpu().map(v -> cpu(p + "cpu-without-gpu", v)), base.cpuMilliWithoutGpu()),
                    or(q.memoryWithoutGpu().map(v -> memory(p + "memory-without-gpu", v)),
                            base.memoryMibWithoutGpu())));
        });
        return new QueueResourceDefaults(base, byQueue);
    }

    private static long or(Optional<Long> v, long fallback) {
        return v.orElse(fallback);
    }

    private static long cpu(String property, String value) {
        return positive(property, value, true);
    }

    private static long memory(String property, String value) {
        return positive(property, value, false);
    }

    private static long positive(String property, String value, boolean cpu) {
        try {
            Quantity q = Quantity.parse(value.trim());
            long v = cpu ? q.milliRoundedUp() : q.mebibytesRoundedUp();
            if (v > 0) {
                return v;
            }
            throw new Quantity.InvalidQuantityException("must be above 0");
        } catch (Quantity.InvalidQuantityException e) {
            throw new IllegalStateException(property + "=" + value + ": " + e.getMessage() + " (a Kubernetes "
                    + "quantity such as " + (cpu ? "4 or 500m" : "16Gi") + ")", e);
        }
    }
}
