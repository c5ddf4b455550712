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

    /**
     * {@code capstan.scheduler.transactional-id}: the Kafka transactional id every instance publishes its decisions
     * with. One id for all instances: the instance that starts deciding fences every earlier one, whose late
     * decisions the broker then refuses. Default {@code capstan-scheduler}.
     */
    @WithDefault("capstan-scheduler")
    String transactionalId();

    /**
     * {@code capstan.scheduler.finished-retention}: how long a finished workload is remembered (its id and last
     * attempt), so that a late repeat of one of its records changes nothing. What the scheduler holds, and its
     * checkpoints, grow with the workloads finished within this window, not with the whole history. Default 24h.
     */
    @WithDefault("24h")
    Duration finishedRetention();

    /** {@code capstan.scheduler.checkpoint.*}: start from the last checkpoint instead of the whole log. */
    Checkpoints checkpoint();

    /** Checkpoints of the scheduler's state on a compacted topic. */
    interface Checkpoints {
        /** Off: every start reads the whole log. Default on. */
        @WithDefault("true")
        boolean enabled();

        /** The compacted topic (one partition) holding them; created when missing. */
        @WithDefault("capstan.scheduler-checkpoints")
        String topic();

        /**
         * How often the deciding instance writes one when something changed (at least ten times as long as the
         * last one took, so that writing stays a small share of the loop's time). Default 30s.
         */
        @WithDefault("30s")
        Duration interval();
    }

    /** {@code capstan.scheduler.leader-election.*}: one active instance, the others hot standbys. */
    LeaderElection leaderElection();

    /** Leader election on a Kubernetes Lease. */
    interface LeaderElection {
        /** Off: this instance decides alone (one instance, or tests without a Kubernetes API). Default false. */
        @WithDefault("false")
        boolean enabled();

        /** Namespace of the Lease. Default {@code capstan}. */
        @WithDefault("capstan")
        String namespace();

        /** Name of the Lease. Default {@code capstan-scheduler}. */
        @WithDefault("capstan-scheduler")
        String leaseName();

        /** How long a lease holds without renewal: a standby takes over at most this long after a crash. */
        @WithDefault("8s")
        Duration leaseDuration();

        /** How long the active instance keeps trying to renew before it gives up leading. */
        @WithDefault("6s")
        Duration renewDeadline();

        /** How often a standby tries to acquire, and the active one renews. */
        @WithDefault("1s")
        Duration retryPeriod();

        /**
         * This instance's identity in the Lease; default the host name and process id, new at every start, so that a
         * restarted instance is a new candidate rather than the holder of its predecessor's lease.
         */
        java.util.Optional<String> identity();
    }
}
