package dev.capstan.autoscaler.rollout;

import dev.capstan.events.ModelEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the registry's events say about models: each version's artifact and where each alias points now. Fed in
 * topic order ({@code capstan.models} keeps one model's events in order), so the last move of an alias wins.
 */
public final class ModelAliases {

    private final Map<String, Map<String, Integer>> aliases = new HashMap<>();
    private final Map<String, Map<Integer, String>> artifacts = new HashMap<>();

    /** Applies one registry event. */
    public void apply(ModelEvent event) {
        if (event instanceof ModelEvent.ModelVersionRegistered v) {
            artifacts.computeIfAbsent(v.model(), k -> new HashMap<>()).put(v.version(), v.artifactUri());
        } else if (event instanceof ModelEvent.ModelAliasMoved m) {
            aliases.computeIfAbsent(m.model(), k -> new HashMap<>()).put(m.alias(), m.toVersion());
        } else if (event instanceof ModelEvent.ModelAliasRemoved r) {
            Map<String, Integer> of = aliases.get(r.model());
            if (of != null) {
                of.remove(r.alias());
            }
        }
    }

    /**
     * The version a service's model reference names now: {@code name@alias} follows the alias, {@code name:version}
     * is pinned. Empty when the alias points nowhere (yet) or the reference is not one of these forms.
     */
    public Optional<Target> resolve(String reference) {
        ModelRef ref = ModelRef.parse(reference);
        if (ref == null) {
            return Optional.empty();
        }
        Integer version = ref.version() != null ? ref.version()
                : aliases.getOrDefault(ref.model(), Map.of()).get(ref.alias());
        if (version == null) {
            return Optional.empty();
        }
        return Optional.of(new Target(ref.model(), version,
                artifacts.getOrDefault(ref.model(), Map.of()).get(version)));
    }

    /**
     * A model reference taken apart: {@code alias} for {@code name@alias}, {@code version} for {@code name:version}.
     */
    public record ModelRef(String model, String alias, Integer version) {

        /** The parts of {@code reference}, or null when it has neither form. */
        public static ModelRef parse(String reference) {
            if (reference == null) {
                return null;
            }
            int at = reference.lastIndexOf('@');
            if (at > 0 && at < reference.length() - 1) {
                return new ModelRef(reference.substring(0, at), reference.substring(at + 1), null);
            }
            int colon = reference.lastIndexOf(':');
            if (colon > 0 && colon < reference.length() - 1) {
                try {
                    return new ModelRef(reference.substring(0, colon), null,
                            Integer.parseInt(reference.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }
    }

    /** A model version a service should serve. */
    public record Target(String model, int version, String artifactUri) {

        /** Its revision name, {@code v<version>}. */
        public String revision() {
            return "v" + version;
        }
    }
}
