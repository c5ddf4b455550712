package dev.capstan.autoscaler.messaging;

import dev.capstan.autoscaler.config.AutoscalerConfig;
import dev.capstan.autoscaler.domain.ScaleDecision;
import dev.capstan.autoscaler.service.AliasRollback;
import dev.capstan.autoscaler.service.AutoscalingService;
import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ScalingEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Runs the decision loop every 100 ms (each service decides at its own tick, once the sample that completes it has
 * arrived: see {@code DecisionClock}; the short loop is what a decision waits after its data) and publishes to
 * {@code capstan.scaling}, keyed by service so that one service's records stay in order: the replica counts
 * ({@code ScaleDecided}), then the serving plans ({@code RevisionsPlanned}: revisions, replicas, weights, rollout),
 * once the models and earlier plans were read: in the pass that changed a count, and otherwise every
 * {@code plan-every} (1 s). One scheduler thread sends them in decision order, and the idempotent producer keeps that
 * order per partition. A plan the broker did not take is published again at the next planning pass; an alias a
 * failed rollout must move back is handed to {@link AliasRollback}.
 */
@ApplicationScoped
public class DecisionPublisher {

    private static final Logger LOG = Logger.getLogger(DecisionPublisher.class);

    private final AutoscalingService autoscaling;
    private final ServingLog servingLog;
    private final AliasRollback rollback;
    private final Emitter<String> emitter;
    private final Clock clock;
    private final long planEveryMillis;
    private long nextPlanMillis = Long.MIN_VALUE;

    DecisionPublisher(AutoscalingService autoscaling, ServingLog servingLog, AliasRollback rollback,
            @Channel("scaling") Emitter<String> emitter, Clock clock, AutoscalerConfig config) {
        this.planEveryMillis = config.planEvery().toMillis();
        this.autoscaling = autoscaling;
        this.servingLog = servingLog;
        this.rollback = rollback;
        this.emitter = emitter;
        this.clock = clock;
    }

    @Scheduled(every = "${capstan.autoscaler.loop:100ms}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void loop() {
        List<ScaleDecision> decided = autoscaling.decideDue();
        for (ScaleDecision d : decided) {
            try {
                publish(d);
            } catch (RuntimeException e) {
                LOG.debugf("cannot publish the decision of %s yet: %s", d.service(), e.getMessage());
            }
        }
        long now = clock.millis();
        if (servingLog.caughtUp() && (!decided.isEmpty() || now >= nextPlanMillis)) {
            nextPlanMillis = now + planEveryMillis;
            AutoscalingService.Plans due = autoscaling.planDue(servingLog.models());
            for (ScalingEvent.RevisionsPlanned plan : due.plans()) {
                LOG.infof("plan of %s: %s (%s)", plan.service(), shape(plan), plan.reason());
                try {
                    send(plan).whenComplete((ok, failure) -> {
                        if (failure != null) {
                            LOG.warnf("cannot publish the plan of %s, publishing it again: %s", plan.service(),
                                    failure);
                            autoscaling.publishFailed(plan.service());
                        }
                    });
                } catch (RuntimeException e) {
                    // The channel is not connected yet (start-up): the plan goes out at the next tick.
                    LOG.debugf("cannot publish the plan of %s yet: %s", plan.service(), e.getMessage());
                    autoscaling.publishFailed(plan.service());
                }
            }
            due.restores().forEach(rollback::request);
        }
    }

    /** {@code v1×5 90 % | v2×1 10 % [canary step 0]}, for the log. */
    static String shape(ScalingEvent.RevisionsPlanned plan) {
        StringBuilder s = new StringBuilder();
        plan.revisions().forEach(r -> s.append(s.isEmpty() ? "" : " | ").append(r.name()).append('×')
                .append(r.replicas()).append(' ').append(r.weight()).append(" %"));
        if (plan.rollout() != null) {
            s.append(" [").append(plan.rollout().phase()).append(" step ").append(plan.rollout().step()).append(']');
        }
        return s.isEmpty() ? "no revisions" : s.toString();
    }

    void publish(ScaleDecision d) {
        send(new ScalingEvent.ScaleDecided(d.service(), d.currentReplicas(), d.desiredReplicas(), d.reason().wire(),
                d.policy(), d.figures(), d.decidedAt()));
    }

    /** Publishes a plan and returns once the broker has it (the plan that releases a deleted service's replicas). */
    public void publishAndWait(ScalingEvent.RevisionsPlanned plan) {
        try {
            send(plan).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the plan of " + plan.service(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish the plan of " + plan.service(), e);
        }
    }

    private CompletableFuture<Void> send(CapstanEvent event) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.forEvent(event, "autoscaler-service", clock.instant()).asHeaders()
                .forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        CompletableFuture<Void> done = new CompletableFuture<>();
        emitter.send(Message.of(EventCodec.toJson(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.subject())
                        .withHeaders(headers).build())
                .withAck(() -> {
                    done.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    done.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return done;
    }
}
