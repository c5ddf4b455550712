package dev.capstan.localstack.demo;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * How the simulated gateway splits one second's requests between the revisions of a service: each request goes to
 * a revision at random, with the probability of that revision's weight among the revisions that can take it. A
 * revision can take requests when it has at least one ready replica and, once a serving plan is known, a weight
 * above 0; the weights are renormalised over those. Before any plan, the revisions with ready replicas share the
 * requests evenly. When no revision can take them, nothing is routed: every request of the second fails.
 *
 * <p>Pure: the same arguments and a {@link Random} in the same state give the same split.
 */
public final class TrafficSplit {

    private TrafficSplit() {
    }

    /**
     * Routes {@code requests} requests.
     *
     * @param requests  the requests that arrived
     * @param weights   the plan's weight in percent per revision name, or null when no plan is known yet
     * @param readyPods ready replicas per revision name, as the Kubernetes API shows them
     * @param random    the source of the draws
     * @return requests per revision that can take requests, in revision name order (zero counts included); the
     *         counts add up to {@code requests}, and the map is empty when no revision can take any (then none was
     *         routed)
     */
    public static Map<String, Long> split(long requests, Map<String, Integer> weights, Map<String, Integer> readyPods,
            Random random) {
        if (requests < 0) {
            throw new IllegalArgumentException("requests must not be negative, was " + requests);
        }
        // Name order, not the maps' iteration order: the draws map to revisions the same way whatever map is given.
        TreeMap<String, Integer> eligible = new TreeMap<>();
        readyPods.forEach((revision, ready) -> {
            if (ready != null && ready > 0) {
                int weight = weights == null ? 1 : weights.getOrDefault(revision, 0);
                if (weight > 0) {
                    eligible.put(revision, weight);
                }
            }
        });
        Map<String, Long> routed = new TreeMap<>();
        if (eligible.isEmpty()) {
            return routed;
        }
        String[] names = eligible.keySet().toArray(String[]::new);
        double[] cumulative = new double[names.length];
        double total = 0;
        for (int i = 0; i < names.length; i++) {
            total += eligible.get(names[i]);
            cumulative[i] = total;
        }
        long[] counts = new long[names.length];
        for (long r = 0; r < requests; r++) {
            double draw = random.nextDouble() * total;
            int i = 0;
            while (i < names.length - 1 && draw >= cumulative[i]) {
                i++;
            }
            counts[i]++;
        }
        for (int i = 0; i < names.length; i++) {
            routed.put(names[i], counts[i]);
        }
        return routed;
    }
}
