package dev.capstan.tuning.bench;

import dev.capstan.tuning.domain.Algorithm;
import dev.capstan.tuning.domain.Budget;
import dev.capstan.tuning.domain.Direction;
import dev.capstan.tuning.domain.EarlyStopping;
import dev.capstan.tuning.domain.ExperimentSpec;
import dev.capstan.tuning.domain.Resource;
import dev.capstan.tuning.domain.Rungs;
import dev.capstan.tuning.domain.Tuners;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Replays recorded learning curves under each tuning algorithm and prints one line per algorithm.
 *
 * <pre>
 * ./capstan bench tuning --curves FILE [--curves FILE ...] [--gpus 16] [--seeds 1-20]
 *     [--budget-gpu-hours X] [--algorithms random+median,ours] [--probing N]
 * </pre>
 * See {@link ReplaySimulation} for the replay and {@link CurveFiles} for the formats. Every algorithm runs as the
 * {@link ExperimentSpec} a user would submit, through {@link Tuners}. Per file and algorithm, over the seeds:
 * <ul>
 *   <li>{@code gpu_hours_to_target}: median GPU cost until some trial's last value is within 1 % of the file's
 *       best final value (best × 0.99 when maximising); "never" when the median seed does not get there before the
 *       pool of recorded configurations runs out;</li>
 *   <li>{@code best_at_budget}: median best value (each trial's final or last reported value; failed trials count
 *       for nothing) once a fixed GPU cost has been used: {@code --budget-gpu-hours}, by default 5 % of running
 *       every configuration to its end;</li>
 *   <li>{@code trials_stopped}: median number of trials stopped early or left paused at a rung by then;</li>
 *   <li>{@code wall_to_target}: median simulated time to the target, for context: fewer GPUs busy cost less but
 *       take longer;</li>
 *   <li>{@code reached}: seeds that reached the target.</li>
 * </ul>
 * The last line per file compares ours with random+median, Katib's default early stopping.
 */
public final class TuningBenchmark {

    /** The files the constants of ours were chosen on; every other file is held out. */
    static final List<String> FITTED_ON = List.of("alexnet_tuning.results.jsonl", "deberta-base_tuning.results.jsonl");

    /** The budget for best_at_budget when none is given: this share of running every configuration to its end. */
    static final double DEFAULT_BUDGET_SHARE = 0.05;

    /** Grid search's points per numeric range: min, middle, max. */
    static final int GRID_POINTS = 3;

    static final List<String> ALGORITHMS = List.of("random+median", "random", "grid", "tpe", "asha", "ours");

    private TuningBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        int gpus = 16;
        long[] seeds = seeds("1-20");
        Double budgetHours = null;
        List<String> algorithms = ALGORITHMS;
        int probing = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--curves" -> files.add(Path.of(args[++i]));
                case "--gpus" -> gpus = Integer.parseInt(args[++i]);
                case "--seeds" -> seeds = seeds(args[++i]);
                case "--budget-gpu-hours" -> budgetHours = Double.parseDouble(args[++i]);
                case "--algorithms" -> algorithms = Arrays.stream(args[++i].split(",")).map(String::trim).toList();
                case "--probing" -> probing = Integer.parseInt(args[++i]);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (files.isEmpty()) {
            usage("no --curves file");
        }
        for (String a : algorithms) {
            if (!ALGORITHMS.contains(a)) {
                usage("unknown algorithm " + a + " (known: " + String.join(",", ALGORITHMS) + ")");
            }
        }
        for (Path path : files) {
            report(CurveFiles.read(path), gpus, seeds, budgetHours, algorithms, probing);
        }
    }

    private static void report(CurveFile file, int gpus, long[] seeds, Double budgetHours, List<String> algorithms,
                               int probing) {
        double best = file.bestFinalValue();
        double target = file.objective().direction() == Direction.MAXIMIZE ? best * 0.99 : best * 1.01;
        double budgetCost = budgetHours != null ? budgetHours * file.costPerHour()
                : DEFAULT_BUDGET_SHARE * file.totalCost();
        long endAtTarget = file.runs().stream().filter(r -> !Double.isNaN(r.finalValue())
                && file.objective().score(r.finalValue()) >= file.objective().score(target)).count();
        System.out.printf(Locale.ROOT, "%s: %d configurations, %s%n", file.name(), file.runs().size(),
                FITTED_ON.contains(file.name()) ? "used to fit the constants of ours"
                        : "held out (never used to fit ours)");
        System.out.printf(Locale.ROOT, "  objective %s, best final %.5f, target %.5f (within 1 %%; %d configurations"
                + " end there)%n", file.objective().metric(), best, target, endAtTarget);
        System.out.printf(Locale.ROOT, "  %d GPUs, 1 per trial; seeds %s; %s; best_at_budget at %.1f %s%s%n", gpus,
                describe(seeds), file.costUnit().equals("steps")
                        ? "no time recorded: cost is optimizer steps, printed in k steps where the header says hours"
                        : "cost is recorded seconds, printed in GPU-hours",
                budgetCost / file.costPerHour(), file.hourLabel(),
                budgetHours != null ? "" : " (5 % of running every configuration to its end)");
        System.out.printf(Locale.ROOT, "  %-14s %20s %15s %15s %15s %8s%n", "algorithm", "gpu_hours_to_target",
                "best_at_budget", "trials_stopped", "wall_to_target", "reached");
        Map<String, Double> toTarget = new LinkedHashMap<>();
        Map<String, LongFunction<ExperimentSpec>> specs = algorithms(file, gpus, probing);
        for (String name : algorithms) {
            List<Outcome> outcomes = new ArrayList<>();
            for (long seed : seeds) {
                ExperimentSpec spec = specs.get(name).apply(seed);
                outcomes.add(new ReplaySimulation(file, Tuners.of(spec), gpus, budgetCost, target).run());
            }
            double cost = median(outcomes.stream().mapToDouble(Outcome::costToTarget).toArray());
            toTarget.put(name, cost);
            System.out.printf(Locale.ROOT, "  %-14s %20s %15.4f %15.0f %15s %5d/%d%n", name,
                    hours(cost, file.costPerHour()),
                    median(outcomes.stream().mapToDouble(Outcome::bestAtBudget).toArray()),
                    median(outcomes.stream().mapToDouble(Outcome::stoppedAtBudget).toArray()),
                    hours(median(outcomes.stream().mapToDouble(Outcome::wallToTarget).toArray()), file.costPerHour()),
                    outcomes.stream().filter(Outcome::reachedTarget).count(), outcomes.size());
        }
        if (toTarget.containsKey("ours") && toTarget.containsKey("random+median")) {
            double ratio = toTarget.get("ours") / toTarget.get("random+median");
            System.out.printf(Locale.ROOT, "  ours/random+median gpu_hours_to_target: %s (goal <= 0.5: %s)%n",
                    Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio),
                    ratio <= 0.5 ? "met" : "missed");
        }
        System.out.println();
    }

    /**
     * The algorithms compared, each as the experiment spec a user would submit, by seed. asha uses rungs on steps
     * from the file's first report (one epoch; 1,000 optimizer steps) to its longest run, η = 3.
     */
    static Map<String, LongFunction<ExperimentSpec>> algorithms(CurveFile file, int gpus, int probing) {
        Rungs stepRungs = new Rungs(Resource.STEP, file.medianFirstStep(), Rungs.DEFAULT_REDUCTION_FACTOR,
                file.maxStep());
        Map<String, LongFunction<ExperimentSpec>> algorithms = new LinkedHashMap<>();
        algorithms.put("random+median", seed -> spec(file, Algorithm.random(), EarlyStopping.median(), gpus, seed));
        algorithms.put("random", seed -> spec(file, Algorithm.random(), EarlyStopping.NONE, gpus, seed));
        algorithms.put("grid", seed -> spec(file, Algorithm.grid(GRID_POINTS), EarlyStopping.NONE, gpus, seed));
        algorithms.put("tpe", seed -> spec(file, Algorithm.tpe(), EarlyStopping.NONE, gpus, seed));
        algorithms.put("asha", seed -> spec(file, Algorithm.asha(Algorithm.Sampler.RANDOM, stepRungs),
                EarlyStopping.NONE, gpus, seed));
        algorithms.put("ours", seed -> spec(file, Algorithm.progressHalving(probing), EarlyStopping.NONE, gpus, seed));
        return algorithms;
    }

    private static ExperimentSpec spec(CurveFile file, Algorithm algorithm, EarlyStopping earlyStopping, int gpus,
                                       long seed) {
        return new ExperimentSpec(file.objective(), file.space(), algorithm, earlyStopping, gpus, Budget.UNLIMITED,
                seed);
    }

    private static String hours(double cost, double perHour) {
        return Double.isFinite(cost) ? String.format(Locale.ROOT, "%.1f", cost / perHour) : "never";
    }

    /** The median; "never" (infinite) values sort last, so more than half of them make the median "never". */
    static double median(double[] values) {
        return CurveFile.median(values);
    }

    static long[] seeds(String spec) {
        if (spec.contains("-")) {
            String[] range = spec.split("-");
            long from = Long.parseLong(range[0].trim());
            long to = Long.parseLong(range[1].trim());
            long[] seeds = new long[(int) (to - from + 1)];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = from + i;
            }
            return seeds;
        }
        return Arrays.stream(spec.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
    }

    private static String describe(long[] seeds) {
        boolean consecutive = true;
        for (int i = 1; i < seeds.length; i++) {
            consecutive &= seeds[i] == seeds[i - 1] + 1;
        }
        return consecutive && seeds.length > 1 ? seeds[0] + "-" + seeds[seeds.length - 1]
                : Arrays.toString(seeds).replaceAll("[\\[\\] ]", "");
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: --curves FILE [--curves FILE ...] [--gpus 16] [--seeds 1-20 | 1,2,3]"
                + " [--budget-gpu-hours X] [--algorithms " + String.join(",", ALGORITHMS) + "] [--probing N]");
        System.exit(2);
    }
}
