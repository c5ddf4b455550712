package dev.capstan.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Scheduler settings, under {@code capstan.scheduler}. */
@ConfigMapping(prefix = "capstan.scheduler")
public interface SchedulerConfig {

    /** Placement policy: capstan (default), fgd, bestfit, firstfit, random. */
    @WithDefault("capstan")
    String policy();

    /** Longest wait for new events before the loop checks again (also the shutdown latency). */
    @WithDefault("200ms")
    Duration pollTimeout();
}
