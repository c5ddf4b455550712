package dev.capstan.tuning.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.tuning.domain.CategoricalParameter;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.Direction;
import dev.capstan.tuning.domain.FloatParameter;
import dev.capstan.tuning.domain.IntParameter;
import dev.capstan.tuning.domain.LogFloatParameter;
import dev.capstan.tuning.domain.Objective;
import dev.capstan.tuning.domain.Parameter;
import dev.capstan.tuning.domain.ParameterValue;
import dev.capstan.tuning.domain.SearchSpace;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the two JSON Lines formats of shared/traces/tuning-opda-imagenet-mnli (see its README).
 * <ul>
 *   <li><b>ImageNet</b> ({@code learning_curve}: per-epoch {@code time}, {@code top_1}): objective top-1, cost in
 *       seconds from the cumulative {@code time}. Rows with {@code nan_train_loss} fail after their last recorded
 *       epoch; those with no epoch at all fail after one median epoch of the file. Parameters: epochs, batch size
 *       (categorical), peak lr and weight decay (log), peak epoch as a fraction of the epochs, momentum, label
 *       smoothing.</li>
 *   <li><b>MultiNLI</b> ({@code learning_curves.matched}: [step, accuracy]): objective matched accuracy. No time
 *       is recorded, so the cost unit is one optimizer step, and the report's "GPU-hour" is 10^6 steps.
 *       Parameters: epochs, batch size, learning rate (log), warm-up as a fraction of the first epoch, classifier
 *       dropout.</li>
 * </ul>
 * Each range spans the file's own extremes, so another file in the same format gets its own space.
 */
public final class CurveFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CurveFiles() {
    }

    public static CurveFile read(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(file + ": no runs");
        }
        String name = file.getFileName().toString();
        if (rows.get(0).has("learning_curve")) {
            return imagenet(name, rows);
        }
        if (rows.get(0).has("learning_curves")) {
            return multinli(name, rows);
        }
        throw new IOException(file + ": neither the ImageNet (learning_curve) nor the MultiNLI (learning_curves)"
                + " format");
    }

    private static CurveFile imagenet(String name, List<JsonNode> rows) {
        Map<String, double[]> columns = new LinkedHashMap<>();
        TreeSet<Integer> batchSizes = new TreeSet<>();
        for (JsonNode r : rows) {
            batchSizes.add(r.get("batch_size").asInt());
        }
        List<Parameter> parameters = List.of(
                intRange(rows, "epochs"),
                new CategoricalParameter("batch_size", batchSizes.stream().map(String::valueOf).toList()),
                new LogFloatParameter("lr", min(rows, "lr"), max(rows, "lr")),
                new FloatParameter("lr_peak_fraction", 0, maxPeakFraction(rows)),
                new FloatParameter("momentum", min(rows, "momentum"), max(rows, "momentum")),
                new LogFloatParameter("weight_decay", min(rows, "weight_decay"), max(rows, "weight_decay")),
                new FloatParameter("label_smoothing", min(rows, "label_smoothing"), max(rows, "label_smoothing")));
        List<double[]> epochCosts = new ArrayList<>();
        for (JsonNode r : rows) {
            JsonNode curve = r.get("learning_curve");
            double[] costs = new double[curve.size()];
            double before = 0;
            for (int i = 0; i < curve.size(); i++) {
                double time = curve.get(i).get("time").asDouble();
                costs[i] = time - before;
                before = time;
            }
            epochCosts.add(costs);
        }
        double medianEpoch = CurveFile.median(epochCosts.stream().flatMapToDouble(Arrays::stream).toArray());
        List<RecordedRun> runs = new ArrayList<>();
        for (int k = 0; k < rows.size(); k++) {
            JsonNode r = rows.get(k);
            JsonNode curve = r.get("learning_curve");
            long[] steps = new long[curve.size()];
            double[] values = new double[curve.size()];
            for (int i = 0; i < curve.size(); i++) {
                steps[i] = curve.get(i).get("epoch").asLong() + 1;
                values[i] = curve.get(i).get("top_1").asDouble();
            }
            var config = new LinkedHashMap<String, ParameterValue>();
            config.put("epochs", new ParameterValue.IntValue(r.get("epochs").asLong()));
            config.put("batch_size", new ParameterValue.Choice(String.valueOf(r.get("batch_size").asInt())));
            config.put("lr", new ParameterValue.FloatValue(r.get("lr").asDouble()));
            config.put("lr_peak_fraction", new ParameterValue.FloatValue(peakFraction(r)));
            config.put("momentum", new ParameterValue.FloatValue(r.get("momentum").asDouble()));
            config.put("weight_decay", new ParameterValue.FloatValue(r.get("weight_decay").asDouble()));
            config.put("label_smoothing", new ParameterValue.FloatValue(r.get("label_smoothing").asDouble()));
            runs.add(new RecordedRun(r.get("iteration").asInt(), new Configuration(config), r.get("epochs").asLong(),
                    steps, epochCosts.get(k),
                    values, r.get("nan_train_loss").asBoolean(), medianEpoch));
        }
        return new CurveFile(name, Objective.of("top_1", Direction.MAXIMIZE), new SearchSpace(parameters), runs,
                "s", 3600, "GPU-hours");
    }

    private static CurveFile multinli(String name, List<JsonNode> rows) {
        List<Parameter> parameters = List.of(
                intRange(rows, "num_train_epochs"),
                intRange(rows, "train_batch_size"),
                new LogFloatParameter("learning_rate", min(rows, "learning_rate"), max(rows, "learning_rate")),
                new FloatParameter("warmup_proportion", rows.stream().mapToDouble(CurveFiles::warmupProportion).min()
                        .orElseThrow(), rows.stream().mapToDouble(CurveFiles::warmupProportion).max().orElseThrow()),
                new FloatParameter("cls_drop_out", min(rows, "cls_drop_out"), max(rows, "cls_drop_out")));
        List<RecordedRun> runs = new ArrayList<>();
        for (JsonNode r : rows) {
            JsonNode curve = r.get("learning_curves").get("matched");
            long[] steps = new long[curve.size()];
            double[] costs = new double[curve.size()];
            double[] values = new double[curve.size()];
            long before = 0;
            for (int i = 0; i < curve.size(); i++) {
                steps[i] = curve.get(i).get(0).asLong();
                costs[i] = steps[i] - before;
                values[i] = curve.get(i).get(1).asDouble();
                before = steps[i];
            }
            var config = new LinkedHashMap<String, ParameterValue>();
            config.put("num_train_epochs", new ParameterValue.IntValue(r.get("num_train_epochs").asLong()));
            config.put("train_batch_size", new ParameterValue.IntValue(r.get("train_batch_size").asLong()));
            config.put("learning_rate", new ParameterValue.FloatValue(r.get("learning_rate").asDouble()));
            config.put("warmup_proportion", new ParameterValue.FloatValue(warmupProportion(r)));
            config.put("cls_drop_out", new ParameterValue.FloatValue(r.get("cls_drop_out").asDouble()));
            runs.add(new RecordedRun(r.get("iteration").asInt(), new Configuration(config),
                    r.get("total_model_steps").asLong(), steps, costs, values,
                    false, 0));
        }
        return new CurveFile(name, Objective.of("matched", Direction.MAXIMIZE), new SearchSpace(parameters), runs,
                "steps", 1e3, "k steps");
    }

    /** lr_peak_epoch = floor(p · epochs) upstream; p is the parameter that was sampled. */
    private static double peakFraction(JsonNode r) {
        return r.get("lr_peak_epoch").asDouble() / r.get("epochs").asDouble();
    }

    private static double maxPeakFraction(List<JsonNode> rows) {
        return rows.stream().mapToDouble(CurveFiles::peakFraction).max().orElseThrow();
    }

    /** Warm-up was sampled as a proportion of the first epoch and stored as steps. */
    private static double warmupProportion(JsonNode r) {
        double stepsPerEpoch = r.get("total_model_steps").asDouble() / r.get("num_train_epochs").asDouble();
        return r.get("warmup_steps").asDouble() / stepsPerEpoch;
    }

    private static double min(List<JsonNode> rows, String key) {
        return rows.stream().mapToDouble(r -> r.get(key).asDouble()).min().orElseThrow();
    }

    private static double max(List<JsonNode> rows, String key) {
        return rows.stream().mapToDouble(r -> r.get(key).asDouble()).max().orElseThrow();
    }

    private static IntParameter intRange(List<JsonNode> rows, String key) {
        return new IntParameter(key, rows.stream().mapToLong(r -> r.get(key).asLong()).min().orElseThrow(),
                rows.stream().mapToLong(r -> r.get(key).asLong()).max().orElseThrow());
    }
}
