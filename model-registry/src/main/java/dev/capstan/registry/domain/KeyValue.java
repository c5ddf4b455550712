package dev.capstan.registry.domain;

/** A run's param or tag, or an experiment's tag, as MLflow sends it: a key and a text value. */
public record KeyValue(String key, String value) {
}
