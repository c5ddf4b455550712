package dev.capstan.localstack.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {

    @Test
    void theWeightsAreHonouredOverManySeconds() {
        Map<String, Long> total = overSeconds(2_000, 10, Map.of("v1", 90, "v2", 10), Map.of("v1", 3, "v2", 1));

        // 20,000 requests at p=0.1: standard deviation of the share ≈ 0.002; ±0.01 is about five.
        assertThat((double) total.get("v2") / 20_000).isCloseTo(0.10, within(0.01));
        assertThat(total.get("v1") + total.get("v2")).isEqualTo(20_000);
    }

    @Test
    void weightsAreRenormalisedOverTheRevisionsWithReadyReplicas() {
        Map<String, Long> total = overSeconds(2_000, 10, Map.of("v1", 60, "v2", 30, "v3", 10),
                Map.of("v1", 0, "v2", 2, "v3", 1));

        assertThat(total).doesNotContainKey("v1");
        assertThat((double) total.get("v3") / 20_000).isCloseTo(0.25, within(0.015));
    }

    @Test
    void aRevisionWithoutReadyReplicasGetsNoRequestEvenWithWeight() {
        Map<String, Long> split = TrafficSplit.split(50, Map.of("v1", 50, "v2", 50), Map.of("v1", 2), new Random(3));

        assertThat(split).containsExactly(Map.entry("v1", 50L));
    }

    @Test
    void aRevisionOfWeightZeroGetsNothing() {
        Map<String, Long> total = overSeconds(500, 10, Map.of("v1", 100, "v2", 0), Map.of("v1", 1, "v2", 4));

        assertThat(total).containsExactly(Map.entry("v1", 5_000L));
    }

    @Test
    void aRevisionOutsideThePlanGetsNothing() {
        Map<String, Long> split = TrafficSplit.split(20, Map.of("v2", 100), Map.of("v1", 3, "v2", 1), new Random(5));

        assertThat(split).containsExactly(Map.entry("v2", 20L));
    }

    @Test
    void withoutAPlanTheRevisionsWithReadyReplicasShareEvenly() {
        Map<String, Long> total = overSeconds(2_000, 10, null, Map.of("v1", 1, "v2", 5, "v3", 0));

        assertThat(total).containsOnlyKeys("v1", "v2");
        assertThat((double) total.get("v1") / 20_000).isCloseTo(0.5, within(0.015));
    }

    @Test
    void whenNoRevisionHasAReadyReplicaNothingIsRouted() {
        assertThat(TrafficSplit.split(12, Map.of("v1", 100), Map.of("v1", 0), new Random(1))).isEmpty();
        assertThat(TrafficSplit.split(12, null, Map.of(), new Random(1))).isEmpty();
        assertThat(TrafficSplit.split(12, Map.of("v1", 0), Map.of("v1", 2), new Random(1))).isEmpty();
    }

    @Test
    void everyRequestGoesSomewhereAndTheSameDrawsGiveTheSameSplit() {
        Random shapes = new Random(11);
        for (int i = 0; i < 200; i++) {
            long requests = shapes.nextInt(40);
            Map<String, Integer> weights = new HashMap<>();
            Map<String, Integer> ready = new HashMap<>();
            for (String revision : new String[] {"v1", "v2", "v3"}) {
                weights.put(revision, shapes.nextInt(3) * 25);
                ready.put(revision, shapes.nextInt(3));
            }
            long seed = shapes.nextLong();

            Map<String, Long> split = TrafficSplit.split(requests, weights, ready, new Random(seed));

            boolean anyTakes = ready.entrySet().stream().anyMatch(e -> e.getValue() > 0 && weights.get(e.getKey()) > 0);
            assertThat(split.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(anyTakes ? requests : 0);
            split.keySet().forEach(r -> assertThat(ready.get(r)).isPositive());
            split.keySet().forEach(r -> assertThat(weights.get(r)).isPositive());
            assertThat(TrafficSplit.split(requests, weights, ready, new Random(seed))).isEqualTo(split);
        }
        assertThat(TrafficSplit.split(0, null, Map.of("v1", 1), new Random(1))).containsExactly(Map.entry("v1", 0L));
    }

    /** Requests per revision over {@code seconds} seconds of {@code perSecond} requests, from one seeded source. */
    private static Map<String, Long> overSeconds(int seconds, long perSecond, Map<String, Integer> weights,
            Map<String, Integer> ready) {
        Random random = new Random(42);
        Map<String, Long> total = new HashMap<>();
        for (int s = 0; s < seconds; s++) {
            TrafficSplit.split(perSecond, weights, ready, random).forEach((r, n) -> total.merge(r, n, Long::sum));
        }
        return total;
    }
}
