package dev.capstan.e2e.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The registry benchmark's dataset, as formulas: which models, versions and aliases exist, where every alias
 * moved and when. The same formulas are written twice, once here (what the benchmark expects to read back) and
 * once as the SQL that seeds the database ({@link #sql()}); the benchmark checks the seeded rows against both,
 * and the unit test checks that the plan is what the registry itself would have written.
 *
 * <p>What it models, for each model {@code m} (0-based; its row id is {@code m + 1}):
 * <ol>
 *   <li>versions 1..V registered one hour apart, all before the alias history starts (an alias never points at a
 *       version that did not exist yet), so {@code next_version = V + 1};</li>
 *   <li>A aliases, each moved K times (every move a promotion, kind SET) across the history window; move {@code k}
 *       points at {@code 1 + (offset + k * stride) mod V}, and its {@code from_version} is the previous move's
 *       target, so chains agree and no move re-points an alias at the version it already has;</li>
 *   <li>the alias row points where its last move took it, with {@code revision = K} (the service's revision
 *       is one more than every move the alias ever had);</li>
 *   <li>move times rise strictly within an alias: move {@code k} sits in its own slot of the window,
 *       with a deterministic jitter of up to 0.9 slot so aliases do not all move at the same instants.</li>
 * </ol>
 *
 * @param models          number of models
 * @param versions        versions per model (at least 2: consecutive moves point at different versions)
 * @param aliases         aliases per model
 * @param moves           recorded moves per alias (at least 1)
 * @param historyEnd      when the last move slot ends (the benchmark uses "an hour ago")
 * @param historyLength   how far back the first move slot starts
 */
public record RegistrySeedPlan(int models, int versions, int aliases, int moves, Instant historyEnd,
        Duration historyLength) {

    /** Teams and model families that names are built from, so a name substring selects a known share. */
    public static final List<String> TEAMS = List.of("nlp", "vision", "speech", "recsys", "fraud");
    public static final List<String> FAMILIES = List.of("bert", "resnet", "whisper", "llama", "xgb", "vit", "t5",
            "gpt");
    /** Alias names in order; past the list they are {@code alias-<i>}. */
    public static final List<String> ALIAS_NAMES = List.of("production", "staging", "canary", "shadow", "champion",
            "challenger", "blue", "green", "eu", "us");

    /** Jitter within a slot, in thousandths: below 1000 so move times stay strictly rising. */
    static final int JITTER_RANGE = 900;

    public RegistrySeedPlan {
        if (models < 1 || aliases < 1 || moves < 1) {
            throw new IllegalArgumentException("models, aliases and moves must be at least 1");
        }
        if (versions < 2) {
            throw new IllegalArgumentException("versions must be at least 2 (an alias move changes the version)");
        }
        historyEnd = historyEnd.truncatedTo(ChronoUnit.MICROS);
        if (slotMicros(historyLength, moves) < 1000) {
            throw new IllegalArgumentException("history too short for " + moves + " moves per alias");
        }
    }

    private static long slotMicros(Duration length, int moves) {
        return length.toNanos() / 1000 / moves;
    }

    /** Step between consecutive targets: in 1..V-1, so a move never points an alias where it already points. */
    public int stride() {
        return versions > 2 ? versions / 3 + 1 : 1;
    }

    /** The model's name, e.g. {@code nlp-bert-0000}. */
    public String modelName(int m) {
        return TEAMS.get(m % TEAMS.size()) + "-" + FAMILIES.get(m / TEAMS.size() % FAMILIES.size()) + "-"
                + String.format("%04d", m);
    }

    /** The alias's name. */
    public static String aliasName(int a) {
        return a < ALIAS_NAMES.size() ? ALIAS_NAMES.get(a) : "alias-" + a;
    }

    /** Where move {@code k} of alias {@code a} of model {@code m} pointed the alias. */
    public int toVersion(int m, int a, int k) {
        return 1 + (int) (((long) m * 31 + (long) a * 7 + (long) k * stride()) % versions);
    }

    /** Where the alias pointed before move {@code k}; empty for its first move. */
    public Optional<Integer> fromVersion(int m, int a, int k) {
        return k == 0 ? Optional.empty() : Optional.of(toVersion(m, a, k - 1));
    }

    /** Where the alias points after the seeded history. */
    public int currentVersion(int m, int a) {
        return toVersion(m, a, moves - 1);
    }

    /** The seeded alias revision: one per recorded move. */
    public long revision() {
        return moves;
    }

    /** The instant of the first move slot. */
    public Instant historyStart() {
        return Instant.EPOCH.plus(startMicros(), ChronoUnit.MICROS);
    }

    private long startMicros() {
        return endMicros() - slotMicros(historyLength, moves) * moves;
    }

    private long endMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, historyEnd);
    }

    /** When move {@code k} of alias {@code a} of model {@code m} happened (microsecond precision, as stored). */
    public Instant moveAt(int m, int a, int k) {
        return Instant.EPOCH.plus(moveMicros(m, a, k), ChronoUnit.MICROS);
    }

    private long moveMicros(int m, int a, int k) {
        long slot = slotMicros(historyLength, moves);
        return startMicros() + k * slot + jitter(m, a, k) * slot / 1000;
    }

    static long jitter(int m, int a, int k) {
        return ((long) m * 7919 + (long) a * 104729 + (long) k * 1299709) % JITTER_RANGE;
    }

    /** When version {@code v} (1-based) of every model was registered: hourly, ending an hour before the history. */
    public Instant versionCreatedAt(int v) {
        return historyStart().minus(Duration.ofHours(versions - v + 1L));
    }

    /** When every model was created: an hour before its first version. */
    public Instant modelCreatedAt() {
        return versionCreatedAt(1).minus(Duration.ofHours(1));
    }

    /**
     * The version the alias served at {@code instant} (the last move at or before it), empty before its first move.
     * The same rule as the registry's {@code AliasTimeline}.
     */
    public Optional<Integer> versionAt(int m, int a, Instant instant) {
        long t = ChronoUnit.MICROS.between(Instant.EPOCH, instant);
        // Moves are in slot order, so a binary search over k finds the last one at or before t.
        int lo = 0;
        int hi = moves - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (moveMicros(m, a, mid) <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? Optional.empty() : Optional.of(toVersion(m, a, found));
    }

    /** How many model names contain {@code substring} (what a search for it should report as its total). */
    public long modelsMatching(String substring) {
        long n = 0;
        for (int m = 0; m < models; m++) {
            if (modelName(m).contains(substring)) {
                n++;
            }
        }
        return n;
    }

    /** Row counts the seeding must produce. */
    public long aliasMoveRows() {
        return (long) models * aliases * moves;
    }

    /**
     * The seeding statements, in order, for a database Flyway has just created: one INSERT … SELECT over
     * {@code generate_series} per table, then the sequences moved past the ids used. The SQL spells out the
     * formulas of this class; change both together (the benchmark compares what it reads with this plan).
     */
    public List<String> sql() {
        String teams = sqlArray(TEAMS);
        String families = sqlArray(FAMILIES);
        String aliasNames = sqlArray(ALIAS_NAMES);
        String name = "(" + teams + ")[g.m % " + TEAMS.size() + " + 1] || '-' || (" + families + ")[g.m / "
                + TEAMS.size() + " % " + FAMILIES.size() + " + 1] || '-' || lpad(g.m::text, greatest(4, "
                + "length(g.m::text)), '0')";
        String alias = "coalesce((" + aliasNames + ")[a + 1], 'alias-' || a)";
        long slot = slotMicros(historyLength, moves);
        String moveMicros = "(" + startMicros() + "::bigint + k::bigint * " + slot + " + ((m::bigint * 7919 + "
                + "a::bigint * 104729 + k::bigint * 1299709) % " + JITTER_RANGE + ") * " + slot + " / 1000)";
        String to = "(1 + (m::bigint * 31 + a::bigint * 7 + k::bigint * " + stride() + ") % " + versions + ")::int";
        String toPrev = "(1 + (m::bigint * 31 + a::bigint * 7 + (k - 1)::bigint * " + stride() + ") % " + versions
                + ")::int";
        long versionsStart = ChronoUnit.MICROS.between(Instant.EPOCH, versionCreatedAt(1));
        String versionMicros = "(" + versionsStart + "::bigint + (v - 1)::bigint * 3600000000)";
        long modelMicros = ChronoUnit.MICROS.between(Instant.EPOCH, modelCreatedAt());
        long lastVersionMicros = ChronoUnit.MICROS.between(Instant.EPOCH, versionCreatedAt(versions));
        return List.of(
                "insert into registered_model (id, name, description, queue, tags, next_version, created_by, "
                        + "created_at, updated_at) "
                        + "select g.m + 1, " + name + ", 'seeded model ' || g.m, 'team-' || (" + teams + ")[g.m % "
                        + TEAMS.size() + " + 1], jsonb_build_object('team', (" + teams + ")[g.m % " + TEAMS.size()
                        + " + 1], 'tier', case when g.m % 3 = 0 then 'critical' else 'standard' end), "
                        + (versions + 1) + ", 'seed', " + micros(Long.toString(modelMicros)) + ", "
                        + micros(Long.toString(lastVersionMicros)) + " from generate_series(0, " + (models - 1)
                        + ") as g(m)",
                "insert into model_version (model_id, version, artifact_uri, sha256, format, params, metrics, tags, "
                        + "description, run_id, status, created_by, created_at, updated_at) "
                        + "select r.id, v, 's3://capstan-models/' || r.name || '/' || v, md5(r.name || v) || "
                        + "md5(v || r.name), 'pytorch', jsonb_build_object('lr', '0.000' || (1 + v % 9), "
                        + "'epochs', (10 + v % 20)::text, 'batch_size', '64'), jsonb_build_object('accuracy', "
                        + "round((0.80 + (v % 17) / 100.0)::numeric, 4), 'loss', round((0.5 - (v % 17) / 50.0)"
                        + "::numeric, 4)), jsonb_build_object('git_sha', substr(md5(r.name || '/' || v), 1, 12)), "
                        + "'seeded version', 'run-' || r.id || '-' || v, 'READY', 'seed', " + micros(versionMicros)
                        + ", " + micros(versionMicros) + " from registered_model r, generate_series(1, " + versions
                        + ") as v",
                "insert into alias_move (id, model_id, alias, from_version, to_version, kind, actor, reason, cause, "
                        + "at) select m::bigint * " + ((long) aliases * moves) + " + a * " + moves + " + k + 1, m + 1, "
                        + alias + ", case when k = 0 then null else " + toPrev + " end, " + to + ", 'SET', 'seed', "
                        + "'promote', 'rest', " + micros(moveMicros) + " from generate_series(0, " + (models - 1)
                        + ") as m, generate_series(0, " + (aliases - 1) + ") as a, generate_series(0, " + (moves - 1)
                        + ") as k",
                "insert into model_alias (model_id, alias, version, revision, moved_at) "
                        + "select m + 1, " + alias + ", " + to + ", " + moves + ", " + micros(moveMicros)
                        + " from generate_series(0, " + (models - 1) + ") as m, generate_series(0, " + (aliases - 1)
                        + ") as a, (select " + (moves - 1) + " as k) as last",
                "select setval('registered_model_id_seq', " + models + ")",
                "select setval('alias_move_id_seq', " + aliasMoveRows() + ")");
    }

    /** A timestamptz from microseconds since the epoch, exactly (no float on the way). */
    private static String micros(String expr) {
        return "(timestamptz 'epoch' + (" + expr + " / 1000000) * interval '1 second' + (" + expr
                + " % 1000000) * interval '1 microsecond')";
    }

    private static String sqlArray(List<String> values) {
        return "array[" + String.join(", ", values.stream().map(v -> "'" + v + "'").toList()) + "]::text[]";
    }
}
