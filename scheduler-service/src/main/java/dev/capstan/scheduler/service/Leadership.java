package dev.capstan.scheduler.service;

import dev.capstan.scheduler.config.SchedulerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Which scheduler instance decides. With leader election on, instances compete for a Kubernetes Lease (fabric8's
 * leader elector); the holder decides, the others follow the log as hot standbys and take over when the lease
 * lapses. An instance that loses the lease stops deciding at once and exits, to come back as a standby: it never
 * decides again on a state it may have missed. The lease alone cannot stop a paused instance from publishing
 * late; the Kafka transactional id shared by all instances does (see {@code SchedulerLoop}).
 */
@ApplicationScoped
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);

    private final SchedulerConfig.LeaderElection config;
    private final Instance<KubernetesClient> kube;
    private final String identity;
    private volatile boolean leading;
    private volatile String leader;
    private volatile boolean stopping;
    private CompletableFuture<?> election;

    Leadership(SchedulerConfig config, Instance<KubernetesClient> kube) {
        this.config = config.leaderElection();
        this.kube = kube;
        this.identity = this.config.identity().orElseGet(Leadership::defaultIdentity);
        this.leading = !this.config.enabled();
        this.leader = leading ? identity : null;
    }

    /**
     * Called once the log is replayed: only then does this instance compete for the lease, so that a freshly
     * (re)started instance never wins over a hot standby that is already caught up.
     */
    public synchronized void caughtUp() {
        if (!config.enabled() || election != null || stopping) {
            return;
        }
        election = kube.get().leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("capstan-scheduler")
                .withLock(new LeaseLock(config.namespace(), config.leaseName(), identity))
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
                .build()).build().start();
        LOG.infof("competing for lease %s/%s as %s", config.namespace(), config.leaseName(), identity);
    }

    synchronized void stop(@Observes ShutdownEvent e) {
        stopping = true;
        if (election != null) {
            election.cancel(true); // releases the lease: a standby takes over without waiting for it to lapse
        }
    }

    /** Whether this instance may decide now. */
    public boolean leading() {
        return leading;
    }

    /** This instance's identity. */
    public String identity() {
        return identity;
    }

    /** The identity of the instance that holds the lease, as last seen (null while unknown). */
    public String leader() {
        return leader;
    }

    private void startedLeading() {
        LOG.infof("%s leads: deciding from now on", identity);
        leading = true;
    }

    private void stoppedLeading() {
        if (!leading || stopping) {
            leading = false;
            return;
        }
        leading = false;
        LOG.warnf("%s lost the lease: it stops deciding and exits, to restart as a standby", identity);
        Quarkus.asyncExit(3);
    }

    /** Called by the loop when the broker refused its transaction: another instance decides now. */
    public void deposed(String why) {
        leading = false;
        LOG.errorf("%s was fenced by another scheduler instance (%s): it stops deciding and exits%s", identity, why,
                config.enabled() ? ", to restart as a standby" : "; two instances without leader election is a "
                        + "misconfiguration (capstan.scheduler.leader-election.enabled)");
        Quarkus.asyncExit(3);
    }

    private void newLeader(String id) {
        leader = id;
        LOG.infof("the scheduler leader is %s", id);
    }

    private static String defaultIdentity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "scheduler";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
