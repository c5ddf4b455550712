package dev.capstan.localstack.demo;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.Topics;
import dev.capstan.traces.Trace;
import dev.capstan.traces.TraceFiles;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongToDoubleFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A simulated inference gateway for one service, for the local stack: it creates the service through
 * submission-service's API ({@code POST /api/v1/inference-services}; its model is registered first when the registry
 * does not have it), reports one request-rate sample per second on {@code capstan.inference-metrics}
 * (Poisson arrivals around a demand curve, served by the replicas the autoscaler asked for once their cold start
 * has passed; errors and latency of the model version the alias points at, per its {@link RevisionBehaviour} tags;
 * the sample names that version as its revision) and follows the decisions on {@code capstan.scaling}. Nothing here decides anything: it is the
 * traffic an upstream gateway (Knative activator, an LLM router) would report.
 */
public final class InferenceGateway implements AutoCloseable {

    /** The demo's demand: a base of 3 rps, a 12 rps burst for 20 s every 2 min, silence for 2 min every 10 min. */
    public static double demoDemand(long second) {
        long inTen = second % 600;
        if (inTen >= 480) {
            return 0;
        }
        return second % 120 < 20 ? 12 : 3;
    }

    /**
     * A trace's demand, played from its first second and again from the start when it ends: second {@code s} asks
     * for the requests the trace has in second {@code s mod length}.
     */
    public static LongToDoubleFunction traceDemand(Trace trace) {
        double[] perSecond = trace.requestsPerSec();
        if (perSecond.length == 0) {
            throw new IllegalArgumentException("trace " + trace.name() + " is empty");
        }
        return second -> perSecond[(int) (second % perSecond.length)];
    }

    /** The trace of a file with the most requests (Azure Functions files hold one per function). */
    public static Trace busiest(Path file) throws java.io.IOException {
        return TraceFiles.read(file).stream().max(java.util.Comparator.comparingDouble(Trace::total))
                .orElseThrow(() -> new java.io.IOException(file + " holds no trace"));
    }

    private final String submissionUrl;
    private final String registryUrl;
    private final String service;
    private final double targetRps;
    private final int coldStartSeconds;
    private final int queueTimeoutMillis;
    private final LongToDoubleFunction demand;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> decisions;
    private final PrintStream out;
    private final Clock clock;
    private final Random random = new Random(42);
    private final AtomicBoolean running = new AtomicBoolean(true);
    /**
     * Decided counts with the time they were decided: replicas serve a cold start after they were asked for. This
     * and the counts below belong to the reporting thread; only {@link #last} is read from outside.
     */
    private final Deque<long[]> asked = new ArrayDeque<>();
    private int desired;
    private int inForceAtHorizon;
    private volatile ScalingEvent.ScaleDecided last;
    /** The version the alias points at ({@code v7}) and how its replicas answer; refreshed every 10 s. */
    private String revision;
    private RevisionBehaviour behaviour = RevisionBehaviour.HEALTHY;
    private Thread thread;

    public InferenceGateway(String kafka, String submissionUrl, String registryUrl, String service, double targetRps,
            int coldStartSeconds, int queueTimeoutMillis, LongToDoubleFunction demand, PrintStream out) {
        this.submissionUrl = submissionUrl;
        this.registryUrl = registryUrl;
        this.service = service;
        this.targetRps = targetRps;
        this.coldStartSeconds = coldStartSeconds;
        this.queueTimeoutMillis = queueTimeoutMillis;
        this.demand = demand;
        this.out = out;
        this.clock = Clock.systemUTC();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // assigned, not subscribed: no group
        this.decisions = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    }

    /** Announces the service and starts reporting, one sample per second, on a daemon thread. */
    public InferenceGateway start() throws Exception {
        // Read every partition from its current end, fixed before the service is announced: no decision about
        // it can be published before this position (a group join would race with the first decision).
        List<TopicPartition> partitions = decisions.partitionsFor(Topics.SCALING).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        decisions.assign(partitions);
        decisions.seekToEnd(partitions);
        partitions.forEach(decisions::position);
        create();
        thread = new Thread(this::loop, "inference-gateway-" + service);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /**
     * Creates the service through submission-service's API, as a user would (an earlier run's service of that name
     * is changed to these settings instead).
     */
    private void create() throws Exception {
        String settings = "\"queue\":\"default\",\"model\":\"" + service + "@production\","
                + "\"image\":\"registry/serve:1\",\"replica\":{\"gpus\":1,\"gpuMilli\":500,\"cpuMilli\":1000,"
                + "\"memoryMib\":4096},\"minReplicas\":0,\"maxReplicas\":20,\"targetRps\":" + targetRps
                + ",\"scaleToZero\":true,\"scaleToZeroGraceSeconds\":30,\"coldStartSeconds\":" + coldStartSeconds
                + ",\"queueTimeoutMillis\":" + queueTimeoutMillis;
        URI api = URI.create(submissionUrl + "/api/v1/inference-services");
        HttpClient http = HttpClient.newHttpClient();
        ensureModel(http);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + service + "\"," + settings + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 409) {
            r = http.send(HttpRequest.newBuilder(URI.create(api + "/" + service))
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{" + settings + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("creating inference service " + service + ": " + r.statusCode() + " "
                    + r.body());
        }
    }

    /**
     * Registers the service's model in the registry with a first version behind alias {@code production}, unless the
     * alias exists already: submission-service refuses a service whose model the registry does not know.
     */
    private void ensureModel(HttpClient http) throws Exception {
        if (registryUrl == null) {
            return;
        }
        String model = registryUrl + "/api/v1/models/" + service;
        if (http.send(HttpRequest.newBuilder(URI.create(model + "/aliases/production")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
        }
        HttpResponse<String> created = http.send(json(URI.create(registryUrl + "/api/v1/models"), "POST",
                "{\"name\":\"" + service + "\",\"queue\":\"default\",\"description\":\"the demo's inference model\"}"),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> version = http.send(json(URI.create(model + "/versions"), "POST",
                "{\"artifactUri\":\"s3://demo/" + service + "/1\",\"format\":\"onnx\"}"),
                HttpResponse.BodyHandlers.ofString());
        if (version.statusCode() != 201) {
            throw new IllegalStateException("registering model " + service + ": " + created.statusCode() + ", "
                    + version.statusCode() + " " + version.body());
        }
        int v = EventCodec.mapper().readTree(version.body()).path("version").asInt();
        HttpResponse<String> alias = http.send(json(URI.create(model + "/aliases/production"), "PUT",
                "{\"version\":" + v + ",\"reason\":\"first version of the demo\"}"), HttpResponse.BodyHandlers.ofString());
        if (alias.statusCode() != 200) {
            throw new IllegalStateException("promoting model " + service + ": " + alias.statusCode() + " "
                    + alias.body());
        }
    }

    private static HttpRequest json(URI uri, String method, String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The newest decision the autoscaler published for this service, or null. */
    public ScalingEvent.ScaleDecided lastDecision() {
        return last;
    }

    private void loop() {
        Instant start = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        long second = 0;
        try {
            while (running.get()) {
                Instant windowStart = start.plusSeconds(second);
                long sleep = Duration.between(clock.instant(), windowStart.plusSeconds(1)).toMillis();
                pollDecisions(Math.max(1, sleep));
                if (second % 10 == 0) {
                    refreshRevision();
                }
                long requests = poisson(demand.applyAsDouble(second));
                int ready = readyReplicas(clock.instant());
                long capacity = (long) Math.ceil(ready * targetRps);
                RevisionBehaviour.Second answered = behaviour.serve(requests, capacity, random);
                send(Topics.INFERENCE_METRICS, new InferenceMetricsEvent.RequestRateSample(service, windowStart, 1.0,
                        requests, Math.min(requests, capacity), answered.p99LatencyMs(), ready, revision,
                        answered.errors(), answered.p50LatencyMs()));
                second++;
            }
        } catch (Exception e) {
            if (running.get()) {
                out.println("[inference-demo] gateway stopped: " + e);
            }
        }
    }

    /**
     * Which version the service's alias points at now, and how that version's simulated replicas answer (its tags,
     * see {@link RevisionBehaviour}); unchanged when the registry cannot say.
     */
    private void refreshRevision() {
        if (registryUrl == null) {
            return;
        }
        try {
            HttpClient http = HttpClient.newHttpClient();
            String model = registryUrl + "/api/v1/models/" + service;
            HttpResponse<String> alias = http.send(HttpRequest.newBuilder(URI.create(model + "/aliases/production"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (alias.statusCode() != 200) {
                return;
            }
            int v = EventCodec.mapper().readTree(alias.body()).path("version").asInt();
            HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(model + "/versions/" + v))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (version.statusCode() != 200) {
                return;
            }
            Map<String, String> tags = new java.util.HashMap<>();
            EventCodec.mapper().readTree(version.body()).path("tags").fields()
                    .forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
            revision = "v" + v;
            behaviour = RevisionBehaviour.of(tags);
        } catch (java.io.IOException e) {
            // the registry is restarting: keep serving as before
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pollDecisions(long millis) {
        for (ConsumerRecord<String, String> r : decisions.poll(Duration.ofMillis(millis))) {
            if (!service.equals(r.key())) {
                continue;
            }
            ScalingEvent.ScaleDecided d = EventCodec.fromJson(ScalingEvent.ScaleDecided.class, r.value());
            last = d;
            desired = d.desiredReplicas();
            asked.addLast(new long[] {clock.millis(), desired});
            if (out != null) {
                out.printf("[inference-demo] %s: %d → %d replicas (%s)%n", service, d.currentReplicas(),
                        d.desiredReplicas(), d.reason());
            }
        }
    }

    /**
     * Replicas that serve now: removals take effect at once, additions a cold start after they were asked for, so
     * the count in force a cold start ago, capped by the count wanted now.
     */
    private int readyReplicas(Instant now) {
        long horizon = now.toEpochMilli() - coldStartSeconds * 1000L;
        while (!asked.isEmpty() && asked.peekFirst()[0] <= horizon) {
            inForceAtHorizon = (int) asked.removeFirst()[1];
        }
        return Math.min(desired, inForceAtHorizon);
    }

    private long poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        // Knuth's method is fine for the demo's small means.
        double limit = Math.exp(-mean);
        double p = 1;
        long k = 0;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    private void send(String topic, CapstanEvent event) throws Exception {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, service, EventCodec.toJson(event));
        CloudEventHeaders.forEvent(event, "inference-gateway", clock.instant()).asHeaders()
                .forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(r).get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(3000);
        }
        producer.close(Duration.ofSeconds(2));
        decisions.close(Duration.ofSeconds(2));
    }
}
