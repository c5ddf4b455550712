package dev.capstan.localstack.infra;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in its own JVM, on
 * this launcher's classpath, which carries {@code kafka_2.13}. Its data survives restarts.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String CLUSTER_ID = "capstanLocalStackKRft";

    private final Path dir;
    private final int port;
    private final Process process;

    private KafkaBroker(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Formats the storage on first use, starts the broker and waits until it accepts connections. */
    public static KafkaBroker start(Path dir, int port, int controllerPort, Duration timeout)
            throws IOException, InterruptedException {
        for (int p : new int[] {port, controllerPort}) {
            if (accepts(p)) {
                throw new IOException("port " + p + " on 127.0.0.1 is already in use (another Capstan stack or Kafka?)");
            }
        }
        Files.createDirectories(dir);
        Path props = dir.resolve("server.properties");
        Path data = dir.resolve("data");
        writeProperties(props, data, port, controllerPort);
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, """
                status = warn
                appender.file.type = File
                appender.file.name = file
                appender.file.fileName = %s
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = [%%d] %%p %%m (%%c)%%n
                rootLogger.level = info
                rootLogger.appenderRef.file.ref = file
                logger.kafka.name = kafka
                logger.kafka.level = info
                logger.kafka.server.name = kafka.server.KafkaRaftServer
                logger.kafka.server.level = info
                logger.apache.name = org.apache
                logger.apache.level = warn
                """.formatted(dir.resolve("kafka.log")));
        if (!Files.exists(data.resolve("meta.properties"))) {
            Process format = java(dir, log4j, "kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c",
                    props.toString(), "--ignore-formatted").redirectOutput(dir.resolve("format.out").toFile())
                    .redirectErrorStream(true).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IOException("formatting Kafka storage failed, see " + dir.resolve("format.out"));
            }
        }
        Process broker = java(dir, log4j, "kafka.Kafka", props.toString())
                .redirectOutput(dir.resolve("broker.out").toFile()).redirectErrorStream(true).start();
        KafkaBroker kafka = new KafkaBroker(dir, port, broker);
        kafka.awaitReady(timeout);
        return kafka;
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("Kafka exited with " + process.exitValue() + ", see " + dir.resolve("broker.out")
                        + " and " + dir.resolve("kafka.log"));
            }
            if (accepts(port) && Files.exists(dir.resolve("kafka.log"))
                    && Files.readString(dir.resolve("kafka.log")).contains("Kafka Server started")) {
                return;
            }
            Thread.sleep(100); // polling a child process' readiness; nothing to await on
        }
        close();
        throw new IOException("Kafka did not start within " + timeout + ", see " + dir.resolve("kafka.log"));
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeProperties(Path file, Path data, int port, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", data.toString());
        p.setProperty("num.partitions", "3");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.retention.hours", "168");
        try (var out = Files.newOutputStream(file)) {
            p.store(out, "Capstan local-stack broker");
        }
    }

    private static ProcessBuilder java(Path dir, Path log4j, String main, String... args) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(javaBin, "-Xms128m", "-Xmx512m",
                "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=" + log4j, "-cp",
                System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile());
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
