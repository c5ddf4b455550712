package dev.capstan.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.events.EventCodec;
import dev.capstan.localstack.ServiceProcess;
import dev.capstan.localstack.infra.KafkaBroker;
import dev.capstan.localstack.infra.Postgres;
import dev.capstan.localstack.infra.TopicSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code ./capstan bench registry}: the model registry on a realistic history, through its REST API.
 *
 * <ol>
 *   <li>a fresh database on the real PostgreSQL (the machine's server when it answers on 5432, as the local stack
 *       decides, or {@code --pg-base});</li>
 *   <li>a Kafka broker for the registry's outbox relay, started as the local stack starts one (or {@code --kafka});
 *   </li>
 *   <li>the packaged registry as a child JVM; its Flyway migrations create the schema;</li>
 *   <li>the dataset ({@link RegistrySeedPlan}) seeded in bulk with SQL, vacuumed, analysed and checked against the
 *       plan;</li>
 *   <li>a warm-up of every operation;</li>
 *   <li>each operation as an open-loop load ({@link OpenLoop}): resolve, alias at an instant, a search page,
 *       rollback (each followed by a conditional re-promotion, so the alias keeps somewhere to roll back to);
 *       every answer is checked against the plan;</li>
 *   <li>the report: detail lines and one {@code bench=registry …} summary line.</li>
 * </ol>
 * Everything it started (registry, broker, database unless {@code --keep-db}) stops at the end, also on Ctrl-C.
 */
public final class RegistryBenchmark {

    /** The registry's goals (p99, ms) from the registry issue: an alias resolve sits on every inference request. */
    static final double RESOLVE_GOAL_MS = 5;
    static final double ALIAS_AT_TIME_GOAL_MS = 20;
    static final double SEARCH_PAGE_GOAL_MS = 50;
    static final double ROLLBACK_GOAL_MS = 20;

    private static final int PAGE_SIZE = 50;
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final Options options;
    private final RegistrySeedPlan plan;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final OpenLoop load;
    private final List<String> searchTerms;
    private final Map<String, Long> searchTotals = new LinkedHashMap<>();
    /** Aliases for the rollback phase, each {@code m * aliases + a}, shuffled; taken in turn, never two at once. */
    private final Deque<Integer> rollbackAliases = new ConcurrentLinkedDeque<>();
    private String base;
    private String noRoute;
    private CpuMeter cpu;

    private RegistryBenchmark(Options options, RegistrySeedPlan plan) {
        this.options = options;
        this.plan = plan;
        this.load = new OpenLoop(OpenLoop.Ticker.SYSTEM, options.connections());
        List<String> terms = new ArrayList<>(RegistrySeedPlan.TEAMS);
        terms.addAll(RegistrySeedPlan.FAMILIES);
        // team-family pairs select about one model in 40: a search with a short answer.
        for (String t : RegistrySeedPlan.TEAMS) {
            terms.add(t + "-" + RegistrySeedPlan.FAMILIES.get(t.length() % RegistrySeedPlan.FAMILIES.size()));
        }
        terms.forEach(t -> searchTotals.put(t, plan.modelsMatching(t)));
        searchTerms = terms.stream().filter(t -> searchTotals.get(t) > 0).toList();
        SplittableRandom random = new SplittableRandom(options.seed() ^ 0x5eed);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < plan.models() * plan.aliases(); i++) {
            all.add(i);
        }
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            all.set(j, all.set(i, all.get(j)));
        }
        rollbackAliases.addAll(all);
    }

    /** Command-line options; every one has a default that reproduces the README's figures. */
    record Options(int models, int versions, int aliases, int moves, String pgBase, String kafka, String database,
            double rate, Duration duration, double atRate, double searchRate, double rollbackRate,
            Duration phaseDuration, Duration warmup, long seed, int connections, boolean keepDb) {

        static Options parse(List<String> args) {
            Map<String, String> v = new LinkedHashMap<>(Map.ofEntries(Map.entry("--models", "2000"),
                    Map.entry("--versions", "50"), Map.entry("--aliases", "10"), Map.entry("--moves", "100"),
                    Map.entry("--database", "capstan_registry_bench"), Map.entry("--rate", "500"),
                    Map.entry("--duration", "30"), Map.entry("--at-rate", "200"), Map.entry("--search-rate", "50"),
                    Map.entry("--rollback-rate", "20"), Map.entry("--phase-duration", "20"),
                    Map.entry("--warmup", "20"), Map.entry("--seed", "42"), Map.entry("--connections", "32")));
            boolean keepDb = false;
            String pgBase = null;
            String kafka = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--keep-db")) {
                    keepDb = true;
                } else if (a.equals("--pg-base") && i + 1 < args.size()) {
                    pgBase = args.get(++i);
                } else if (a.equals("--kafka") && i + 1 < args.size()) {
                    kafka = args.get(++i);
                } else if (v.containsKey(a) && i + 1 < args.size()) {
                    v.put(a, args.get(++i));
                } else {
                    throw new IllegalArgumentException("unknown option or missing value: " + a + "\nusage: ./capstan "
                            + "bench registry [--models N] [--versions N] [--aliases N] [--moves N] [--pg-base URL] "
                            + "[--kafka HOST:PORT] [--database NAME] [--rate RPS] [--duration S] [--at-rate RPS] "
                            + "[--search-rate RPS] [--rollback-rate RPS] [--phase-duration S] [--warmup S] "
                            + "[--seed N] [--connections N] [--keep-db]");
                }
            }
            String db = v.get("--database");
            if (!db.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("--database must be a lower-case SQL identifier");
            }
            return new Options(Integer.parseInt(v.get("--models")), Integer.parseInt(v.get("--versions")),
                    Integer.parseInt(v.get("--aliases")), Integer.parseInt(v.get("--moves")), pgBase, kafka, db,
                    Double.parseDouble(v.get("--rate")), seconds(v.get("--duration")),
                    Double.parseDouble(v.get("--at-rate")), Double.parseDouble(v.get("--search-rate")),
                    Double.parseDouble(v.get("--rollback-rate")), seconds(v.get("--phase-duration")),
                    seconds(v.get("--warmup")), Long.parseLong(v.get("--seed")),
                    Integer.parseInt(v.get("--connections")), keepDb);
        }

        private static Duration seconds(String s) {
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        Options options = Options.parse(List.of(args).subList(1, args.length));
        // The history ends an hour ago, so "now" moves by the benchmark never fall inside it.
        Instant historyEnd = Instant.now().minus(Duration.ofHours(1));
        RegistrySeedPlan plan = new RegistrySeedPlan(options.models(), options.versions(), options.aliases(),
                options.moves(), historyEnd, Duration.ofDays(365));
        Path state = root.resolve(".capstan/bench-registry");
        Files.createDirectories(state);
        Started started = new Started();
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "bench-registry-stop"));
        try {
            new RegistryBenchmark(options, plan).run(root, state, started);
        } finally {
            started.close();
        }
    }

    private void run(Path root, Path state, Started started) throws Exception {
        say("load average at start: " + loadAverage());
        // 1. PostgreSQL and a fresh database.
        String pgBase = options.pgBase();
        if (pgBase == null) {
            Postgres pg = Postgres.start(state.resolve("postgres"), 15434);
            started.add("PostgreSQL", pg);
            pgBase = pg.baseUrl();
        }
        String jdbc = pgBase + "/" + options.database();
        Postgres.recreateDatabases(pgBase, List.of(options.database()));
        if (!options.keepDb()) {
            String server = pgBase;
            started.add("database " + options.database(), () -> dropDatabase(server, options.database()));
        }
        // 2. A broker for the outbox relay.
        String kafka = options.kafka();
        if (kafka == null) {
            Path dir = state.resolve("kafka");
            BenchFiles.deleteTree(dir); // a fresh log: the relay's events from earlier runs are of no use
            KafkaBroker broker = KafkaBroker.start(dir, BenchFiles.freePort(), BenchFiles.freePort(), Duration.ofSeconds(90));
            started.add("Kafka", broker);
            kafka = broker.bootstrapServers();
        }
        TopicSetup.ensureTopics(kafka);
        // 3. The registry; Flyway creates the schema as it starts.
        int port = BenchFiles.freePort();
        Path log = state.resolve("logs/model-registry.log");
        Files.deleteIfExists(log);
        ServiceProcess registry = new ServiceProcess("model-registry", port,
                root.resolve("model-registry/target/quarkus-app/quarkus-run.jar"), log,
                Map.of("capstan.pg.base", pgBase, "capstan.pg.database", options.database(), "capstan.kafka", kafka),
                line -> System.out.println("[bench] " + line));
        registry.start();
        started.add("model-registry", registry);
        registry.awaitReady(Duration.ofSeconds(120));
        base = registry.url() + "/api/v1/models";
        noRoute = registry.url() + "/api/v1/no-such-resource";
        say("postgres=" + jdbc + " kafka=" + kafka + " registry=" + registry.url() + " log=" + log);
        // 4. The dataset.
        Connection monitor = DriverManager.getConnection(jdbc, Postgres.USER, "");
        started.add("monitoring connection", monitor);
        seed(monitor);
        check(monitor);
        cpu = new CpuMeter(registryProcess(port), monitor);
        // 5. Warm-up: JIT of the registry and of this client, connection pools, PostgreSQL's caches.
        Duration w = options.warmup();
        if (!w.isZero()) {
            long t0 = System.nanoTime();
            measure("warmup_resolve", 200, w, this::resolve);
            measure("warmup_alias_at_time", 100, w.dividedBy(2), this::aliasAtTime);
            measure("warmup_search_page", 20, w.dividedBy(2), this::searchPage);
            if (plan.moves() >= 2) {
                rollbackPhase("warmup_rollback", 10, w.dividedBy(2));
            }
            say(String.format("warmup seconds=%.1f", (System.nanoTime() - t0) / 1e9));
        }
        // What the registry and PostgreSQL burn with no request at all (the relay's poll, the consumer, JIT and
        // GC threads): at 20 requests/s this background is a large part of the CPU per request.
        CpuMeter.Snapshot quiet = cpu.snapshot();
        Thread.sleep(5000);
        say(cpu.since(quiet, "idle", 0).replaceAll("cpu_ms_per_request \\S+ \\S+ ", ""));
        // 6. The measured loads, one after the other so each has the machine to itself. First the floor: the same
        // load as resolve against a path no resource matches (the HTTP stack answers 404 problem+json and reads no
        // database), so its latency is what this client, the HTTP stack and the machine cost before the registry
        // does any work of its own.
        OpenLoop.Result floor = measure("floor_no_route", options.rate(), options.phaseDuration(),
                random -> get(noRoute).thenApply(r -> r.statusCode() == 404));
        OpenLoop.Result resolve = measure("resolve", options.rate(), options.duration(), this::resolve);
        OpenLoop.Result at = measure("alias_at_time", options.atRate(), options.phaseDuration(), this::aliasAtTime);
        OpenLoop.Result search = measure("search_page", options.searchRate(), options.phaseDuration(),
                this::searchPage);
        OpenLoop.Result rollback = plan.moves() >= 2
                ? rollbackPhase("rollback", options.rollbackRate(), options.phaseDuration()) : null;
        // 7. The report.
        say("load average at end: " + loadAverage());
        goal("resolve", resolve, RESOLVE_GOAL_MS);
        goal("alias_at_time", at, ALIAS_AT_TIME_GOAL_MS);
        goal("search_page", search, SEARCH_PAGE_GOAL_MS);
        goal("rollback", rollback, ROLLBACK_GOAL_MS);
        System.out.printf("bench=registry models=%d versions_per_model=%d aliases_per_model=%d moves_per_alias=%d "
                        + "resolve_rps=%.1f resolve_p50_ms=%.2f resolve_p99_ms=%.2f alias_at_time_p99_ms=%.2f "
                        + "search_page_p99_ms=%.2f rollback_p99_ms=%s floor_p99_ms=%.2f%n",
                plan.models(), plan.versions(), plan.aliases(), plan.moves(), resolve.achievedRate(), resolve.ms(50),
                resolve.ms(99), at.ms(99), search.ms(99),
                rollback == null ? "n/a" : String.format("%.2f", rollback.ms(99)), floor.ms(99));
        if (!registry.alive()) {
            throw new IllegalStateException("the registry died during the run, see " + log);
        }
    }

    // ---------------------------------------------------------------- seeding

    private void seed(Connection c) throws SQLException {
        String[] tables = {"registered_model", "model_version", "alias_move", "model_alias", "sequences",
                "sequences"};
        List<String> sql = plan.sql();
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement()) {
            // The seed is rebuilt on every run; waiting for each WAL flush buys nothing here.
            s.execute("set synchronous_commit = off");
            for (int i = 0; i < sql.size(); i++) {
                long t = System.nanoTime();
                s.execute(sql.get(i));
                if (!tables[i].equals("sequences")) {
                    say(String.format("seed table=%s rows=%d seconds=%.1f", tables[i], s.getUpdateCount(),
                            (System.nanoTime() - t) / 1e9));
                }
            }
            long inserted = System.nanoTime();
            // As autovacuum would have done by now on a database this old: statistics and the visibility map.
            s.execute("vacuum (analyze) registered_model, model_version, alias_move, model_alias");
            say(String.format("seed models=%d versions=%d aliases=%d alias_moves=%d insert_seconds=%.1f "
                            + "vacuum_analyze_seconds=%.1f total_seconds=%.1f",
                    plan.models(), (long) plan.models() * plan.versions(), (long) plan.models() * plan.aliases(),
                    plan.aliasMoveRows(), (inserted - t0) / 1e9, (System.nanoTime() - inserted) / 1e9,
                    (System.nanoTime() - t0) / 1e9));
        }
    }

    /** Checks the seeded rows against the rules the service keeps and against the plan; throws if one fails. */
    private void check(Connection c) throws SQLException {
        long t0 = System.nanoTime();
        Map<String, String> zeroWanted = new LinkedHashMap<>();
        zeroWanted.put("moves whose from_version is not the previous move's to_version",
                "select count(*) from (select from_version, lag(to_version) over (partition by model_id, alias "
                        + "order by at, id) as prev from alias_move) c where from_version is distinct from prev");
        zeroWanted.put("aliases whose revision or version disagrees with their moves",
                "select count(*) from model_alias a join (select distinct on (model_id, alias) model_id, alias, "
                        + "to_version, moved from (select model_id, alias, to_version, at, id, count(*) over "
                        + "(partition by model_id, alias) as moved from alias_move) x order by model_id, alias, "
                        + "at desc, id desc) h using (model_id, alias) where a.revision <> h.moved "
                        + "or a.version <> h.to_version");
        zeroWanted.put("moves to a version that did not exist yet",
                "select count(*) from alias_move m left join model_version v on v.model_id = m.model_id "
                        + "and v.version = m.to_version where v.version is null or v.created_at > m.at");
        zeroWanted.put("models whose next_version is not one past their newest version",
                "select count(*) from registered_model r where next_version <> (select max(version) + 1 "
                        + "from model_version v where v.model_id = r.id)");
        try (Statement s = c.createStatement()) {
            for (var e : zeroWanted.entrySet()) {
                try (ResultSet rs = s.executeQuery(e.getValue())) {
                    rs.next();
                    if (rs.getLong(1) != 0) {
                        throw new IllegalStateException("seed check failed: " + rs.getLong(1) + " " + e.getKey());
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("select count(*) from alias_move")) {
                rs.next();
                if (rs.getLong(1) != plan.aliasMoveRows()) {
                    throw new IllegalStateException("seed check failed: " + rs.getLong(1) + " alias moves, planned "
                            + plan.aliasMoveRows());
                }
            }
        }
        // The SQL and the plan spell the same formulas twice: compare them move by move on a sample of aliases.
        SplittableRandom random = new SplittableRandom(options.seed());
        try (PreparedStatement p = c.prepareStatement("select from_version, to_version, at from alias_move "
                + "where model_id = ? and alias = ? order by at, id")) {
            for (int n = 0; n < 50; n++) {
                int m = random.nextInt(plan.models());
                int a = random.nextInt(plan.aliases());
                p.setLong(1, m + 1);
                p.setString(2, RegistrySeedPlan.aliasName(a));
                int k = 0;
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        Integer from = (Integer) rs.getObject(1);
                        Instant at = rs.getTimestamp(3).toInstant();
                        if (!Objects.equals(from, plan.fromVersion(m, a, k).orElse(null))
                                || rs.getInt(2) != plan.toVersion(m, a, k) || !at.equals(plan.moveAt(m, a, k))) {
                            throw new IllegalStateException("seed check failed: move " + k + " of "
                                    + plan.modelName(m) + "@" + RegistrySeedPlan.aliasName(a) + " is " + from + "→"
                                    + rs.getInt(2) + " at " + at + ", the plan says " + plan.fromVersion(m, a, k)
                                    + "→" + plan.toVersion(m, a, k) + " at " + plan.moveAt(m, a, k));
                        }
                        k++;
                    }
                }
                if (k != plan.moves()) {
                    throw new IllegalStateException("seed check failed: " + k + " moves of " + plan.modelName(m)
                            + "@" + RegistrySeedPlan.aliasName(a) + ", planned " + plan.moves());
                }
            }
        }
        say(String.format("seed_check ok seconds=%.1f (chains, revisions, targets, next_version, 50 aliases "
                + "against the plan)", (System.nanoTime() - t0) / 1e9));
    }

    // ---------------------------------------------------------------- operations

    /** GET an alias; right when it names the version the plan's last move set. */
    private CompletionStage<Boolean> resolve(SplittableRandom random) {
        int m = random.nextInt(plan.models());
        int a = random.nextInt(plan.aliases());
        int want = plan.currentVersion(m, a);
        return get(aliasUrl(m, a)).thenApply(r -> r.statusCode() == 200 && json(r).path("version").asInt() == want);
    }

    /** GET an alias at a random instant of the seeded history; right when it names the version the plan served. */
    private CompletionStage<Boolean> aliasAtTime(SplittableRandom random) {
        int m = random.nextInt(plan.models());
        int a = random.nextInt(plan.aliases());
        long span = ChronoUnit.MICROS.between(plan.historyStart(), plan.historyEnd());
        Instant at = plan.historyStart().plus(random.nextLong(span), ChronoUnit.MICROS);
        Integer want = plan.versionAt(m, a, at).orElse(null);
        return get(aliasUrl(m, a) + "?at=" + at).thenApply(r -> {
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode v = json(r).path("version");
            return want == null ? v.isNull() : v.asInt() == want;
        });
    }

    /**
     * GET a page of a name search; right when the total, the page's length and each item's aliases and newest
     * version are what the plan says.
     */
    private CompletionStage<Boolean> searchPage(SplittableRandom random) {
        String q = searchTerms.get(random.nextInt(searchTerms.size()));
        long total = searchTotals.get(q);
        int pages = (int) ((total + PAGE_SIZE - 1) / PAGE_SIZE);
        int page = random.nextInt(pages);
        long wantItems = Math.min(PAGE_SIZE, total - (long) page * PAGE_SIZE);
        return get(base + "?q=" + enc(q) + "&page=" + page + "&size=" + PAGE_SIZE).thenApply(r -> {
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode body = json(r);
            JsonNode items = body.path("items");
            if (body.path("total").asLong() != total || items.size() != wantItems) {
                return false;
            }
            // Each item carries where its aliases point and its newest version, as the plan seeded them.
            for (JsonNode item : items) {
                String name = item.path("name").asText();
                int m = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
                if (!name.contains(q) || item.path("latestVersion").asInt() != plan.versions()
                        || item.path("aliases").size() != plan.aliases()
                        || item.path("aliases").path(RegistrySeedPlan.aliasName(0)).asInt()
                                != plan.currentVersion(m, 0)) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Rolls aliases back, each once, at an open-loop rate (the measured figure), and after each rollback promotes the
     * version it left again, conditionally on the rollback's ETag (measured apart, from its own send). A rollback
     * then a re-promotion leaves the alias's undo chain as deep as before, so the next rollback of it has the same
     * place to go: the version of the seeded next-to-last move.
     */
    private OpenLoop.Result rollbackPhase(String name, double rate, Duration duration) {
        Recorder promote = new Recorder(3_600_000_000L, 3);
        AtomicInteger promoteFailed = new AtomicInteger();
        ConcurrentLinkedQueue<CompletableFuture<Void>> promotions = new ConcurrentLinkedQueue<>();
        OpenLoop.Result r = measure(name, rate, duration, random -> {
            int pick = nextRollbackAlias();
            int m = pick / plan.aliases();
            int a = pick % plan.aliases();
            int back = plan.toVersion(m, a, plan.moves() - 2);
            int seeded = plan.currentVersion(m, a);
            CompletableFuture<Void> promoted = new CompletableFuture<>();
            promotions.add(promoted);
            return post(aliasUrl(m, a) + "/rollback", "{\"reason\":\"bench\"}").thenApply(res -> {
                if (res.statusCode() != 200) {
                    // The alias stays as seeded or in a state this run cannot know: it leaves the rotation.
                    promoted.complete(null);
                    return false;
                }
                boolean ok = json(res).path("version").asInt() == back;
                String etag = res.headers().firstValue("ETag").orElseThrow();
                long t0 = System.nanoTime();
                put(aliasUrl(m, a), "{\"version\":" + seeded + ",\"reason\":\"re-promote after bench rollback\"}",
                        etag).whenComplete((p, error) -> {
                            if (error == null && p.statusCode() == 200
                                    && json(p).path("version").asInt() == seeded) {
                                promote.recordValue((System.nanoTime() - t0) / 1000);
                                rollbackAliases.addLast(pick); // back in the rotation once it is as seeded again
                            } else {
                                promoteFailed.incrementAndGet();
                            }
                            promoted.complete(null);
                        });
                return ok;
            });
        });
        try {
            CompletableFuture.allOf(promotions.toArray(CompletableFuture[]::new)).get(DRAIN.toSeconds(),
                    TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("re-promotions did not finish", e);
        }
        Histogram h = promote.getIntervalHistogram();
        say(String.format("op=%s_repromote sent=%d failed=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f (If-Match on the "
                        + "rollback's ETag; measured from its own send, not open-loop)", name, r.sent(),
                promoteFailed.get(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0));
        return r;
    }

    private int nextRollbackAlias() {
        Integer pick = rollbackAliases.pollFirst();
        if (pick == null) {
            throw new IllegalStateException("every alias is being rolled back at once: lower --rollback-rate");
        }
        return pick;
    }

    /** One operation as an open-loop load, with its detail line. */
    private OpenLoop.Result measure(String name, double rate, Duration duration,
            Function<SplittableRandom, CompletionStage<Boolean>> op) {
        // Each phase draws its own sequence, so a phase's requests do not depend on the phases before it.
        SplittableRandom random = new SplittableRandom(options.seed() * 31 + name.hashCode());
        CpuMeter.Snapshot before = cpu.snapshot();
        OpenLoop.Result r = load.run(rate, duration, i -> op.apply(random), DRAIN);
        say(cpu.since(before, name, r.sent()));
        say(String.format("op=%s rate=%.0f seconds=%.0f sent=%d failed=%d achieved_rps=%.1f p50_ms=%.2f "
                        + "p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f", name, rate, duration.toMillis() / 1000.0,
                r.sent(), r.failed(), r.achievedRate(), r.ms(50), r.ms(90), r.ms(99), r.ms(99.9),
                r.latencyMicros().getMaxValue() / 1000.0));
        if (r.failed() > 0 && !name.startsWith("warmup")) {
            say("WARNING: " + r.failed() + " " + name + " requests failed or answered wrongly; see the registry log");
        }
        return r;
    }

    private static void goal(String name, OpenLoop.Result r, double goalMs) {
        if (r == null) {
            say("goal " + name + " p99<=" + goalMs + "ms: not measured (fewer than 2 moves per alias)");
            return;
        }
        double p99 = r.ms(99);
        say(String.format("goal %s p99<=%.0fms: %s (%.2f ms)", name, goalMs,
                p99 <= goalMs && r.failed() == 0 ? "met" : "MISSED", p99));
    }

    // ---------------------------------------------------------------- HTTP

    private String aliasUrl(int m, int a) {
        return base + "/" + plan.modelName(m) + "/aliases/" + RegistrySeedPlan.aliasName(a);
    }

    private CompletableFuture<HttpResponse<String>> get(String url) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> post(String url, String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Capstan-User", "bench")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> put(String url, String body, String ifMatch) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Capstan-User", "bench")
                .header("If-Match", ifMatch).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return EventCodec.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- plumbing

    /** What the benchmark started, stopped once in reverse order: at the end, on failure or on Ctrl-C. */
    private static final class Started {
        private final List<Map.Entry<String, AutoCloseable>> things = new ArrayList<>();
        private final AtomicBoolean closed = new AtomicBoolean();

        synchronized void add(String name, AutoCloseable thing) {
            things.add(Map.entry(name, thing));
        }

        synchronized void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            for (int i = things.size() - 1; i >= 0; i--) {
                try {
                    things.get(i).getValue().close();
                    say("stopped " + things.get(i).getKey());
                } catch (Exception e) {
                    System.err.println("stopping " + things.get(i).getKey() + ": " + e);
                }
            }
        }
    }

    /**
     * CPU time the registry's JVM and its PostgreSQL backends spent, per request of a phase. Latency on a shared
     * machine mixes the service's own cost with the queue for the cores; CPU per request is the service's cost.
     */
    private static final class CpuMeter {
        private final ProcessHandle registry;
        private final Connection monitor;

        record Snapshot(long registryNanos, Map<Long, Long> backendNanos, long wallNanos) {
        }

        CpuMeter(ProcessHandle registry, Connection monitor) {
            this.registry = registry;
            this.monitor = monitor;
        }

        Snapshot snapshot() {
            Map<Long, Long> backends = new LinkedHashMap<>();
            try (PreparedStatement p = monitor.prepareStatement("select pid from pg_stat_activity "
                    + "where datname = current_database() and pid <> pg_backend_pid()"); ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    long pid = rs.getLong(1);
                    backends.put(pid, cpuNanos(ProcessHandle.of(pid)));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return new Snapshot(cpuNanos(Optional.of(registry)), backends, System.nanoTime());
        }

        /** A detail line: CPU ms per request in the registry and in PostgreSQL, and the share of a core each used. */
        String since(Snapshot before, String name, int requests) {
            Snapshot now = snapshot();
            long registryNanos = now.registryNanos() - before.registryNanos();
            long pgNanos = 0;
            for (var e : now.backendNanos().entrySet()) {
                pgNanos += e.getValue() - before.backendNanos().getOrDefault(e.getKey(), 0L);
            }
            double wall = Math.max(1, now.wallNanos() - before.wallNanos());
            return String.format("op=%s cpu_ms_per_request registry=%.3f postgres=%.3f cores_used registry=%.2f "
                            + "postgres=%.2f", name, registryNanos / 1e6 / Math.max(1, requests),
                    pgNanos / 1e6 / Math.max(1, requests), registryNanos / wall, pgNanos / wall);
        }

        private static long cpuNanos(Optional<ProcessHandle> process) {
            return process.flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
        }
    }

    /** The registry's JVM among this process's children, told apart by its port. */
    private static ProcessHandle registryProcess(int port) {
        String flag = "-Dquarkus.http.port=" + port;
        return ProcessHandle.current().children().filter(h -> h.info().arguments()
                .map(args -> List.of(args).contains(flag)).orElse(false)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no child process with " + flag));
    }

    private static void dropDatabase(String pgBase, String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(pgBase + "/postgres", Postgres.USER, "");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists \"" + db + "\" with (force)");
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip() + " (" + Runtime.getRuntime()
                    .availableProcessors() + " cores, " + LocalDate.now() + ")";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
