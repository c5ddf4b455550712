package dev.capstan.scheduler.domain.placement;

import java.util.List;
import java.util.Locale;

/** The placement policies by name. */
public final class PlacementPolicies {

    /** Name of the default policy. */
    public static final String DEFAULT = "capstan";
    /** Seed of the seeded policies when none is given. */
    public static final long DEFAULT_SEED = 42;
    /** All names {@link #byName} knows. */
    public static final List<String> NAMES = List.of("capstan", "fgd", "bestfit", "random", "firstfit");

    private PlacementPolicies() {
    }

    /**
     * A new policy instance: {@code capstan} (default), {@code fgd}, {@code bestfit}, {@code random} (seeded),
     * {@code firstfit}. Fragmentation-aware policies learn the request mix online. Policies keep state (learnt mix,
     * caches, random generator): use one instance per cluster.
     */
    public static PlacementPolicy byName(String name) {
        return byName(name, DEFAULT_SEED, null);
    }

    /**
     * A new policy instance with a seed for its random choices and, for {@code fgd} and {@code capstan}, a known
     * workload whose request mix the policy starts from ({@code null} = learn it online; {@code fgd} then learns
     * too, and without forgetting).
     */
    public static PlacementPolicy byName(String name, long seed, List<PodRequest> workload) {
        String n = name == null || name.isBlank() ? DEFAULT : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "capstan", "capstan-prior" -> new CapstanPolicy(workload, seed);
            case "fgd" -> new FgdPolicy(workload, seed);
            case "fgd-random" -> new FgdPolicy(workload, seed, false, ScoringPolicy.Ties.RANDOM, "fgd-random");
            case "fgd-exact" -> new FgdPolicy(workload, seed, true, ScoringPolicy.Ties.POLICY, "fgd-exact");
            case "bestfit" -> new BestFitPolicy(seed);
            case "bestfit-random" -> new BestFitPolicy(false, ScoringPolicy.Ties.RANDOM, seed, "bestfit-random");
            case "bestfit-exact" -> new BestFitPolicy(true, ScoringPolicy.Ties.POLICY, seed, "bestfit-exact");
            case "random" -> new RandomPolicy(seed);
            case "firstfit" -> new FirstFitPolicy();
            default -> throw new IllegalArgumentException("unknown placement policy '" + name + "', known: " + NAMES);
        };
    }
}
