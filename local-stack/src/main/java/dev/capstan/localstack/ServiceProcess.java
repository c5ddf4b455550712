package dev.capstan.localstack;

import dev.capstan.localstack.infra.Processes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One Capstan service running from its packaged Quarkus app in a child JVM, logging to a file. */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path jar;
    private final Path log;
    private final Map<String, String> properties;
    private Process process;

    public ServiceProcess(String name, int port, Path jar, Path log, Map<String, String> properties) {
        this.name = name;
        this.port = port;
        this.jar = jar;
        this.log = log;
        this.properties = properties;
    }

    public String name() {
        return name;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    /** Starts the JVM; call {@link #awaitReady} to wait for its readiness check. */
    public void start() throws IOException {
        if (!Files.exists(jar)) {
            throw new IOException(name + " is not built (" + jar + " missing): run ./mvnw install -DskipTests");
        }
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx320m", "-XX:+UseSerialGC"));
        cmd.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", jar.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + ", see " + log);
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200); // polling a child process' health endpoint
        }
        throw new IOException(name + " not ready within " + timeout + ", see " + log);
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Stops the JVM (SIGTERM, then SIGKILL after 15 s). */
    @Override
    public void close() {
        if (process != null) {
            Processes.stop(process);
        }
    }
}
