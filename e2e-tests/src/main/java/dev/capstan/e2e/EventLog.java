package dev.capstan.e2e;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.KafkaEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Follows Capstan topics from the beginning in the background, as the operator console would, and
 * keeps every event with the time this process saw it.
 */
public final class EventLog implements AutoCloseable {

    /** One event, when this process received it, and the raw record. */
    public record Seen(CapstanEvent event, long seenNanos, ConsumerRecord<String, String> record) {
    }

    private final List<Seen> events = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public EventLog(String bootstrap, List<String> topics) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KafkaTopics.fromTheBeginning(bootstrap));
        consumer.subscribe(topics);
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        try {
                            events.add(new Seen(KafkaEvents.read(r), now, r));
                        } catch (RuntimeException unreadable) {
                            // not ours to judge here
                        }
                    }
                }
            }
        }, "event-log");
        thread.setDaemon(true);
        thread.start();
    }

    /** Every event seen so far, in arrival order. */
    public List<Seen> all() {
        return new ArrayList<>(events);
    }

    /** Events of one record class. */
    public <T extends CapstanEvent> List<T> of(Class<T> type) {
        return events.stream().map(Seen::event).filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
