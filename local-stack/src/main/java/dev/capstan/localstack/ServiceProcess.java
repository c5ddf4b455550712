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

/**
 * One Capstan service running from its packaged Quarkus app in a child JVM, logging to a file. Supervised as a
 * Deployment's pod would be: when the JVM exits without being asked to, it is started again after a back-off
 * (1 s, doubling to 30 s; back to 1 s once a run lasted a minute), and each exit and restart is printed.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The back-off after an unexpected exit: {@code min(30 s, 1 s × 2^(exits in a row - 1))}. */
    static Duration restartDelay(int exitsInARow) {
        long seconds = 1L << Math.min(Math.max(exitsInARow - 1, 0), 5);
        return Duration.ofSeconds(Math.min(seconds, 30));
    }

    /** A run at least this long resets the back-off. */
    static final Duration STABLE_RUN = Duration.ofMinutes(1);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path jar;
    private final Path log;
    private final Map<String, String> properties;
    private final java.util.function.Consumer<String> say;
    private volatile Process process;
    private volatile boolean stopping;
    private volatile Instant startedAt;
    private volatile int exitsInARow;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();

    public ServiceProcess(String name, int port, Path jar, Path log, Map<String, String> properties,
            java.util.function.Consumer<String> say) {
        this.name = name;
        this.port = port;
        this.jar = jar;
        this.log = log;
        this.properties = properties;
        this.say = say;
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

    /** Starts the JVM, supervised; call {@link #awaitReady} to wait for its readiness check. */
    public synchronized void start() throws IOException {
        stopping = false;
        launch();
    }

    private void launch() throws IOException {
        if (!Files.exists(jar)) {
            throw new IOException(name + " is not built (" + jar + " missing): run ./mvnw install -DskipTests");
        }
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx320m", "-XX:+UseSerialGC"));
        cmd.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", jar.toString()));
        Process started = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        process = started;
        startedAt = Instant.now();
        started.onExit().thenAccept(this::exited);
    }

    /** The JVM ended: unless it was asked to stop, it is started again after the back-off. */
    private void exited(Process ended) {
        Duration delay;
        synchronized (this) {
            if (stopping || ended != process) {
                return;
            }
            boolean stable = Duration.between(startedAt, Instant.now()).compareTo(STABLE_RUN) >= 0;
            exitsInARow = stable ? 1 : exitsInARow + 1;
            delay = restartDelay(exitsInARow);
        }
        say.accept(name + " exited with code " + ended.exitValue() + "; restarting in " + delay.toSeconds()
                + " s (see " + log + ")");
        Thread restarter = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
                synchronized (this) {
                    if (stopping || ended != process) {
                        return;
                    }
                    launch();
                }
                say.accept(name + " restarted (restart " + restarts.incrementAndGet() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                say.accept(name + " cannot be restarted: " + e.getMessage());
            }
        }, "restart-" + name);
        restarter.setDaemon(true);
        restarter.start();
    }

    /** How often the supervisor started the service again after it exited on its own. */
    public int restarts() {
        return restarts.get();
    }

    /** The JVM's process id, for an operator's {@code kill -9} (and the tests that play one). */
    public long pid() {
        return process.pid();
    }

    /**
     * {@code kill -9}: the JVM dies at once, without shutting down; returns once it is gone (its port closed), and
     * the supervisor starts it again.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (stopping) {
                throw new IOException(name + " was stopped");
            }
            if (exitsInARow >= 3) {
                throw new IOException(name + " exited " + exitsInARow + " times in a row, see " + log);
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

    /** Stops the JVM (SIGTERM, then SIGKILL after 15 s), without a restart. */
    @Override
    public void close() {
        Process p;
        synchronized (this) {
            stopping = true;
            p = process;
        }
        if (p != null) {
            Processes.stop(p);
        }
    }
}
