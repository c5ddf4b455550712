package dev.capstan.localstack.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What {@code ./capstan test} starts once for the whole build: one Kafka broker and one PostgreSQL.
 * Writes {@code infra.env} (KEY=value lines) when both are ready and runs until it is stopped.
 *
 * <p>Usage: {@code TestInfrastructure <state-dir> <kafka-port> <controller-port> <pg-fallback-port>}
 */
public final class TestInfrastructure {

    /** Databases the services' tests use; created when missing. */
    public static final List<String> TEST_DATABASES = List.of("capstan_submission_test", "capstan_registry_test",
            "capstan_tuning_test");

    private TestInfrastructure() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/test-infra").toAbsolutePath();
        int kafkaPort = args.length > 1 ? Integer.parseInt(args[1]) : 19092;
        int controllerPort = args.length > 2 ? Integer.parseInt(args[2]) : 19093;
        int pgPort = args.length > 3 ? Integer.parseInt(args[3]) : 15432;
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("infra.env"));
        KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), kafkaPort, controllerPort, Duration.ofSeconds(60));
        TopicSetup.ensureTopics(kafka.bootstrapServers());
        Postgres pg = Postgres.start(dir.resolve("postgres"), pgPort);
        Postgres.ensureDatabases(pg.baseUrl(), TEST_DATABASES);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            try {
                pg.close();
            } catch (Exception e) {
                System.err.println("stopping PostgreSQL: " + e);
            }
            stop.countDown();
        }));
        Path env = dir.resolve("infra.env");
        Path tmp = dir.resolve("infra.env.tmp");
        Files.writeString(tmp, "CAPSTAN_KAFKA=" + kafka.bootstrapServers() + "\nCAPSTAN_PG_BASE=" + pg.baseUrl()
                + "\n");
        Files.move(tmp, env);
        System.out.println("test infrastructure ready: kafka " + kafka.bootstrapServers() + ", postgres "
                + pg.baseUrl() + (pg.embedded() ? " (embedded)" : " (machine)"));
        stop.await();
    }
}
