package dev.capstan.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks CloudNativePG objects against {@code cnpg-subset.schema.yaml}: no Java model of CloudNativePG's CRDs
 * exists (fabric8 and the operator ship none), so the fields deploy/ uses are written down there from the API
 * reference, and everything else is refused. A narrower check than a model: it knows only what we use.
 */
final class CnpgSchema {

    private static final JsonNode SCHEMA = load();

    private CnpgSchema() {
    }

    private static JsonNode load() {
        try (InputStream in = CnpgSchema.class.getResourceAsStream("/cnpg-subset.schema.yaml")) {
            return Manifests.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of one object (empty: it matches the schema of its kind). */
    static List<String> problems(ObjectNode o) {
        List<String> out = new ArrayList<>();
        JsonNode schema = SCHEMA.get(o.path("kind").asText());
        if (schema == null || !"postgresql.cnpg.io/v1".equals(o.path("apiVersion").asText())) {
            out.add("no schema for " + StrictModel.key(o));
            return out;
        }
        check(o, schema, o.path("kind").asText(), out);
        return out;
    }

    private static void check(JsonNode value, JsonNode schema, String path, List<String> out) {
        String type = schema.path("type").asText();
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    out.add(path + ": want an object");
                    return;
                }
                value.fields().forEachRemaining(f -> {
                    JsonNode sub = schema.path("properties").get(f.getKey());
                    if (sub == null) {
                        out.add(path + "." + f.getKey() + ": not a field CnpgSchema knows");
                    } else {
                        check(f.getValue(), sub, path + "." + f.getKey(), out);
                    }
                });
            }
            case "map" -> {
                if (!value.isObject()) {
                    out.add(path + ": want a map");
                    return;
                }
                value.fields().forEachRemaining(f -> check(f.getValue(), schema.get("values"),
                        path + "." + f.getKey(), out));
            }
            case "string" -> {
                if (!value.isTextual()) {
                    out.add(path + ": want a string, got " + value);
                } else if (schema.has("enum")) {
                    List<String> allowed = new ArrayList<>();
                    schema.get("enum").forEach(e -> allowed.add(e.asText()));
                    if (!allowed.contains(value.asText())) {
                        out.add(path + ": " + value.asText() + " is not one of " + allowed);
                    }
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    out.add(path + ": want an integer, got " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    out.add(path + ": want true or false, got " + value);
                }
            }
            case "quantity" -> {
                if (!value.isTextual() || !value.asText().matches("[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?")) {
                    out.add(path + ": want a quantity such as 20Gi, got " + value);
                }
            }
            case "fabric8" -> {
                try {
                    Class<?> model = Class.forName(schema.get("class").asText());
                    Object read = Manifests.JSON.copy()
                            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                                    true)
                            .treeToValue(value, model);
                    List<String> unknown = new ArrayList<>();
                    StrictModel.walk(read, path, unknown, new java.util.IdentityHashMap<>());
                    unknown.forEach(u -> out.add(u + ": not a field of " + model.getSimpleName()));
                } catch (Exception e) {
                    out.add(path + ": " + e.getMessage());
                }
            }
            default -> out.add(path + ": the schema has no type " + type);
        }
    }
}
