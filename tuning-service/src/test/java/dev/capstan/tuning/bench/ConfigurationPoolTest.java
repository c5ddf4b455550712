package dev.capstan.tuning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.tuning.domain.CategoricalParameter;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.Direction;
import dev.capstan.tuning.domain.LogFloatParameter;
import dev.capstan.tuning.domain.Objective;
import dev.capstan.tuning.domain.ParameterValue;
import dev.capstan.tuning.domain.SearchSpace;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationPoolTest {

    private static final SearchSpace SPACE = SearchSpace.of(new LogFloatParameter("lr", 1e-4, 1e-1),
            new CategoricalParameter("opt", List.of("sgd", "adam")));

    private static Configuration config(double lr, String opt) {
        var values = new LinkedHashMap<String, ParameterValue>();
        values.put("lr", new ParameterValue.FloatValue(lr));
        values.put("opt", new ParameterValue.Choice(opt));
        return new Configuration(values);
    }

    private static ConfigurationPool pool(Configuration... configurations) {
        List<RecordedRun> runs = Arrays.stream(configurations)
                .map(c -> new RecordedRun(0, c, 1, new long[] {1}, new double[] {1}, new double[] {0.5}, false, 0))
                .toList();
        return new ConfigurationPool(new CurveFile("pool", Objective.of("acc", Direction.MAXIMIZE), SPACE, runs, "s",
                1, "units"));
    }

    @Test
    void distancesAreMeasuredInLogSpaceForLogParameters() {
        // 2e-3 is nearer 1e-4 in plain numbers, but 0.7 decades from 1e-2 against 1.3 from 1e-4
        ConfigurationPool pool = pool(config(1e-4, "sgd"), config(1e-2, "sgd"));
        assertThat(pool.take(config(2e-3, "sgd")).orElseThrow().configuration().get("lr").number()).isEqualTo(1e-2);
    }

    @Test
    void eachRecordedConfigurationRunsOnceAndAnotherChoiceIsFar() {
        ConfigurationPool pool = pool(config(1e-3, "sgd"), config(5e-3, "sgd"), config(1e-3, "adam"));
        Configuration proposal = config(1.2e-3, "sgd");
        assertThat(pool.take(proposal).orElseThrow().configuration()).isEqualTo(config(1e-3, "sgd"));
        // the same lr with the other optimizer is farther than five times the lr with the same one
        assertThat(pool.take(proposal).orElseThrow().configuration()).isEqualTo(config(5e-3, "sgd"));
        assertThat(pool.take(proposal).orElseThrow().configuration()).isEqualTo(config(1e-3, "adam"));
        assertThat(pool.take(proposal)).isEmpty();
        assertThat(pool.remaining()).isZero();
    }
}
