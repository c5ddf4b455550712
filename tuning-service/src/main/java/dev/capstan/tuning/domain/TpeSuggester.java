package dev.capstan.tuning.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio, Kégl, "Algorithms for Hyper-Parameter
 * Optimization", NeurIPS 2011), one parameter at a time as Optuna's default sampler does.
 * <ol>
 *   <li>Rank the trials (by a {@link TrialRanking}). With fewer than {@link Settings#startupTrials} ranked trials,
 *       propose at random.</li>
 *   <li>Split at the quantile γ: the best {@code min(ceil(γ·n), cap)} are good, the rest bad.</li>
 *   <li>Fit, per parameter, l(x) to the good trials' values and g(x) to the bad ones': a {@link ParzenEstimator}
 *       on the unit interval for numeric parameters (log-scaled for log parameters), and for categorical ones the
 *       choices' counts plus the prior weight spread evenly over the choices.</li>
 *   <li>Draw {@link Settings#candidates} configurations from l and propose the one with the largest
 *       Σ log l(x) − log g(x), which is where the expected improvement is largest.</li>
 * </ol>
 */
public final class TpeSuggester implements Suggester {

    /**
     * The constants of the algorithm.
     *
     * @param startupTrials random proposals until this many trials are ranked
     * @param candidates    how many draws from l(x) compete for the largest l(x)/g(x)
     * @param gamma         the fraction of ranked trials that counts as good
     * @param gammaCap      at most this many trials count as good
     * @param priorWeight   the weight of the prior component against each observation's 1
     */
    public record Settings(int startupTrials, int candidates, double gamma, int gammaCap, double priorWeight) {

        /**
         * Optuna's TPESampler defaults (optuna.samplers.TPESampler, 2.x to 4.x): n_startup_trials=10,
         * n_ei_candidates=24, gamma(n)=min(ceil(0.1·n), 25), prior_weight=1.0.
         */
        public static final Settings OPTUNA_DEFAULTS = new Settings(10, 24, 0.1, 25, 1.0);
    }

    private final SearchSpace space;
    private final long seed;
    private final Settings settings;
    private final TrialRanking ranking;

    public TpeSuggester(SearchSpace space, long seed, Settings settings, TrialRanking ranking) {
        this.space = space;
        this.seed = seed;
        this.settings = settings;
        this.ranking = ranking;
    }

    @Override
    public Optional<Configuration> propose(List<Trial> trials) {
        SplittableRandom random = Seeds.forTrial(seed, trials.size());
        List<Trial> ranked = ranking.rank(trials);
        if (ranked.size() < settings.startupTrials()) {
            return Optional.of(RandomSuggester.sample(space, random));
        }
        int good = goodCount(ranked.size());
        List<Trial> below = ranked.subList(0, good);
        List<Trial> above = ranked.subList(good, ranked.size());

        List<Parameter> parameters = space.parameters();
        ParzenEstimator[] l = new ParzenEstimator[parameters.size()];
        ParzenEstimator[] g = new ParzenEstimator[parameters.size()];
        double[][] lChoices = new double[parameters.size()][];
        double[][] gChoices = new double[parameters.size()][];
        for (int d = 0; d < parameters.size(); d++) {
            if (parameters.get(d) instanceof NumericParameter n) {
                l[d] = ParzenEstimator.fit(units(n, below), settings.priorWeight());
                g[d] = ParzenEstimator.fit(units(n, above), settings.priorWeight());
            } else {
                CategoricalParameter c = (CategoricalParameter) parameters.get(d);
                lChoices[d] = choiceWeights(c, below);
                gChoices[d] = choiceWeights(c, above);
            }
        }

        double[] best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < settings.candidates(); k++) {
            double[] x = new double[parameters.size()];
            double score = 0;
            for (int d = 0; d < x.length; d++) {
                if (l[d] != null) {
                    x[d] = l[d].sample(random);
                    score += l[d].logDensity(x[d]) - g[d].logDensity(x[d]);
                } else {
                    int i = ParzenEstimator.pick(lChoices[d], random.nextDouble());
                    x[d] = (i + 0.5) / lChoices[d].length;
                    score += Math.log(lChoices[d][i]) - Math.log(gChoices[d][i]);
                }
            }
            if (score > bestScore) {
                bestScore = score;
                best = x;
            }
        }
        return Optional.of(space.fromUnit(best));
    }

    /** How many of {@code n} ranked trials count as good: min(ceil(γ·n), cap), at least 1. */
    int goodCount(int n) {
        return Math.max(1, Math.min((int) Math.ceil(settings.gamma() * n), settings.gammaCap()));
    }

    private static double[] units(NumericParameter p, List<Trial> trials) {
        return trials.stream().mapToDouble(t -> p.toUnit(t.configuration().get(p.name()).number())).toArray();
    }

    /** Each choice's probability: its count among the trials plus an even share of the prior weight. */
    private double[] choiceWeights(CategoricalParameter c, List<Trial> trials) {
        int k = c.choices().size();
        double[] w = new double[k];
        Arrays.fill(w, settings.priorWeight() / k);
        for (Trial t : trials) {
            w[c.indexOf(t.configuration().get(c.name()).text())] += 1;
        }
        double total = settings.priorWeight() + trials.size();
        for (int i = 0; i < k; i++) {
            w[i] /= total;
        }
        return w;
    }
}
