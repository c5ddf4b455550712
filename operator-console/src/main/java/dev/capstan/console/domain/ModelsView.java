package dev.capstan.console.domain;

import dev.capstan.events.ModelEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Registered models as model-registry's events tell them: versions, where each alias points, and every alias move.
 * Not thread-safe: {@link ReadModel} guards it.
 */
public final class ModelsView {

    private final Map<String, Model> models = new TreeMap<>();

    private static final class Model {
        final Map<Integer, VersionView> versions = new TreeMap<>();
        final Map<String, Integer> aliases = new TreeMap<>();
        final List<Move> moves = new ArrayList<>();
    }

    /** A model version and the job it came from. */
    public record VersionView(int version, String artifactUri, String sourceWorkloadId, Integer sourceAttempt,
            Instant registeredAt, String actor) {
    }

    /**
     * One alias move.
     *
     * @param kind moved or removed
     */
    public record Move(Instant at, String alias, String kind, Integer fromVersion, Integer toVersion, String reason,
            String actor) {
    }

    /** A model in the list. */
    public record ModelSummary(String name, int versions, Integer latestVersion, Map<String, Integer> aliases,
            Instant lastMoveAt) {
    }

    /** A model's page: versions newest first, aliases, moves newest first. */
    public record ModelDetail(String name, List<VersionView> versions, Map<String, Integer> aliases,
            List<Move> history) {
    }

    void apply(ModelEvent e) {
        Model m = models.computeIfAbsent(e.model(), k -> new Model());
        if (e instanceof ModelEvent.ModelVersionRegistered r) {
            m.versions.put(r.version(), new VersionView(r.version(), r.artifactUri(), r.sourceWorkloadId(),
                    r.sourceAttempt(), r.registeredAt(), r.actor()));
        } else if (e instanceof ModelEvent.ModelAliasMoved a) {
            m.aliases.put(a.alias(), a.toVersion());
            m.moves.add(new Move(a.movedAt(), a.alias(), "moved", a.fromVersion(), a.toVersion(), a.reason(),
                    a.actor()));
        } else if (e instanceof ModelEvent.ModelAliasRemoved r) {
            m.aliases.remove(r.alias());
            m.moves.add(new Move(r.removedAt(), r.alias(), "removed", r.fromVersion(), null, r.reason(), r.actor()));
        }
    }

    public List<ModelSummary> list() {
        List<ModelSummary> out = new ArrayList<>();
        models.forEach((name, m) -> out.add(new ModelSummary(name, m.versions.size(),
                m.versions.isEmpty() ? null : ((TreeMap<Integer, VersionView>) m.versions).lastKey(),
                Map.copyOf(m.aliases), m.moves.isEmpty() ? null : m.moves.get(m.moves.size() - 1).at())));
        return out;
    }

    /** Null when never heard of. */
    public ModelDetail detail(String name) {
        Model m = models.get(name);
        if (m == null) {
            return null;
        }
        List<VersionView> versions = new ArrayList<>(m.versions.values());
        java.util.Collections.reverse(versions);
        List<Move> moves = new ArrayList<>(m.moves);
        java.util.Collections.reverse(moves);
        return new ModelDetail(name, versions, new TreeMap<>(m.aliases), moves);
    }
}
