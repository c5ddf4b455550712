package dev.capstan.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The seeding plan writes what the registry itself would have written, for every shape the benchmark allows. */
class RegistrySeedPlanTest {

    private static final Instant END = Instant.parse("2026-12-01T12:00:00.123456789Z");

    private record Case(String name, int models, int versions, int aliases, int moves) {
    }

    private static final List<Case> CASES = List.of(
            new Case("the default shape, scaled down", 7, 50, 10, 100),
            new Case("two versions: moves alternate", 3, 2, 2, 9),
            new Case("three versions", 3, 3, 3, 12),
            new Case("more aliases than names", 2, 5, 13, 4),
            new Case("one move per alias", 4, 7, 2, 1));

    private static RegistrySeedPlan plan(Case c) {
        return new RegistrySeedPlan(c.models(), c.versions(), c.aliases(), c.moves(), END, Duration.ofDays(365));
    }

    @Test
    void everyAliasChainAgreesAndNeverRepointsToTheSameVersion() {
        for (Case c : CASES) {
            RegistrySeedPlan p = plan(c);
            for (int m = 0; m < c.models(); m++) {
                for (int a = 0; a < c.aliases(); a++) {
                    assertThat(p.fromVersion(m, a, 0)).as(c.name()).isEmpty();
                    for (int k = 0; k < c.moves(); k++) {
                        int to = p.toVersion(m, a, k);
                        assertThat(to).as(c.name() + " target").isBetween(1, c.versions());
                        if (k > 0) {
                            assertThat(p.fromVersion(m, a, k)).as(c.name() + " chain")
                                    .contains(p.toVersion(m, a, k - 1));
                            assertThat(to).as(c.name() + " a move changes the version")
                                    .isNotEqualTo(p.toVersion(m, a, k - 1));
                        }
                    }
                    assertThat(p.currentVersion(m, a)).as(c.name()).isEqualTo(p.toVersion(m, a, c.moves() - 1));
                }
            }
            assertThat(p.revision()).as(c.name() + " revision = number of moves").isEqualTo(c.moves());
        }
    }

    @Test
    void movesRiseStrictlyInsideTheHistoryAndFollowEveryVersion() {
        for (Case c : CASES) {
            RegistrySeedPlan p = plan(c);
            Instant newestVersion = p.versionCreatedAt(c.versions());
            assertThat(p.modelCreatedAt()).isBefore(p.versionCreatedAt(1));
            for (int m = 0; m < c.models(); m++) {
                for (int a = 0; a < c.aliases(); a++) {
                    Instant previous = newestVersion;
                    for (int k = 0; k < c.moves(); k++) {
                        Instant at = p.moveAt(m, a, k);
                        assertThat(at).as(c.name() + " move " + k).isAfter(previous)
                                .isBetween(p.historyStart(), p.historyEnd());
                        assertThat(at.getNano() % 1000).as("microsecond precision, as PostgreSQL stores it")
                                .isZero();
                        previous = at;
                    }
                }
            }
        }
    }

    @Test
    void versionAtFollowsTheMoveInEffect() {
        RegistrySeedPlan p = plan(CASES.get(0));
        int m = 3;
        int a = 4;
        Instant first = p.moveAt(m, a, 0);
        Instant fifth = p.moveAt(m, a, 4);
        assertThat(p.versionAt(m, a, p.historyStart().minusSeconds(1))).isEmpty();
        assertThat(p.versionAt(m, a, first.minusNanos(1000))).isEmpty();
        // A move takes effect at its instant (the registry's AliasTimeline rule).
        assertThat(p.versionAt(m, a, first)).contains(p.toVersion(m, a, 0));
        assertThat(p.versionAt(m, a, fifth)).contains(p.toVersion(m, a, 4));
        assertThat(p.versionAt(m, a, fifth.minusNanos(1000))).contains(p.toVersion(m, a, 3));
        assertThat(p.versionAt(m, a, p.historyEnd())).contains(p.currentVersion(m, a));
    }

    @Test
    void namesAreUniqueValidAndSearchTotalsCountThem() {
        RegistrySeedPlan p = new RegistrySeedPlan(12_000, 2, 12, 1, END, Duration.ofDays(1));
        Set<String> names = new HashSet<>();
        for (int m = 0; m < p.models(); m++) {
            assertThat(p.modelName(m)).matches("[a-z0-9][a-z0-9._-]{0,127}");
            names.add(p.modelName(m));
        }
        assertThat(names).hasSize(p.models());
        assertThat(p.modelName(10_000)).isEqualTo("nlp-bert-10000");
        assertThat(p.modelsMatching("nlp")).isEqualTo(p.models() / RegistrySeedPlan.TEAMS.size());
        assertThat(p.modelsMatching("no-such-model")).isZero();
        Set<String> aliases = new HashSet<>();
        for (int a = 0; a < p.aliases(); a++) {
            aliases.add(RegistrySeedPlan.aliasName(a));
        }
        assertThat(aliases).hasSize(12).contains("production", "alias-11");
    }

    @Test
    void theSqlSpellsTheSameConstantsAsThePlan() {
        RegistrySeedPlan p = plan(CASES.get(0));
        List<String> sql = p.sql();
        assertThat(sql).hasSize(6);
        assertThat(sql.get(2)).contains("k::bigint * " + p.stride() + ") % " + p.versions())
                .contains("% " + RegistrySeedPlan.JITTER_RANGE);
        assertThat(sql.get(3)).contains(", " + p.moves() + ", ");
        assertThat(sql.get(5)).contains("alias_move_id_seq', " + p.aliasMoveRows());
    }

    @Test
    void rejectsShapesThatCannotBeConsistent() {
        assertThatThrownBy(() -> new RegistrySeedPlan(1, 1, 1, 2, END, Duration.ofDays(1)))
                .hasMessageContaining("versions");
        assertThatThrownBy(() -> new RegistrySeedPlan(1, 5, 1, 1_000_000, END, Duration.ofSeconds(1)))
                .hasMessageContaining("history too short");
        assertThat(Optional.of(plan(CASES.get(1)).stride())).contains(1);
    }
}
