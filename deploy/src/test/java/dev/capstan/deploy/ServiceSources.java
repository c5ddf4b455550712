package dev.capstan.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the services' own sources say, read as text from the repository: the meters they register, the configuration
 * keys they read, the databases they default to, the topics they name. The manifests, dashboards and rules are
 * checked against these, so a renamed key or meter fails a test here instead of a deployment.
 */
final class ServiceSources {

    /** Modules whose sources are read (operator-console lives in another worktree until merged; see the README). */
    static final Set<String> MODULES = Set.of("submission-service", "scheduler-service", "executor-service",
            "autoscaler-service", "model-registry", "tuning-service", "service-support", "operator-console");

    private static final Pattern METER = Pattern.compile(
            "(?:counter|timer|gauge|summary|builder|Timer\\.builder|Gauge\\.builder|MultiGauge\\.builder)"
                    + "\\(\\s*\"(capstan\\.[a-z0-9_.]+)\"");
    private static final Pattern PROPERTY_KEY = Pattern.compile("(?m)^(?:%[a-z]+\\.)?([a-z][a-z0-9.\\-]*)\\s*=");
    private static final Pattern PROPERTY_REF = Pattern.compile("\\$\\{([a-z][a-z0-9.\\-]*)(?::[^}]*)?}");
    private static final Pattern LOCAL_STACK_PROP = Pattern.compile("props\\.put\\(\"([a-z][a-z0-9.\\-]*)\"");

    private ServiceSources() {
    }

    /** Prometheus-style base names (dots to underscores) of every {@code capstan.*} meter in the services' code. */
    static Set<String> meterNames() {
        Set<String> out = new TreeSet<>();
        javaSources().forEach(p -> {
            Matcher m = METER.matcher(Manifests.read(p));
            while (m.find()) {
                out.add(m.group(1).replace('.', '_'));
            }
        });
        return out;
    }

    /**
     * Configuration keys each service reads: the keys and ${...} references of its application.properties, plus the
     * keys local-stack passes to every service (LocalStack.java), which the services' @ConfigMapping interfaces read.
     */
    static Set<String> configKeys() {
        Set<String> out = new TreeSet<>();
        for (Path props : applicationProperties().values()) {
            String text = Manifests.read(props);
            Matcher k = PROPERTY_KEY.matcher(text);
            while (k.find()) {
                out.add(k.group(1));
            }
            Matcher r = PROPERTY_REF.matcher(text);
            while (r.find()) {
                out.add(r.group(1));
            }
        }
        Matcher l = LOCAL_STACK_PROP.matcher(Manifests.read(
                Manifests.ROOT.resolve("local-stack/src/main/java/dev/capstan/localstack/LocalStack.java")));
        while (l.find()) {
            out.add(l.group(1));
        }
        return out;
    }

    /** The environment variable SmallRye Config maps to a key: upper case, every other character an underscore. */
    static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** module → the database its datasource URL defaults to ({@code ${capstan.pg.database:<db>}}). */
    static Map<String, String> defaultDatabases() {
        Map<String, String> out = new TreeMap<>();
        Pattern db = Pattern.compile("(?m)^quarkus\\.datasource\\.jdbc\\.url=.*\\$\\{capstan\\.pg\\.database:([a-z_]+)}");
        applicationProperties().forEach((module, props) -> {
            Matcher m = db.matcher(Manifests.read(props));
            if (m.find()) {
                out.put(module, m.group(1));
            }
        });
        return out;
    }

    /** Every Kafka topic an application.properties names ({@code ...topic=capstan.x}). */
    static Set<String> topicsInProperties() {
        Set<String> out = new TreeSet<>();
        Pattern t = Pattern.compile("(?m)^[^#]*\\.topic=(capstan\\.[a-z.\\-]+)\\s*$");
        applicationProperties().values().forEach(p -> {
            Matcher m = t.matcher(Manifests.read(p));
            while (m.find()) {
                out.add(m.group(1));
            }
        });
        return out;
    }

    static Map<String, Path> applicationProperties() {
        Map<String, Path> out = new TreeMap<>();
        for (String module : MODULES) {
            Path p = Manifests.ROOT.resolve(module).resolve("src/main/resources/application.properties");
            if (Files.isRegularFile(p)) {
                out.put(module, p);
            }
        }
        return out;
    }

    private static Stream<Path> javaSources() {
        return MODULES.stream().map(m -> Manifests.ROOT.resolve(m).resolve("src/main/java"))
                .filter(Files::isDirectory).flatMap(dir -> {
                    try (Stream<Path> s = Files.walk(dir)) {
                        return s.filter(p -> p.toString().endsWith(".java")).toList().stream();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
