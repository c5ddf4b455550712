package dev.capstan.scheduler.bench;

import dev.capstan.scheduler.domain.placement.ClusterState;
import dev.capstan.scheduler.domain.placement.GangRequest;
import dev.capstan.scheduler.domain.placement.NodeSpec;
import dev.capstan.scheduler.domain.placement.PlacementPolicies;
import dev.capstan.scheduler.domain.placement.PlacementPolicy;
import dev.capstan.scheduler.domain.placement.PlacementResult;
import dev.capstan.scheduler.domain.placement.PodRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The FGD paper's allocation experiment on the Alibaba GPU trace, for each policy of the engine.
 *
 * <p>Procedure (as the paper's simulator, hkust-adsl/kubernetes-scheduler-simulator, runs it):
 * <ol>
 *   <li>Read the node list and a pod list (the trace's CSV format).</li>
 *   <li>Inflate: keep the pod list and append pods drawn with replacement from it until the next one would take
 *       the total GPU request above 130 % of the cluster's GPU capacity.</li>
 *   <li>Shuffle with the seed (42..51), place pod after pod, never release.</li>
 *   <li>Record the allocation ratio (allocated milli-GPU / capacity) when the arrived GPU request (of placed and
 *       failed pods) first reaches 100 % and at the end (130 %).</li>
 * </ol>
 * Usage: {@code PlacementBenchmark <node-list.csv> <pod-list.csv>... [--policies capstan,fgd,bestfit,random]
 * [--seeds 42-51] [--published analysis_allo_discrete.csv] [--threads 2]}
 */
public final class PlacementBenchmark {

    /** Workload inflation of the paper's experiments ({@code -tune 1.3}). */
    static final double TUNE = 1.3;

    /** {@code --ignore-memory}: pods ask for no memory (to test whether memory explains a gap). */
    static boolean ignoreMemory;

    private PlacementBenchmark() {
    }

    record RunResult(double allocAt100, double allocAt130, double placementsPerSecond, int pods, int failed) {
    }

    public static void main(String[] args) throws Exception {
        List<String> files = new ArrayList<>();
        List<String> policies = List.of("capstan", "fgd", "bestfit", "random");
        List<Long> seeds = range(42, 51);
        String published = null;
        int threads = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--policies" -> policies = Arrays.asList(args[++i].split(","));
                case "--seeds" -> seeds = parseSeeds(args[++i]);
                case "--published" -> published = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--ignore-memory" -> ignoreMemory = true;
                default -> files.add(args[i]);
            }
        }
        if (files.size() < 2) {
            System.err.println("usage: PlacementBenchmark <node-list.csv> <pod-list.csv>... [--policies a,b]"
                    + " [--seeds 42-51] [--published analysis_allo_discrete.csv] [--threads 2]");
            System.exit(2);
        }
        List<NodeSpec> nodes = readNodes(Path.of(files.get(0)));
        long capacityMilli = nodes.stream().mapToLong(n -> n.gpus().size() * 1000L).sum();
        System.out.printf(Locale.ROOT, "cluster nodes=%d gpus=%d seeds=%s policies=%s%n", nodes.size(),
                capacityMilli / 1000, seeds, policies);
        Map<String, Map<String, double[]>> pub = published == null ? Map.of() : readPublished(Path.of(published));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (String podFile : files.subList(1, files.size())) {
                List<PodRequest> pods = readPods(Path.of(podFile));
                String workload = Path.of(podFile).getFileName().toString().replaceFirst("\\.csv$", "");
                Map<String, List<Future<RunResult>>> futures = new LinkedHashMap<>();
                for (String policy : policies) {
                    List<Future<RunResult>> runs = new ArrayList<>();
                    for (long seed : seeds) {
                        runs.add(pool.submit(() -> run(nodes, pods, policy, seed)));
                    }
                    futures.put(policy, runs);
                }
                for (Map.Entry<String, List<Future<RunResult>>> e : futures.entrySet()) {
                    List<RunResult> rs = new ArrayList<>();
                    for (Future<RunResult> f : e.getValue()) {
                        rs.add(f.get());
                    }
                    double[] a100 = rs.stream().mapToDouble(RunResult::allocAt100).toArray();
                    double[] a130 = rs.stream().mapToDouble(RunResult::allocAt130).toArray();
                    double m100 = mean(a100);
                    System.out.printf(Locale.ROOT,
                            "policy=%s workload=%s alloc_at_100=%.2f alloc_at_130=%.2f unallocated_gpus_at_100=%.0f"
                                    + " placements_per_s=%.0f spread=%.2f (sd of alloc_at_100 over %d seeds; min %.2f max %.2f)%n",
                            e.getKey(), workload, m100, mean(a130), capacityMilli / 1000.0 * (1 - m100 / 100),
                            mean(rs.stream().mapToDouble(RunResult::placementsPerSecond).toArray()), sd(a100),
                            rs.size(), Arrays.stream(a100).min().orElse(0), Arrays.stream(a100).max().orElse(0));
                }
                Map<String, double[]> p = pub.get(workload);
                if (p != null) {
                    for (String pol : List.of("06-FGD", "05-BestFit")) {
                        double[] v = p.get(pol);
                        if (v != null) {
                            System.out.printf(Locale.ROOT,
                                    "published=%s workload=%s alloc_at_100=%.2f alloc_at_130=%.2f unallocated_gpus_at_100=%.0f (mean of %d seeds)%n",
                                    pol, workload, v[0], v[1], capacityMilli / 1000.0 * (1 - v[0] / 100), (int) v[2]);
                        }
                    }
                } else if (published != null) {
                    System.out.printf("published workload=%s: not in the results file%n", workload);
                }
                System.out.flush();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** One run: inflate, shuffle with the seed, place one by one. */
    static RunResult run(List<NodeSpec> nodes, List<PodRequest> workload, String policyName, long seed) {
        ClusterState cluster = ClusterState.of(nodes);
        long capacity = cluster.gpuMilliTotal();
        List<PodRequest> pods = inflate(workload, capacity, seed);
        PlacementPolicy policy = PlacementPolicies.byName(policyName, seed,
                policyName.startsWith("fgd") || policyName.equals("capstan-prior") ? workload : null);
        long arrived = 0;
        long allocated = 0;
        double at100 = -1;
        int failed = 0;
        long start = System.nanoTime();
        for (PodRequest pod : pods) {
            PlacementResult r = policy.place(cluster, GangRequest.single(pod));
            arrived += pod.totalGpuMilli();
            if (r instanceof PlacementResult.Placed placed) {
                cluster.commit(placed.placement());
                allocated += pod.totalGpuMilli();
            } else {
                failed++;
            }
            if (at100 < 0 && arrived >= capacity) {
                at100 = 100.0 * allocated / capacity;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double at130 = 100.0 * allocated / capacity;
        return new RunResult(at100 < 0 ? at130 : at100, at130, pods.size() / seconds, pods.size(), failed);
    }

    /**
     * The pod list plus pods drawn with replacement until the next draw would take the GPU request above
     * {@link #TUNE} times the capacity (the simulator compares the drawn pod's per-GPU share, as we do), shuffled.
     */
    static List<PodRequest> inflate(List<PodRequest> workload, long capacityMilli, long seed) {
        Random rnd = new Random(seed);
        List<PodRequest> pods = new ArrayList<>(workload);
        long total = workload.stream().mapToLong(PodRequest::totalGpuMilli).sum();
        for (int i = 0; ; i++) {
            PodRequest p = workload.get(rnd.nextInt(workload.size()));
            if (total + p.gpuMilli() > TUNE * capacityMilli) {
                break;
            }
            total += p.totalGpuMilli();
            pods.add(new PodRequest(p.podName() + "-tuned-" + i, p.cpuMilli(), p.memoryMib(), p.gpus(), p.gpuMilli(),
                    p.allowedGpuModels(), p.migProfile(), p.tolerations()));
        }
        Collections.shuffle(pods, rnd);
        return pods;
    }

    /** The comma-separated fields of every non-blank line after the header. */
    static List<String[]> dataRows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String[]> rows = new ArrayList<>(lines.size());
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(line.split(",", -1));
            }
        }
        return rows;
    }

    static List<NodeSpec> readNodes(Path csv) throws IOException {
        List<NodeSpec> out = new ArrayList<>();
        for (String[] f : dataRows(csv)) {
            int gpus = Integer.parseInt(f[3].trim());
            out.add(NodeSpec.uniform(f[0], Long.parseLong(f[1].trim()), Long.parseLong(f[2].trim()), gpus,
                    f.length > 4 ? f[4].trim() : "", Map.of()));
        }
        return out;
    }

    static List<PodRequest> readPods(Path csv) throws IOException {
        List<PodRequest> out = new ArrayList<>();
        for (String[] f : dataRows(csv)) {
            int gpus = Integer.parseInt(f[3].trim());
            int milli = gpus == 0 ? 0 : Integer.parseInt(f[4].trim());
            Set<String> models = new HashSet<>();
            if (f.length > 5 && !f[5].isBlank()) {
                models.addAll(Arrays.asList(f[5].trim().split("\\|")));
            }
            out.add(new PodRequest(f[0], Long.parseLong(f[1].trim()),
                    ignoreMemory ? 0 : Long.parseLong(f[2].trim()), gpus, milli, models,
                    null, Set.of()));
        }
        return out;
    }

    /** workload -> policy -> {mean alloc at 100, mean alloc at 130, seeds}. */
    static Map<String, Map<String, double[]>> readPublished(Path csv) throws IOException {
        Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int c100 = header.indexOf("100");
        int c130 = header.indexOf("130");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            double[] acc = out.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[1], k -> new double[3]);
            acc[0] += Double.parseDouble(f[c100]);
            acc[1] += Double.parseDouble(f[c130]);
            acc[2] += 1;
        }
        for (Map<String, double[]> byPolicy : out.values()) {
            for (double[] acc : byPolicy.values()) {
                acc[0] /= acc[2];
                acc[1] /= acc[2];
            }
        }
        return out;
    }

    static List<Long> parseSeeds(String s) {
        if (s.contains("-")) {
            String[] p = s.split("-");
            return range(Long.parseLong(p[0]), Long.parseLong(p[1]));
        }
        return Arrays.stream(s.split(",")).map(Long::parseLong).toList();
    }

    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(0);
    }

    static double sd(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / Math.max(1, v.length - 1));
    }
}
