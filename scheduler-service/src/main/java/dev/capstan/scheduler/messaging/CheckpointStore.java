package dev.capstan.scheduler.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.events.EventCodec;
import dev.capstan.events.NodeEvent;
import dev.capstan.scheduler.domain.queue.Checkpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The scheduler's checkpoints on a compacted single-partition topic, so that a start reads the last checkpoint and
 * the log after it instead of the whole history.
 *
 * <p>A checkpoint is written by the deciding instance inside a Kafka transaction (a deposed instance's is aborted
 * and never read): chunks of at most {@value #CHUNK_CHARS} characters keyed {@code <set>/<index>}, then a head
 * record keyed {@code head} naming the checkpoint, its chunks, the offset of its first chunk and the input
 * positions it covers. Two key sets ({@code a}, {@code b}) alternate, so writing a checkpoint never overwrites, and
 * compaction never removes, a chunk of the last complete one. Reading finds the last committed head near the end
 * of the partition, then reads its chunks only: the cost is the checkpoint's size, not the topic's.
 *
 * <p>Chunks are text: a first line {@code capstan-checkpoint <id> <index>}, then one line per entry,
 * {@code <kind> <json>}: N node, W workload, H admission held, F finished, R released, V revoked up to.
 */
final class CheckpointStore {

    static final int FORMAT = 1;
    static final int CHUNK_CHARS = 256 * 1024;
    private static final String HEAD = "head";
    private static final String MAGIC = "capstan-checkpoint";
    private static final Logger LOG = Logger.getLogger(CheckpointStore.class);
    private static final ObjectMapper JSON = EventCodec.mapper();

    /** The head record. */
    record Head(int format, String id, String set, int chunks, long firstOffset, Map<String, Long> positions,
            long arrivals, Instant takenAt, int entries) {
    }

    /** A checkpoint read back, with the input positions it covers. */
    record Loaded(Checkpoint checkpoint, Map<TopicPartition, Long> positions, Head head, long chars) {
    }

    /** Entry of the revocations map. */
    record Revoked(String id, int upTo) {
    }

    private final String bootstrap;
    private final TopicPartition partition;
    private String lastSet;

    CheckpointStore(String bootstrap, String topic) {
        this.bootstrap = bootstrap;
        this.partition = new TopicPartition(topic, 0);
    }

    String topic() {
        return partition.topic();
    }

    /** Creates the topic when missing: one partition, compacted, segments small enough to be cleaned soon. */
    void ensureTopic() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            if (admin.listTopics().names().get().contains(partition.topic())) {
                return;
            }
            NewTopic t = new NewTopic(partition.topic(), Optional.of(1), Optional.empty()).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024),
                    TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
                    TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.2"));
            admin.createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + partition.topic(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + partition.topic(), e);
        }
    }

    /**
     * Writes a checkpoint with the producer's current transaction (the caller begins and commits it).
     *
     * @return the head written
     */
    Head write(KafkaProducer<String, String> producer, Checkpoint cp, Map<TopicPartition, Long> positions,
            Instant now) {
        if (lastSet == null) {
            lastSet = latestHead().map(Head::set).orElse("b");
        }
        String set = "a".equals(lastSet) ? "b" : "a";
        String id = UUID.randomUUID().toString();
        List<String> chunks = chunks(id, cp);
        Future<RecordMetadata> first = null;
        for (int i = 0; i < chunks.size(); i++) {
            Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(partition.topic(), partition.partition(),
                    set + "/" + i, chunks.get(i)));
            if (i == 0) {
                first = ack;
            }
        }
        long firstOffset;
        try {
            firstOffset = first.get().offset();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing a checkpoint", e);
        }
        Map<String, Long> pos = new LinkedHashMap<>();
        positions.forEach((tp, offset) -> pos.put(tp.topic() + "/" + tp.partition(), offset));
        Head head = new Head(FORMAT, id, set, chunks.size(), firstOffset, pos, cp.arrivals(), now, cp.size());
        producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), HEAD, json(head)));
        lastSet = set;
        return head;
    }

    /** The checkpoint as chunks of lines. */
    static List<String> chunks(String id, Checkpoint cp) {
        List<String> out = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        List<String> lines = new ArrayList<>();
        cp.nodes().forEach(n -> lines.add("N " + json(n)));
        cp.workloads().forEach(w -> lines.add("W " + json(w)));
        cp.admissions().forEach(h -> lines.add("H " + json(h)));
        cp.finished().forEach(f -> lines.add("F " + json(f)));
        cp.released().forEach(f -> lines.add("R " + json(f)));
        cp.revokedUpTo().forEach((w, upTo) -> lines.add("V " + json(new Revoked(w, upTo))));
        cp.served().forEach(s -> lines.add("S " + json(s)));
        for (String line : lines) {
            if (chunk.length() > 0 && chunk.length() + line.length() + 1 > CHUNK_CHARS) {
                out.add(chunk.toString());
                chunk.setLength(0);
            }
            if (chunk.length() == 0) {
                chunk.append(MAGIC).append(' ').append(id).append(' ').append(out.size());
            }
            chunk.append('\n').append(line);
        }
        if (chunk.length() > 0 || out.isEmpty()) {
            if (chunk.length() == 0) {
                chunk.append(MAGIC).append(' ').append(id).append(' ').append(out.size());
            }
            out.add(chunk.toString());
        }
        return out;
    }

    /**
     * The last complete checkpoint, or empty when there is none or its content cannot be read (the caller then replays
     * the whole log).
     *
     * @throws org.apache.kafka.common.KafkaException when the broker cannot be read
     */
    Optional<Loaded> load() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            Optional<ConsumerRecord<String, String>> headRecord = latestHeadRecord(consumer);
            if (headRecord.isEmpty()) {
                return Optional.empty();
            }
            Head head = JSON.readValue(headRecord.get().value(), Head.class);
            if (head.format() != FORMAT) {
                LOG.warnf("checkpoint %s has format %d, this version reads %d: replaying the whole log", head.id(),
                        head.format(), FORMAT);
                return Optional.empty();
            }
            String[] chunks = new String[head.chunks()];
            consumer.seek(partition, head.firstOffset());
            long headOffset = headRecord.get().offset();
            long chars = 0;
            while (consumer.position(partition) < headOffset) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= headOffset || r.key() == null || !r.key().startsWith(head.set() + "/")
                            || r.value() == null) {
                        continue;
                    }
                    int nl = r.value().indexOf('\n');
                    String[] first = (nl < 0 ? r.value() : r.value().substring(0, nl)).split(" ");
                    if (first.length == 3 && first[0].equals(MAGIC) && first[1].equals(head.id())) {
                        int index = Integer.parseInt(first[2]);
                        if (index >= 0 && index < chunks.length) {
                            chunks[index] = r.value();
                            chars += r.value().length();
                        }
                    }
                }
            }
            for (int i = 0; i < chunks.length; i++) {
                if (chunks[i] == null) {
                    LOG.warnf("checkpoint %s misses chunk %d of %d: replaying the whole log", head.id(), i,
                            chunks.length);
                    return Optional.empty();
                }
            }
            Map<TopicPartition, Long> positions = new HashMap<>();
            head.positions().forEach((k, v) -> {
                int slash = k.lastIndexOf('/');
                positions.put(new TopicPartition(k.substring(0, slash), Integer.parseInt(k.substring(slash + 1))), v);
            });
            return Optional.of(new Loaded(parse(chunks, head.arrivals()), positions, head, chars));
        } catch (JsonProcessingException | IllegalArgumentException | IndexOutOfBoundsException e) {
            // What the checkpoint holds cannot be read (another format, a damaged record): the whole log is read
            // instead. A broker that cannot be reached is not that: its exception goes up and the loop tries again,
            // rather than replaying from the beginning of topics whose oldest records may be gone already.
            LOG.warnf(e, "the last checkpoint on %s cannot be read: replaying the whole log", partition.topic());
            return Optional.empty();
        }
    }

    static Checkpoint parse(String[] chunks, long arrivals) throws JsonProcessingException {
        List<NodeEvent.NodeUpdated> nodes = new ArrayList<>();
        List<Checkpoint.Workload> workloads = new ArrayList<>();
        List<Checkpoint.Held> held = new ArrayList<>();
        List<Checkpoint.Finished> finished = new ArrayList<>();
        List<Checkpoint.Released> released = new ArrayList<>();
        Map<String, Integer> revoked = new HashMap<>();
        List<Checkpoint.Served> served = new ArrayList<>();
        for (String chunk : chunks) {
            String[] lines = chunk.split("\n");
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                String body = line.substring(2);
                switch (line.charAt(0)) {
                    case 'N' -> nodes.add(JSON.readValue(body, NodeEvent.NodeUpdated.class));
                    case 'W' -> workloads.add(JSON.readValue(body, Checkpoint.Workload.class));
                    case 'H' -> held.add(JSON.readValue(body, Checkpoint.Held.class));
                    case 'F' -> finished.add(JSON.readValue(body, Checkpoint.Finished.class));
                    case 'R' -> released.add(JSON.readValue(body, Checkpoint.Released.class));
                    case 'V' -> {
                        Revoked r = JSON.readValue(body, Revoked.class);
                        revoked.put(r.id(), r.upTo());
                    }
                    case 'S' -> served.add(JSON.readValue(body, Checkpoint.Served.class));
                    default -> throw new IllegalArgumentException("unknown checkpoint line kind " + line.charAt(0));
                }
            }
        }
        return new Checkpoint(arrivals, nodes, workloads, held, finished, released, revoked, served);
    }

    private Optional<Head> latestHead() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            return latestHeadRecord(consumer).map(r -> {
                try {
                    return JSON.readValue(r.value(), Head.class);
                } catch (JsonProcessingException e) {
                    return null;
                }
            });
        }
    }

    /**
     * The last committed head: scans back from the end in growing windows (the head is the last record of its
     * transaction, so it is usually within the last few offsets).
     */
    private Optional<ConsumerRecord<String, String>> latestHeadRecord(KafkaConsumer<String, String> consumer) {
        consumer.assign(List.of(partition));
        long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
        long end = consumer.endOffsets(List.of(partition)).get(partition); // read_committed: the last stable offset
        long window = 64;
        long to = end;
        while (to > begin) {
            long from = Math.max(begin, to - window);
            consumer.seek(partition, from);
            ConsumerRecord<String, String> last = null;
            while (consumer.position(partition) < to) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < to && HEAD.equals(r.key()) && r.value() != null) {
                        last = r;
                    }
                }
            }
            if (last != null) {
                return Optional.of(last);
            }
            to = from;
            window *= 8;
        }
        return Optional.empty();
    }

    private KafkaConsumer<String, String> consumer() {
        Properties p = committedReader(bootstrap, "scheduler-checkpoints-");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        // Reading up to the end offset: a fetch past the last records (transaction markers) must not wait 500 ms.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        return new KafkaConsumer<>(p);
    }

    /**
     * Settings of a scheduler's String consumer without a group that reads only committed records: decisions and
     * checkpoints are written in transactions, and a deposed instance's are aborted.
     */
    static Properties committedReader(String bootstrap, String clientIdPrefix) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }
}
