package dev.capstan.events;

/**
 * The model a training job produces: when the job succeeds, model-registry registers a new version of
 * {@code model} at {@code artifactUri} with the job as its source.
 *
 * @param model       registered model name (created on first use, owned by the job's queue)
 * @param artifactUri where the trained model is written, e.g. {@code s3://models/fraud/run-7}
 * @param format      optional model format or framework, e.g. {@code pytorch}, {@code onnx}
 */
public record ModelOutput(String model, String artifactUri, String format) {
}
