package dev.capstan.registry.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The registry's hottest read — where does {@code model@alias} point now — as one prepared statement on a pooled
 * connection in auto-commit: no transaction to begin and commit, no persistence context to open, no query to
 * interpret. Every inference deployment and every client that resolves an alias calls it.
 */
@ApplicationScoped
public class AliasReads {

    private static final String CURRENT = "select a.version, a.revision, a.moved_at from model_alias a "
            + "join registered_model m on m.id = a.model_id "
            + "where m.name = ? and m.deleted_at is null and a.alias = ?";
    private static final String MODEL_EXISTS = "select 1 from registered_model where name = ? and deleted_at is null";

    /** Where an alias points: version, revision (the ETag) and since when. */
    public record Current(int version, long revision, Instant movedAt) {
    }

    private final DataSource dataSource;

    AliasReads(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Where the alias of the live model points now; empty when the model or the alias does not exist. */
    public Optional<Current> current(String model, String alias) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CURRENT)) {
            s.setString(1, model);
            s.setString(2, alias);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Timestamp at = r.getTimestamp(3);
                return Optional.of(new Current(r.getInt(1), r.getLong(2), at.toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading alias " + model + "@" + alias + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether a live model of that name exists. */
    public boolean modelExists(String model) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(MODEL_EXISTS)) {
            s.setString(1, model);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading model " + model + " failed: " + e.getMessage(), e);
        }
    }
}
