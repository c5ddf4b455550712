package dev.capstan.localstack;

import dev.capstan.localstack.demo.Demo;
import dev.capstan.localstack.demo.InferenceGateway;
import dev.capstan.localstack.demo.ModelDemo;
import dev.capstan.localstack.demo.ServingDemo;
import dev.capstan.localstack.demo.TuningDemo;
import dev.capstan.localstack.infra.KafkaBroker;
import dev.capstan.localstack.infra.Postgres;
import dev.capstan.localstack.infra.Prometheus;
import dev.capstan.localstack.infra.TopicSetup;
import dev.capstan.localstack.kube.SimulatedCluster;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import dev.capstan.traces.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The whole system on one machine: a Kafka broker, PostgreSQL, a Kubernetes API server with simulated
 * GPU nodes and kubelet, and every service as its own JVM. {@code ./capstan up} runs {@link #main};
 * end-to-end tests and benchmarks use {@link #start} with their own options.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * Where things run. {@code kafkaBootstrap}/{@code pgBase} null = start our own; {@code fresh} wipes
     * the state directory (Kafka's log included) and recreates the databases, for tests and benchmarks;
     * {@code finishedPodTtl} is how long the executor keeps finished pods (the simulated API server
     * slows down as it holds more objects); {@code servicePortOffset} is added to each service's port of
     * {@link #SERVICES}, so a test stack can run next to {@code ./capstan up} (offset 0); {@code embeddedPgPort}
     * above 0 starts an embedded PostgreSQL of its own on that port even when the machine has a server (one that
     * {@link #restartPostgres()} may stop and start, as the chaos benchmark does); {@code replicas} 2 runs two
     * instances of each service of {@link #REPLICATED} (the second on its port + 10): two schedulers, one deciding
     * on a Kubernetes Lease and one hot standby; two executors and two submission services sharing their consumer
     * groups' partitions.
     */
    public record Options(Path root, Path stateDir, String kafkaBootstrap, String pgBase, int kafkaPort,
            int kubePort, boolean fresh, SimulatedClusterConfig cluster, String databaseSuffix,
            Duration finishedPodTtl, int servicePortOffset, int embeddedPgPort, int replicas) {

        /** The same options with {@code n} instances of each replicated service. */
        public Options withReplicas(int n) {
            return new Options(root, stateDir, kafkaBootstrap, pgBase, kafkaPort, kubePort, fresh, cluster,
                    databaseSuffix, finishedPodTtl, servicePortOffset, embeddedPgPort, n);
        }

        /** The defaults of {@code ./capstan up}: fixed ports of DESIGN.md, state under .capstan/local. */
        public static Options up(Path root, SimulatedClusterConfig cluster) {
            return new Options(root, root.resolve(".capstan/local"), null, null, 9092, 6443, false, cluster, "",
                    Duration.ofMinutes(5), 0, 0, 1);
        }
    }

    /** The services with their ports (DESIGN.md) in start order. */
    public static final Map<String, Integer> SERVICES = servicePorts();

    /** Services that run as several instances with {@code --replicas}. */
    public static final java.util.Set<String> REPLICATED = java.util.Set.of("submission-service", "scheduler-service",
            "executor-service");

    private final Options options;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private String kafka;
    private KafkaBroker broker;
    private Postgres postgres;
    private String pgBase;
    private SimulatedCluster cluster;
    private Path kubeconfig;

    private LocalStack(Options options) {
        this.options = options;
    }

    private static Map<String, Integer> servicePorts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("submission-service", 8081);
        m.put("scheduler-service", 8082);
        m.put("executor-service", 8083);
        m.put("autoscaler-service", 8084);
        m.put("model-registry", 8085);
        m.put("tuning-service", 8086);
        // Last: it reads what the others publish, and the stack is ready once it serves its pages.
        m.put("operator-console", 8080);
        return m;
    }

    /** Starts everything and waits until every service is ready. */
    public static LocalStack start(Options options) throws Exception {
        LocalStack stack = new LocalStack(options);
        try {
            stack.startAll();
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Path state = options.stateDir();
        if (options.fresh() && Files.exists(state)) {
            try (var files = Files.walk(state)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(state);
        if (options.kafkaBootstrap() == null) {
            say("starting Kafka on 127.0.0.1:" + options.kafkaPort());
            broker = KafkaBroker.start(state.resolve("kafka"), options.kafkaPort(), options.kafkaPort() + 1,
                    Duration.ofSeconds(90));
            started.add(() -> broker.close());
            kafka = broker.bootstrapServers();
        } else {
            kafka = options.kafkaBootstrap();
        }
        TopicSetup.ensureTopics(kafka);
        Postgres pg = null;
        if (options.pgBase() == null) {
            pg = options.embeddedPgPort() > 0 ? Postgres.startEmbedded(state.resolve("postgres"), options.embeddedPgPort())
                    : Postgres.start(state.resolve("postgres"), 15433);
            postgres = pg;
            started.add(() -> postgres.close());
            pgBase = pg.baseUrl();
            say("PostgreSQL at " + pgBase + (pg.embedded() ? " (embedded)" : " (this machine's server)"));
        } else {
            pgBase = options.pgBase();
        }
        List<String> dbs = List.of("capstan_submission" + options.databaseSuffix(),
                "capstan_registry" + options.databaseSuffix(), "capstan_tuning" + options.databaseSuffix());
        if (options.fresh()) {
            Postgres.recreateDatabases(pgBase, dbs);
        } else {
            Postgres.ensureDatabases(pgBase, dbs);
        }
        say("starting the Kubernetes API with simulated GPU nodes on 127.0.0.1:" + options.kubePort());
        cluster = SimulatedCluster.start(options.cluster());
        started.add(cluster);
        kubeconfig = cluster.writeKubeconfig(state.resolve("kubeconfig"));
        for (var e : SERVICES.entrySet()) {
            int instances = REPLICATED.contains(e.getKey()) ? Math.max(1, options.replicas()) : 1;
            for (int i = 1; i <= instances; i++) {
                String name = e.getKey();
                String instance = i == 1 ? name : name + "-" + i;
                Map<String, String> props = new LinkedHashMap<>();
                props.put("capstan.kafka", kafka);
                props.put("capstan.pg.base", pgBase);
                props.put("capstan.pg.database", switch (name) {
                    case "model-registry" -> "capstan_registry";
                    case "tuning-service" -> "capstan_tuning";
                    default -> "capstan_submission";
                } + options.databaseSuffix());
                props.put("quarkus.kubernetes-client.api-server-url", cluster.masterUrl());
                props.put("quarkus.kubernetes-client.trust-certs", "true");
                props.put("capstan.executor.finished-ttl", options.finishedPodTtl().toMillis() + "ms");
                // The scheduler decides on a Lease even alone: a second instance (--replicas 2) is a hot standby.
                props.put("capstan.scheduler.leader-election.enabled", "true");
                // submission-service asks the registry whether an inference service's model exists.
                String registry = "http://127.0.0.1:" + (SERVICES.get("model-registry")
                        + options.servicePortOffset());
                props.put("capstan.submission.registry-url", registry);
                // autoscaler-service moves an alias back when a canary of its version fails.
                props.put("capstan.autoscaler.registry-url", registry);
                // tuning-service submits trials, keeps their MLflow runs and registers the best trial.
                props.put("capstan.tuning.submission-url", "http://127.0.0.1:" + (SERVICES.get("submission-service")
                        + options.servicePortOffset()));
                props.put("capstan.tuning.registry-url", registry);
                // The console's promote and rollback go to the registry.
                props.put("capstan.console.registry-url", registry);
                ServiceProcess p = new ServiceProcess(instance,
                        e.getValue() + options.servicePortOffset() + (i - 1) * 10,
                        options.root().resolve(name).resolve("target/quarkus-app/quarkus-run.jar"),
                        state.resolve("logs").resolve(instance + ".log"), props, LocalStack::say);
                services.put(instance, p);
            }
        }
        say("starting " + String.join(", ", services.keySet()));
        for (ServiceProcess p : services.values()) {
            p.start();
            started.add(p);
        }
        for (ServiceProcess p : services.values()) {
            p.awaitReady(Duration.ofSeconds(120));
        }
    }

    /**
     * Starts a Prometheus on 127.0.0.1:{@code port} that scrapes every service instance's /q/metrics every
     * {@code scrapeInterval} (one job per service, its instances as targets) with deploy/'s alert rules loaded;
     * {@link #close()} stops it with the rest. Its state lives under the stack's state directory.
     */
    public Prometheus startPrometheus(int port, Duration scrapeInterval) throws Exception {
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        services.forEach((instance, p) -> {
            String job = SERVICES.keySet().stream().filter(s -> instance.equals(s) || instance.startsWith(s + "-"))
                    .findFirst().orElse(instance);
            jobs.computeIfAbsent(job, j -> new ArrayList<>()).add(p.url().replaceFirst("^http://", ""));
        });
        Prometheus prometheus = Prometheus.start(options.stateDir().resolve("prometheus"), port, jobs,
                options.root().resolve("deploy/prometheus/capstan-alerts.rules.yaml"), scrapeInterval,
                Duration.ofSeconds(60));
        started.add(prometheus);
        return prometheus;
    }

    /** The supervised process of one service (to kill it as an operator would, or to read its restarts). */
    public ServiceProcess service(String name) {
        return services.get(name);
    }

    /** Stops one service and starts it again (e.g. the scheduler in the middle of work). */
    public void restart(String name) throws Exception {
        ServiceProcess p = services.get(name);
        p.close();
        p.start();
        p.awaitReady(Duration.ofSeconds(120));
    }

    public String kafka() {
        return kafka;
    }

    /**
     * Stops the Kafka broker this stack started (SIGTERM, as an orderly restart of a broker pod) and starts it
     * again on the same log and ports; returns once it accepts connections.
     */
    public void restartKafka() throws Exception {
        if (broker == null) {
            throw new IllegalStateException("this stack uses a broker it did not start");
        }
        broker.close();
        broker = KafkaBroker.start(options.stateDir().resolve("kafka"), options.kafkaPort(), options.kafkaPort() + 1,
                Duration.ofSeconds(90));
    }

    /** Stops the embedded PostgreSQL this stack started and starts it again on the same data and port. */
    public void restartPostgres() throws Exception {
        if (postgres == null || !postgres.embedded()) {
            throw new IllegalStateException("this stack did not start its own PostgreSQL (see Options.embeddedPgPort)");
        }
        postgres.close();
        postgres = Postgres.startEmbedded(options.stateDir().resolve("postgres"), options.embeddedPgPort());
    }

    /** The services' instance names ({@code scheduler-service}, {@code scheduler-service-2} …), in start order. */
    public java.util.Set<String> services() {
        return services.keySet();
    }

    public String pgBase() {
        return pgBase;
    }

    public SimulatedCluster cluster() {
        return cluster;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public String url(String service) {
        return services.get(service).url();
    }

    /** Stops everything this stack started, services first. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + started.get(i) + ": " + e);
            }
        }
        started.clear();
    }

    private static void say(String s) {
        System.out.println("[local-stack] " + s);
    }

    /**
     * {@code ./capstan up [--no-demo] [--no-prometheus] [--trace FILE]}: start (with a Prometheus on 127.0.0.1:9090
     * unless {@code --no-prometheus}), print where things are, run the demo (its inference
     * service plays {@code --trace}, by default shared/traces' Azure LLM conversation trace when it is there, else a
     * synthetic curve), wait for Ctrl-C.
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<String> flags = List.of(args);
        boolean demo = !flags.contains("--no-demo");
        int nodes = flags.indexOf("--nodes");
        SimulatedClusterConfig cluster = nodes >= 0 && nodes + 1 < args.length
                ? SimulatedClusterConfig.load(Path.of(args[nodes + 1]).toAbsolutePath(), 6443)
                : SimulatedClusterConfig.demo(6443);
        int traceAt = flags.indexOf("--trace");
        Path trace = traceAt >= 0 && traceAt + 1 < args.length ? Path.of(args[traceAt + 1]).toAbsolutePath()
                : root.resolve("../shared/traces/azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv").normalize();
        int replicasAt = flags.indexOf("--replicas");
        int replicas = replicasAt >= 0 && replicasAt + 1 < args.length ? Integer.parseInt(args[replicasAt + 1]) : 1;
        LocalStack stack = start(Options.up(root, cluster).withReplicas(replicas));
        // Prometheus' usual port; its scrapes every 5 s make a few-minute demo visible on the dashboards' queries.
        Prometheus prometheus = flags.contains("--no-prometheus") ? null
                : stack.startPrometheus(9090, Duration.ofSeconds(5));
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<InferenceGateway> gateway =
                new java.util.concurrent.atomic.AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("stopping everything");
            if (gateway.get() != null) {
                try {
                    gateway.get().close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            stack.close();
            stopped.countDown();
        }));
        say("ready.");
        System.out.println("""
                  operator console       http://127.0.0.1:8080   (GPU map, queues, workloads, inference, models, tuning; live)
                  REST API (submission)  http://127.0.0.1:8081/api/v1/workloads   (Swagger UI: /q/swagger-ui)
                  scheduler state        http://127.0.0.1:8082/api/v1/scheduler/state
                  executor               http://127.0.0.1:8083/q/health
                  autoscaler             http://127.0.0.1:8084/api/v1/autoscaling
                  model registry         http://127.0.0.1:8085/api/v1/models   (./capstan models)
                  MLflow tracking API    http://127.0.0.1:8085   (MLFLOW_TRACKING_URI)
                  tuning                 http://127.0.0.1:8086/api/v1/experiments   (./capstan experiments)
                  metrics                http://127.0.0.1:808[0-6]/q/metrics
                  Prometheus             %s
                  Kafka                  %s
                  PostgreSQL             %s
                  Kubernetes API         %s   (kubectl --kubeconfig %s get nodes,pods)
                  logs                   %s
                """.formatted(prometheus == null ? "not started (--no-prometheus)"
                        : prometheus.url() + "   (every service scraped, deploy/prometheus alert rules loaded; "
                        + "queries: deploy/grafana/*.json)",
                stack.kafka(), stack.pgBase(), stack.cluster().masterUrl(), stack.kubeconfig(),
                root.resolve(".capstan/local/logs")));
        if (replicas > 1) {
            System.out.println("  second instances       submission :8091, scheduler :8092 (one decides: see its "
                    + "/q/health/ready), executor :8093");
        }
        if (demo) {
            // An inference service behind a simulated gateway: the autoscaler sizes it from its request rate, and the
            // gateway routes to its replica pods by the autoscaler's plan.
            java.util.function.LongToDoubleFunction demand = InferenceGateway::demoDemand;
            String played = "3 rps, a 12 rps burst every 2 min, quiet 2 min in 10";
            if (java.nio.file.Files.isRegularFile(trace)) {
                var t = TraceFiles.busiest(trace);
                demand = InferenceGateway.traceDemand(t);
                played = String.format(java.util.Locale.ROOT, "trace %s (%d s, %.1f rps on average, looped)",
                        trace.getFileName(), t.requestsPerSec().length, t.total() / t.requestsPerSec().length);
            } else if (traceAt >= 0) {
                throw new IllegalArgumentException("--trace " + trace + ": no such file");
            }
            Thread serving = new Thread(new ServingDemo(stack.url("submission-service"), stack.url("model-registry"),
                    stack.kafka(), stack.cluster().client(), demand, System.out, gateway::set), "serving-demo");
            serving.setDaemon(true);
            serving.start();
            System.out.println("[demo] inference service " + ServingDemo.SERVICE + " (" + played + "): trained, "
                    + "deployed, scaled, a bad version rolled back, a good one rolled out; its plans at "
                    + "http://127.0.0.1:8084/api/v1/autoscaling/" + ServingDemo.SERVICE);
            // The registry's part runs beside the training demo, so it adds no time to it.
            Thread models = new Thread(new ModelDemo(stack.url("submission-service"), stack.url("model-registry"),
                    System.out)::run, "model-demo");
            models.setDaemon(true);
            models.start();
            // A tuning experiment beside the training jobs: its trials are training jobs too.
            Thread tuning = new Thread(new TuningDemo(stack.url("tuning-service"), root, System.out), "tuning-demo");
            tuning.setDaemon(true);
            tuning.start();
            new Demo(stack.url("submission-service"), System.out).run();
            models.join();
        }
        say("running; Ctrl-C stops everything it started.");
        stopped.await();
    }
}
