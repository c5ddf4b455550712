package dev.capstan.support.outbox;

import dev.capstan.events.CloudEventHeaders;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in id order and deletes them once the broker acknowledged them.
 * It runs on one thread, woken by each commit that wrote an event and by a periodic sweep that
 * catches rows left by a crash. A failed send leaves the rows for the next pass (at least once). The
 * service needs an outgoing channel {@code outbox} (each record names its own topic) and the outbox table.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;

    private final MutinyEmitter<String> emitter;
    private final EntityManager em;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "outbox-relay"));
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();

    private final String source;

    OutboxRelay(@Channel("outbox") MutinyEmitter<String> emitter, EntityManager em,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.emitter = emitter;
        this.em = em;
        this.source = "/" + service;
    }

    /** Asks for a pass; several wake-ups while a pass runs collapse into one more pass. */
    public void wakeUp() {
        wanted.set(true);
        if (!worker.isShutdown() && running.compareAndSet(false, true)) {
            worker.execute(this::drainWhileWanted);
        }
    }

    @Scheduled(every = "1s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        wakeUp();
    }

    void stop(@Observes ShutdownEvent e) {
        worker.shutdown();
    }

    private void drainWhileWanted() {
        try {
            while (wanted.getAndSet(false)) {
                while (publishBatch() == BATCH) {
                    // a full batch: more rows are likely waiting
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay pass failed, rows stay for the next pass: %s", e.getMessage());
        } finally {
            running.set(false);
            if (wanted.get() && !worker.isShutdown() && running.compareAndSet(false, true)) {
                worker.execute(this::drainWhileWanted);
            }
        }
    }

    private int publishBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<OutboxEntity> rows = em.createNativeQuery(
                    "select * from outbox order by id limit " + BATCH + " for update skip locked", OutboxEntity.class)
                    .getResultList();
            if (rows.isEmpty()) {
                return 0;
            }
            List<Uni<Void>> sends = new ArrayList<>(rows.size());
            for (OutboxEntity row : rows) {
                sends.add(emitter.sendMessage(toMessage(row)));
            }
            Uni.join().all(sends).andFailFast().runSubscriptionOn(Infrastructure.getDefaultExecutor())
                    .await().atMost(Duration.ofSeconds(30));
            List<Long> ids = rows.stream().map(r -> r.id).toList();
            em.createQuery("delete from OutboxEntity o where o.id in :ids").setParameter("ids", ids).executeUpdate();
            return rows.size();
        });
    }

    private Message<String> toMessage(OutboxEntity row) {
        RecordHeaders headers = new RecordHeaders();
        new CloudEventHeaders(row.eventId, row.eventType, source, row.eventKey, row.createdAt)
                .asHeaders().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return Message.of(row.payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic).withKey(row.eventKey).withHeaders(headers).build());
    }
}
