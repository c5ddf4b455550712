package dev.capstan.localstack.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A real PostgreSQL: the machine's server when one answers on 127.0.0.1:5432 (trust auth as
 * {@code postgres}), otherwise an embedded server from Maven (zonky binaries) with its data under
 * the state directory.
 */
public final class Postgres implements AutoCloseable {

    public static final String USER = "postgres";

    private final String baseUrl;
    private final EmbeddedPostgres embedded;

    private Postgres(String baseUrl, EmbeddedPostgres embedded) {
        this.baseUrl = baseUrl;
        this.embedded = embedded;
    }

    /** Uses the machine's server if it answers, else starts an embedded one on {@code fallbackPort}. */
    public static Postgres start(Path dir, int fallbackPort) throws IOException {
        String local = "jdbc:postgresql://127.0.0.1:5432";
        if (KafkaBroker.accepts(5432) && canConnect(local)) {
            return new Postgres(local, null);
        }
        return startEmbedded(dir, fallbackPort);
    }

    /** Starts an embedded server on {@code port} with its data under {@code dir} (kept across starts). */
    public static Postgres startEmbedded(Path dir, int port) throws IOException {
        Path data = dir.resolve("pgdata");
        Files.createDirectories(dir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(dir.resolve("pgwork").toFile())
                .start();
        return new Postgres("jdbc:postgresql://127.0.0.1:" + pg.getPort(), pg);
    }

    /** {@code jdbc:postgresql://host:port}, to which a service appends {@code /<database>}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Whether this is an embedded server started by us (true) or the machine's (false). */
    public boolean embedded() {
        return embedded != null;
    }

    /** Creates the databases that do not exist yet on the server at {@code baseUrl}. */
    public static void ensureDatabases(String baseUrl, List<String> names) throws SQLException {
        createDatabases(baseUrl, names, false);
    }

    /** Drops and creates databases, for runs that must start from nothing (end-to-end tests). */
    public static void recreateDatabases(String baseUrl, List<String> names) throws SQLException {
        createDatabases(baseUrl, names, true);
    }

    private static void createDatabases(String baseUrl, List<String> names, boolean fresh) throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl + "/postgres", USER, "");
                Statement s = c.createStatement()) {
            for (String name : names) {
                if (fresh) {
                    s.execute("drop database if exists \"" + name + "\" with (force)");
                }
                try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
                    if (!rs.next()) {
                        s.execute("create database \"" + name + "\"");
                    }
                }
            }
        }
    }

    private static boolean canConnect(String base) {
        try (Connection c = DriverManager.getConnection(base + "/postgres", USER, "")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
