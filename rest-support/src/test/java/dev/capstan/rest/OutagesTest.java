package dev.capstan.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class OutagesTest {

    @Test
    void connectionFailuresAndShutdownsAnywhereInTheChainAreOutages() {
        assertThat(Outages.isOutage(new IllegalStateException("commit failed",
                new SQLException("Connection to 127.0.0.1:5432 refused", "08001")))).isTrue();
        assertThat(Outages.isOutage(new RuntimeException(new SQLException("terminating connection due to "
                + "administrator command", "57P01")))).isTrue();
        assertThat(Outages.isOutage(new RuntimeException(new SQLException("Sorry, acquisition timeout!")))).isTrue();
        assertThat(Outages.isOutage(new SQLTransientConnectionException("pool exhausted"))).isTrue();
        assertThat(Outages.isOutage(new UncheckedIOException(new ConnectException("Connection refused")))).isTrue();
    }

    @Test
    void ourOwnFaultsAreNot() {
        assertThat(Outages.isOutage(new NullPointerException())).isFalse();
        assertThat(Outages.isOutage(new RuntimeException(new SQLException("duplicate key", "23505")))).isFalse();
        assertThat(Outages.isOutage(new RuntimeException(new SQLException("syntax error", "42601")))).isFalse();
    }

    @Test
    void deadlocksAndSerializationConflictsAreTransientButNotOutages() {
        var deadlock = new RuntimeException(new SQLException("deadlock detected", "40P01"));
        assertThat(Outages.isTransient(deadlock)).isTrue();
        assertThat(Outages.isOutage(deadlock)).isFalse();
        assertThat(Outages.isTransient(new RuntimeException(new SQLException("could not serialize", "40001")))).isTrue();
        assertThat(Outages.isTransient(new RuntimeException(new SQLException("duplicate key", "23505")))).isFalse();
    }

    @Test
    void dataThePostgresRefusesIsADataErrorNotATransientOne() {
        var nul = new RuntimeException(new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
        assertThat(Outages.isDataError(nul)).isTrue();
        assertThat(Outages.isTransient(nul)).isFalse();
        assertThat(Outages.isDataError(new RuntimeException(new SQLException("deadlock", "40P01")))).isFalse();
        // As a transaction manager reports a failed flush: suppressed by the rollback, not its cause.
        var rollback = new IllegalStateException("could not commit transaction");
        rollback.addSuppressed(nul);
        assertThat(Outages.isDataError(new RuntimeException("error invoking subclass method", rollback))).isTrue();
    }

    @Test
    void aUniqueViolationIsRecognisedAmongSuppressedExceptions() {
        var rollback = new IllegalStateException("could not commit");
        rollback.addSuppressed(new RuntimeException(new SQLException("duplicate key value", "23505")));
        assertThat(Outages.isUniqueViolation(rollback)).isTrue();
        assertThat(Outages.isUniqueViolation(new SQLException("deadlock", "40P01"))).isFalse();
    }

    @Test
    void aCauseLoopDoesNotHang() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(Outages.isOutage(a)).isFalse();
    }
}
