package dev.capstan.autoscaler.bench;

import dev.capstan.autoscaler.domain.PolicyKind;
import dev.capstan.autoscaler.domain.RateSample;
import dev.capstan.autoscaler.domain.ScalingSettings;
import dev.capstan.autoscaler.domain.ServiceAutoscaler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How many inference services one autoscaler keeps up with: N services, each fed one sample per second (bursty
 * demand with quiet periods, so every part of the policy runs), every service deciding at its tick, as the service
 * does. Prints decisions per second of CPU, the time one simulated second of all services takes, and retained heap
 * per service once the windows are full.
 *
 * <pre>
 * java -cp autoscaler-service/target/classes dev.capstan.autoscaler.bench.AutoscalerScaleBenchmark \
 *     [--services 1000] [--seconds 1500] [--policy capstan] [--cold-start 60] [--queue-s 2]
 * </pre>
 */
public final class AutoscalerScaleBenchmark {

    private AutoscalerScaleBenchmark() {
    }

    public static void main(String[] args) {
        int services = 1000;
        int seconds = 1500;
        PolicyKind kind = PolicyKind.CAPSTAN;
        int cold = 60;
        int queue = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--services" -> services = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--policy" -> kind = PolicyKind.parse(args[++i]);
                case "--cold-start" -> cold = Integer.parseInt(args[++i]);
                case "--queue-s" -> queue = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: [--services N] [--seconds S] [--policy capstan|kpa|hpa]"
                            + " [--cold-start S] [--queue-s S]");
                    System.exit(2);
                }
            }
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();

        Random random = new Random(11);
        List<ServiceAutoscaler> autoscalers = new ArrayList<>(services);
        double[] base = new double[services];
        int[] replicas = new int[services];
        for (int s = 0; s < services; s++) {
            ScalingSettings settings = ScalingSettings.of("svc-" + s, 1.0, 0, 200, Duration.ofSeconds(cold))
                    .withQueueTimeout(Duration.ofSeconds(queue));
            autoscalers.add(new ServiceAutoscaler(settings, kind));
            base[s] = 0.5 + random.nextDouble() * 20; // 0.5 .. 20.5 rps
        }
        int tick = (int) autoscalers.get(0).policy().tickInterval().toSeconds();
        long decisions = 0;
        long worstSecondNanos = 0;
        long start = System.nanoTime();
        for (int t = 0; t < seconds; t++) {
            long secondStart = System.nanoTime();
            Instant at = Instant.ofEpochSecond(t);
            for (int s = 0; s < services; s++) {
                // Bursty: 3× the base for 20 s in every 120 s (phase per service), quiet 60 s in every 600 s.
                double rate = (t + s * 7) % 600 >= 540 ? 0 : base[s] * ((t + s * 13) % 120 < 20 ? 3 : 1);
                double requests = poisson(random, rate);
                ServiceAutoscaler a = autoscalers.get(s);
                a.observe(new RateSample(at, 1, requests, 0));
                if ((t + 1) % tick == 0) {
                    replicas[s] = a.decide(Instant.ofEpochSecond(t + 1), replicas[s], replicas[s]).desiredReplicas();
                    decisions++;
                }
            }
            worstSecondNanos = Math.max(worstSecondNanos, System.nanoTime() - secondStart);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.gc();
        long heapAfter = memory.getHeapMemoryUsage().getUsed();
        double perService = (heapAfter - heapBefore) / (double) services / 1024;
        System.out.printf(Locale.ROOT, "policy=%s services=%d simulated_s=%d cold_start_s=%d queue_s=%d decisions=%d"
                        + " decisions_per_s=%.0f mean_simulated_second_ms=%.1f worst_simulated_second_ms=%.1f"
                        + " heap_per_service_kib=%.1f (%d replicas asked in total at the end)%n",
                kind.wire(), services, seconds, cold, queue, decisions, decisions / elapsed,
                elapsed * 1000 / seconds, worstSecondNanos / 1e6, perService, sum(replicas));
        autoscalers.clear(); // keep them reachable until the heap was measured
    }

    private static double poisson(Random random, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double p = 1;
        int k = 0;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    private static long sum(int[] a) {
        long s = 0;
        for (int x : a) {
            s += x;
        }
        return s;
    }
}
