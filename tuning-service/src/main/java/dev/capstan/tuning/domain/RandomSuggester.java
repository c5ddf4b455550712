package dev.capstan.tuning.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Random search (Bergstra and Bengio 2012): every parameter drawn independently and uniformly on its unit interval,
 * which is uniform over integers and floats, log-uniform for log parameters and uniform over choices.
 */
public final class RandomSuggester implements Suggester {

    private final SearchSpace space;
    private final long seed;

    public RandomSuggester(SearchSpace space, long seed) {
        this.space = space;
        this.seed = seed;
    }

    @Override
    public Optional<Configuration> propose(List<Trial> trials) {
        return Optional.of(sample(space, Seeds.forTrial(seed, trials.size())));
    }

    /** A uniformly random configuration of {@code space} (TPE's start-up trials use it too). */
    static Configuration sample(SearchSpace space, SplittableRandom random) {
        var values = new LinkedHashMap<String, ParameterValue>();
        for (Parameter p : space.parameters()) {
            values.put(p.name(), p.valueAt(random.nextDouble()));
        }
        return new Configuration(values);
    }
}
