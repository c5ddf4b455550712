package dev.capstan.localstack.demo;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.KafkaEvents;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.Topics;
import dev.capstan.traces.Trace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.LongToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A simulated inference gateway for one service, for the local stack: it creates the service through
 * submission-service's API ({@code POST /api/v1/inference-services}; its model is registered first when the registry
 * does not have it), follows the autoscaler's serving plans ({@link ScalingEvent.RevisionsPlanned} on
 * {@code capstan.scaling}) and routes traffic to the replicas that serve, as the Kubernetes API shows them.
 *
 * <p>Every second: Poisson arrivals around a demand curve, split between the revisions by the plan's weights over
 * the revisions that have a ready replica pod ({@link TrafficSplit}); each revision's share is served by its ready
 * replicas with the errors and latency of its model version, per that version's {@link RevisionBehaviour} tags;
 * requests no revision can take fail. It reports on {@code capstan.inference-metrics} one request-rate sample per
 * revision that has ready replicas (what a canary analysis judges) and one of the whole service, without a revision
 * (what the service is scaled from), sent every second even without requests. Nothing here decides anything: it is
 * the traffic an upstream gateway (Knative activator, an LLM router) would report.
 */
public final class InferenceGateway implements AutoCloseable {

    /** Where the executor creates replica pods: its {@code capstan.executor.namespace}, as the local stack runs it. */
    public static final String REPLICA_NAMESPACE = "capstan";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The service's creation (submission-service asks the registry whether the model exists) and the model's setup:
     * on two cores shared with a benchmark's stack these took over 5 s once, and the demo stopped.
     */
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);
    /** How often a model version's tags are read again from the registry, in seconds. */
    private static final int BEHAVIOUR_REFRESH_SECONDS = 10;

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

    /** A model version a revision serves; the key of the behaviours read from the registry. */
    private record ModelVersion(String model, int version) {

        /** Parses {@code name:version} (a replica pod's annotation); null when it is not that. */
        static ModelVersion parse(String text) {
            int colon = text == null ? -1 : text.lastIndexOf(':');
            if (colon <= 0) {
                return null;
            }
            try {
                return new ModelVersion(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private final String submissionUrl;
    private final String registryUrl;
    private final String service;
    private final double targetRps;
    private final int coldStartSeconds;
    private final int queueTimeoutMillis;
    private final LongToDoubleFunction demand;
    private final KubernetesClient kube;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> plans;
    private final HttpClient http;
    private final PrintStream out;
    private final Clock clock;
    private final Random random = new Random(42);
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Slices of a second, each routed by the plan of its moment. */
    static final int SLICES = 10;
    /** The newest plan for this service; written by the reporting thread, read from outside. */
    private volatile ScalingEvent.RevisionsPlanned last;
    /** The plan requests were last routed by (reporting thread). */
    private ScalingEvent.RevisionsPlanned applied;
    /** Told when requests are first routed by a plan, and when. */
    private volatile BiConsumer<ScalingEvent.RevisionsPlanned, Instant> onApplied;
    /**
     * How each model version's replicas answer, read from the registry when a version first serves and again every
     * {@value #BEHAVIOUR_REFRESH_SECONDS} s. This and the rest below belong to the reporting thread.
     */
    private final Map<ModelVersion, RevisionBehaviour> behaviours = new HashMap<>();
    /** Requests waiting for a free replica, per revision. */
    private final Map<String, RevisionQueue> queues = new HashMap<>();
    private volatile ReplicaPods replicas;
    private volatile Instant firstWindowStart;
    private int maxReplicas = 20;
    private Thread thread;

    /**
     * A gateway that has not started yet (see {@link #start()}).
     *
     * @param kafka              the broker's bootstrap servers
     * @param kube               a client of the API server the replicas run on; the gateway watches their pods in
     *                           {@link #REPLICA_NAMESPACE} and leaves the client open
     * @param submissionUrl      submission-service's base URL
     * @param registryUrl        model-registry's base URL, or null: no model is registered and every version is
     *                           healthy
     * @param service            the inference service
     * @param targetRps          requests per second one replica takes (also the service's scaling target)
     * @param coldStartSeconds   the service's cold start, as announced
     * @param queueTimeoutMillis the service's queue timeout, as announced
     * @param demand             mean requests of each second since the start
     * @param out                where plans are told, or null
     */
    public InferenceGateway(String kafka, KubernetesClient kube, String submissionUrl, String registryUrl,
            String service, double targetRps, int coldStartSeconds, int queueTimeoutMillis, LongToDoubleFunction demand,
            PrintStream out) {
        this.submissionUrl = submissionUrl;
        this.registryUrl = registryUrl;
        this.service = service;
        this.targetRps = targetRps;
        this.coldStartSeconds = coldStartSeconds;
        this.queueTimeoutMillis = queueTimeoutMillis;
        this.demand = demand;
        this.kube = kube;
        this.out = out;
        this.clock = Clock.systemUTC();
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // assigned, not subscribed: no group
        this.plans = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Starts watching the service's replica pods, announces the service and starts reporting, one second at a time,
     * on a daemon thread. When it fails, everything it opened is closed again.
     */
    public InferenceGateway start() throws Exception {
        return announce().play();
    }

    /**
     * The service's largest replica count, as the gateway announces it (default 20); before {@link #announce()}.
     */
    public InferenceGateway maxReplicas(int max) {
        this.maxReplicas = max;
        return this;
    }

    /**
     * The first half of {@link #start()}: reads the plans in force, starts watching the replica pods and announces the
     * service, without playing any request yet (a benchmark waits here until the autoscaler knows the service).
     */
    public InferenceGateway announce() throws Exception {
        try {
            // Read every partition from its beginning up to its end as it is now, before the service is announced:
            // a gateway started again finds the plan in force (routing without it would split traffic evenly), and
            // no plan published later is missed (a group join would race with the first plan).
            List<TopicPartition> partitions = plans.partitionsFor(Topics.SCALING).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            plans.assign(partitions);
            plans.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = plans.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> plans.position(tp) < ends.get(tp))) {
                pollPlans(200, null); // earlier plans are not told
            }
            replicas = new ReplicaPods(kube, REPLICA_NAMESPACE, service);
            create();
        } catch (Exception e) {
            close();
            throw e;
        }
        return this;
    }

    /**
     * The second half of {@link #start()}: plays the demand, one second at a time, on a daemon thread, from the
     * start of the current second ({@link #firstWindowStart()} is set when this returns).
     */
    public InferenceGateway play() {
        Instant start = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        firstWindowStart = start;
        thread = new Thread(() -> loop(start), "inference-gateway-" + service);
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
                + "\"memoryMib\":4096},\"minReplicas\":0,\"maxReplicas\":" + maxReplicas + ",\"targetRps\":" + targetRps
                + ",\"scaleToZero\":true,\"scaleToZeroGraceSeconds\":30,\"coldStartSeconds\":" + coldStartSeconds
                + ",\"queueTimeoutMillis\":" + queueTimeoutMillis;
        URI api = URI.create(submissionUrl + "/api/v1/inference-services");
        ensureModel();
        HttpResponse<String> r = http.send(json(api, "POST", "{\"name\":\"" + service + "\"," + settings + "}"),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 409) {
            r = http.send(json(URI.create(api + "/" + service), "PATCH", "{" + settings + "}"),
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
    private void ensureModel() throws Exception {
        if (registryUrl == null) {
            return;
        }
        String model = registryUrl + "/api/v1/models/" + service;
        if (http.send(get(URI.create(model + "/aliases/production")), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200) {
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

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    }

    /** A change, made once at the start: as patient as a user (a busy machine answers slowly, see SETUP_TIMEOUT). */
    private static HttpRequest json(URI uri, String method, String body) {
        return HttpRequest.newBuilder(uri).timeout(SETUP_TIMEOUT).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /**
     * Where the first of the gateway's one-second windows starts (its samples cover {@code [start + s, start + s +
     * 1)}), or null before {@link #play()}.
     */
    public Instant firstWindowStart() {
        return firstWindowStart;
    }

    /** The newest serving plan the autoscaler published for this service (read back at the start), or null. */
    public ScalingEvent.RevisionsPlanned lastPlan() {
        return last;
    }

    /** Tells {@code listener} (on the gateway's thread) when requests are first routed by each new plan. */
    public InferenceGateway onPlanApplied(BiConsumer<ScalingEvent.RevisionsPlanned, Instant> listener) {
        this.onApplied = listener;
        return this;
    }

    /** Ready replicas per revision as the gateway sees them in the Kubernetes API (empty before it started). */
    public Map<String, Integer> readyByRevision() {
        ReplicaPods pods = replicas;
        return pods == null ? Map.of() : pods.readyByRevision();
    }

    private void loop(Instant start) {
        long second = 0;
        try {
            while (running.get()) {
                Instant windowStart = start.plusSeconds(second);
                // Requests are routed in slices of the second, each by the plan and the ready replicas of its
                // moment: a new plan takes effect within a slice, as a gateway routing each request would.
                double mean = demand.applyAsDouble(second) / SLICES;
                long requests = 0;
                Map<String, Long> routed = new TreeMap<>();
                ScalingEvent.RevisionsPlanned plan = null;
                Map<String, Integer> ready = Map.of();
                for (int slice = 1; slice <= SLICES && running.get(); slice++) {
                    // A poll returns as soon as records come: poll again until the slice is over, so that a burst
                    // on the topic does not report the next seconds ahead of time.
                    Instant sliceEnd = windowStart.plusMillis(1000L * slice / SLICES);
                    do {
                        pollPlans(Math.max(1, Duration.between(clock.instant(), sliceEnd).toMillis()), out);
                    } while (running.get() && clock.instant().isBefore(sliceEnd));
                    plan = last;
                    if (plan != null && plan != applied) {
                        applied = plan;
                        BiConsumer<ScalingEvent.RevisionsPlanned, Instant> listener = onApplied;
                        if (listener != null) {
                            listener.accept(plan, clock.instant());
                        }
                    }
                    ready = replicas.readyByRevision();
                    long arrived = poisson(mean);
                    requests += arrived;
                    TrafficSplit.split(arrived, weights(plan), ready, random)
                            .forEach((revision, n) -> routed.merge(revision, n, Long::sum));
                }
                Set<String> serving = new TreeSet<>(ready.keySet());
                serving.addAll(routed.keySet());
                Map<String, ModelVersion> versions = versions(plan, serving);
                refreshBehaviours(versions.values(), second % BEHAVIOUR_REFRESH_SECONDS == 0);
                report(windowStart, requests, ready, routed, versions);
                second++;
            }
        } catch (Exception e) {
            if (running.get() && out != null) {
                out.println("[inference-demo] gateway stopped: " + e);
            }
        }
    }

    /** The plan's weight per revision, or null before any plan. */
    private static Map<String, Integer> weights(ScalingEvent.RevisionsPlanned plan) {
        if (plan == null) {
            return null;
        }
        Map<String, Integer> weights = new HashMap<>();
        plan.revisions().forEach(r -> weights.merge(r.name(), r.weight(), Integer::sum));
        return weights;
    }

    /**
     * The model version each revision serves: as the plan says for its revisions, as their pods say for revisions
     * that have ready replicas but are not in the plan (any more, or before the first plan).
     */
    private Map<String, ModelVersion> versions(ScalingEvent.RevisionsPlanned plan, Set<String> serving) {
        Map<String, ModelVersion> versions = new HashMap<>();
        if (plan != null) {
            plan.revisions().stream().filter(r -> r.model() != null)
                    .forEach(r -> versions.put(r.name(), new ModelVersion(r.model(), r.modelVersion())));
        }
        for (String revision : serving) {
            if (!versions.containsKey(revision)) {
                ModelVersion v = ModelVersion.parse(replicas.modelVersionOf(revision));
                if (v != null) {
                    versions.put(revision, v);
                }
            }
        }
        return versions;
    }

    /**
     * Reads the tags of the model versions that serve now from the registry: those not read before, or all of them
     * when {@code all} (then the versions that no longer serve are forgotten). A version the registry cannot tell
     * about keeps its earlier behaviour, or is healthy until it can.
     */
    private void refreshBehaviours(java.util.Collection<ModelVersion> serving, boolean all) {
        if (registryUrl == null) {
            return;
        }
        Set<ModelVersion> wanted = new HashSet<>(serving);
        wanted.remove(null);
        if (all) {
            behaviours.keySet().retainAll(wanted);
        }
        for (ModelVersion v : wanted) {
            if (all || !behaviours.containsKey(v)) {
                RevisionBehaviour read = readBehaviour(v);
                if (read != null) {
                    behaviours.put(v, read);
                } else {
                    behaviours.putIfAbsent(v, RevisionBehaviour.HEALTHY);
                }
            }
        }
    }

    /** A version's behaviour from its tags ({@code GET /api/v1/models/{model}/versions/{version}}), or null. */
    private RevisionBehaviour readBehaviour(ModelVersion v) {
        try {
            HttpResponse<String> version = http.send(get(URI.create(registryUrl + "/api/v1/models/" + v.model()
                    + "/versions/" + v.version())), HttpResponse.BodyHandlers.ofString());
            if (version.statusCode() != 200) {
                return null;
            }
            Map<String, String> tags = new HashMap<>();
            EventCodec.mapper().readTree(version.body()).path("tags").fields()
                    .forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
            return RevisionBehaviour.of(tags);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null; // the registry is restarting (or the name makes no URI): keep serving as before
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Serves one second's routed requests revision by revision (capacity: its ready replicas × the target rate;
     * what finds no free replica waits up to the queue timeout, oldest first, see {@link RevisionQueue}) and sends a
     * sample for each revision with ready replicas or waiting requests, then the whole service's: all requests, the
     * errors of every revision (its own, and requests that waited past the timeout) plus the requests nothing could
     * take, the slowest revision's tail (a wait adds to it) and the request-weighted median. Each sample tells the
     * refused requests (timed out in the queue, or taken by nothing) and the replicas' own tail apart.
     */
    private void report(Instant windowStart, long requests, Map<String, Integer> ready, Map<String, Long> routed,
            Map<String, ModelVersion> versions) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        // What no revision could take failed.
        long errors = requests - routed.values().stream().mapToLong(Long::longValue).sum();
        long refusedTotal = errors;
        double replicaP99 = 0;
        long served = 0;
        double concurrency = 0;
        double p99 = 0;
        double p50Sum = 0;
        int readyTotal = 0;
        // Revisions with ready replicas now, those routed to earlier in the second whose replicas went since, and
        // those whose requests still wait.
        Set<String> revisions = new TreeSet<>(ready.keySet());
        revisions.addAll(routed.keySet());
        revisions.addAll(queues.keySet());
        int timeout = queueTimeoutMillis / 1000;
        for (String revision : revisions) {
            int pods = ready.getOrDefault(revision, 0);
            long share = routed.getOrDefault(revision, 0L);
            long capacity = (long) Math.ceil(pods * targetRps);
            RevisionQueue queue = queues.computeIfAbsent(revision, r -> new RevisionQueue());
            RevisionQueue.Outcome taken = queue.serve(windowStart.getEpochSecond(), share, capacity, timeout);
            if (queue.isEmpty() && pods == 0) {
                queues.remove(revision);
            }
            RevisionBehaviour behaviour = behaviours.getOrDefault(versions.get(revision), RevisionBehaviour.HEALTHY);
            RevisionBehaviour.Second answered = behaviour.serve(taken.served(), capacity, random);
            // A request that waited answers that much later.
            double waited = taken.maxWaitSeconds() * 1000.0;
            double p99Revision = answered.p99LatencyMs() + waited;
            long failed = answered.errors() + taken.timedOut();
            if (pods == 0 && share == 0 && taken.served() == 0 && taken.timedOut() == 0) {
                continue; // a revision gone, with nothing left to report
            }
            // Requests that waited past the timeout failed for want of capacity, not on a replica: told apart, so a
            // canary is judged on its replicas' own errors and latency, and capacity stays the autoscaler's matter.
            long refused = answered.refused() + taken.timedOut();
            sent.add(send(new InferenceMetricsEvent.RequestRateSample(service, windowStart, 1.0, share,
                    taken.served(), p99Revision, pods, revision, failed, answered.p50LatencyMs(), refused,
                    answered.p99LatencyMs())));
            readyTotal += pods;
            errors += failed;
            refusedTotal += refused;
            concurrency += taken.served();
            if (taken.served() > 0) {
                served += taken.served();
                p99 = Math.max(p99, p99Revision);
                replicaP99 = Math.max(replicaP99, answered.p99LatencyMs());
                p50Sum += answered.p50LatencyMs() * taken.served();
            }
        }
        sent.add(send(new InferenceMetricsEvent.RequestRateSample(service, windowStart, 1.0, requests, concurrency,
                p99, readyTotal, null, errors, served == 0 ? 0 : p50Sum / served, refusedTotal, replicaP99)));
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
    }

    /**
     * Reads {@code capstan.scaling} for up to {@code millis} and keeps this service's newest plan. Records are read
     * by their CloudEvents type: the topic holds other events too (the scale decisions), and what cannot be read is
     * skipped.
     */
    private void pollPlans(long millis, PrintStream out) {
        for (ConsumerRecord<String, String> r : plans.poll(Duration.ofMillis(millis))) {
            CapstanEvent event;
            try {
                event = KafkaEvents.read(r);
            } catch (EventCodec.MalformedEventException e) {
                continue;
            }
            if (event instanceof ScalingEvent.RevisionsPlanned plan && service.equals(plan.service())) {
                last = plan;
                if (out != null) {
                    out.println(describe(plan));
                }
            }
        }
    }

    /**
     * One line for a plan, e.g. {@code [inference-demo] chat: v1×3 90 % | v2×1 10 % (canary step; rollout v1 → v2
     * canary)}.
     */
    static String describe(ScalingEvent.RevisionsPlanned plan) {
        String revisions = plan.revisions().isEmpty() ? "no revisions"
                : plan.revisions().stream().map(r -> r.name() + "×" + r.replicas() + " " + r.weight() + " %")
                        .collect(Collectors.joining(" | "));
        List<String> why = new ArrayList<>();
        if (plan.reason() != null && !plan.reason().isBlank()) {
            why.add(plan.reason());
        }
        ScalingEvent.Rollout rollout = plan.rollout();
        if (rollout != null) {
            why.add("rollout " + rollout.from() + " → " + rollout.to() + " " + rollout.phase()
                    + (rollout.verdict() == null ? "" : ": " + rollout.verdict()));
        }
        return "[inference-demo] " + plan.service() + ": " + revisions
                + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")");
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

    private Future<RecordMetadata> send(CapstanEvent event) {
        ProducerRecord<String, String> r = new ProducerRecord<>(Topics.INFERENCE_METRICS, service,
                EventCodec.toJson(event));
        CloudEventHeaders.forEvent(event, "inference-gateway", clock.instant()).asHeaders()
                .forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return producer.send(r);
    }

    /** Stops reporting and watching; the Kubernetes client stays open (it belongs to the caller). */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(3000);
        }
        if (replicas != null) {
            replicas.close();
        }
        producer.close(Duration.ofSeconds(2));
        plans.close(Duration.ofSeconds(2));
    }
}
