package dev.capstan.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The repository's deploy/ tree and what {@code kubectl kustomize} renders from it. */
final class Manifests {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** The repository root (surefire sets capstan.root; the module directory's parent otherwise). */
    static final Path ROOT = Path.of(System.getProperty("capstan.root", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final List<String> OVERLAYS = List.of("dev", "prod");

    /** The seven services of the cluster manifests, with their ports (DESIGN.md). */
    static final java.util.Map<String, Integer> SERVICES = java.util.Map.of("submission-service", 8081,
            "scheduler-service", 8082, "executor-service", 8083, "autoscaler-service", 8084, "model-registry", 8085,
            "tuning-service", 8086, "operator-console", 8080);

    private Manifests() {
    }

    /** The objects {@code kubectl kustomize deploy/overlays/<overlay>} renders, in order. */
    static List<ObjectNode> render(String overlay) {
        return parseAll(run(List.of("kubectl", "kustomize", DEPLOY.resolve("overlays").resolve(overlay).toString())));
    }

    /** Every document of a multi-document YAML text that is not empty. */
    static List<ObjectNode> parseAll(String yaml) {
        List<ObjectNode> out = new ArrayList<>();
        try (YAMLParser p = ((YAMLFactory) YAML.getFactory()).createParser(yaml)) {
            for (var it = YAML.readValues(p, JsonNode.class); it.hasNext(); ) {
                JsonNode n = it.next();
                if (n instanceof ObjectNode o) {
                    out.add(o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static ObjectNode named(List<ObjectNode> objects, String kind, String name) {
        return ofKind(objects, kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs a command to its end and returns what it printed; fails with its output when it exits non-zero or takes
     * more than two minutes.
     */
    static String run(List<String> command) {
        return run(command, null);
    }

    static String run(List<String> command, String stdin) {
        try {
            Path out = Files.createTempFile("deploy-cmd", ".out");
            Path err = Files.createTempFile("deploy-cmd", ".err");
            try {
                // stderr apart: kubectl's warnings must not end up in the YAML it prints.
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                Process p = pb.start();
                if (stdin != null) {
                    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                p.getOutputStream().close();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " took more than 120 s");
                }
                String text = Files.readString(out);
                if (p.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + text
                            + Files.readString(err));
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (see deploy/README.md)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
