package dev.capstan.localstack.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus (Debian's {@code prometheus} package, 2.42) scraping every service's {@code /q/metrics}, with
 * deploy/'s alert rules loaded: the same queries the Grafana dashboards and the cluster's PrometheusRule use, against
 * the local stack. Each service is a job of its own name, as the ServiceMonitor of deploy/ makes it on a cluster.
 * Its data lives under the given directory and is wiped at each start: it describes this run only.
 */
public final class Prometheus implements AutoCloseable {

    /** Where Debian installs it; {@code ./capstan up} and {@code .ci/run} apt-get install it when missing. */
    public static final String BINARY = "/usr/bin/prometheus";

    private final Process process;
    private final int port;
    private final Path dir;

    private Prometheus(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Writes the configuration (job → {@code host:port} targets, scraped every {@code scrapeInterval}, rules from
     * {@code rules} when the file exists), starts Prometheus on 127.0.0.1:{@code port} and waits until it is ready.
     */
    public static Prometheus start(Path dir, int port, Map<String, List<String>> jobs, Path rules,
            Duration scrapeInterval, Duration timeout) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IOException(BINARY + " is missing: apt-get install prometheus (or ./capstan up --no-prometheus)");
        }
        if (KafkaBroker.accepts(port)) {
            throw new IOException("port " + port + " on 127.0.0.1 is already in use (another Prometheus?)");
        }
        Path data = dir.resolve("data");
        if (Files.exists(data)) {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(data);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, config(jobs, rules, scrapeInterval));
        Process p = new ProcessBuilder(BINARY, "--config.file=" + config, "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=1d", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Prometheus prometheus = new Prometheus(p, port, dir);
        prometheus.awaitReady(timeout);
        return prometheus;
    }

    /** The configuration file's text: one scrape job per service, the rules file if there is one. */
    static String config(Map<String, List<String>> jobs, Path rules, Duration scrapeInterval) {
        StringBuilder b = new StringBuilder();
        String every = scrapeInterval.toMillis() + "ms";
        b.append("global:\n  scrape_interval: ").append(every).append("\n  evaluation_interval: ").append(every)
                .append("\n");
        if (rules != null && Files.isRegularFile(rules)) {
            b.append("rule_files:\n  - ").append(rules.toAbsolutePath()).append("\n");
        }
        b.append("scrape_configs:\n");
        jobs.forEach((job, targets) -> {
            b.append("  - job_name: ").append(job).append("\n    metrics_path: /q/metrics\n    static_configs:\n")
                    .append("      - targets: [");
            b.append(String.join(", ", targets.stream().map(t -> "'" + t + "'").toList())).append("]\n");
        });
        return b.toString();
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("Prometheus exited with " + process.exitValue() + ", see "
                        + dir.resolve("prometheus.log"));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100); // polling a child process' readiness; nothing to await on
        }
        close();
        throw new IOException("Prometheus was not ready within " + timeout + ", see " + dir.resolve("prometheus.log"));
    }

    /** {@code http://127.0.0.1:<port>}: the UI, and the HTTP API under /api/v1. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }

    @Override
    public String toString() {
        return "Prometheus[" + url() + "]";
    }
}
