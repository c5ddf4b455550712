package dev.capstan.rest;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

/**
 * Tells a dependency being down (PostgreSQL restarting or unreachable, the connection pool unable to get a
 * connection) from a fault of ours: the first is worth a retry by the client, and is answered 503 with Retry-After.
 */
public final class Outages {

    private Outages() {
    }

    /** Whether {@code t}, or any of its causes, says a dependency cannot be reached or is shutting down. */
    public static boolean isOutage(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 32; c = c.getCause(), depth++) {
            if (c instanceof ConnectException || c instanceof NoRouteToHostException
                    || c instanceof SQLTransientConnectionException || c instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (c instanceof SQLException sql && unavailable(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether trying the same thing again can succeed: an outage, or a transaction PostgreSQL aborted to break a
     * deadlock or a serialization conflict (SQLSTATE 40P01, 40001).
     */
    public static boolean isTransient(Throwable t) {
        if (isOutage(t)) {
            return true;
        }
        int depth = 0;
        for (Throwable c = t; c != null && depth < 32; c = c.getCause(), depth++) {
            if (c instanceof SQLException sql && ("40P01".equals(sql.getSQLState())
                    || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean unavailable(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") // connection exception
                || state.startsWith("57P") // admin or crash shutdown, cannot connect now
                || state.equals("53300"))) { // too many connections
            return true;
        }
        // Agroal, the pool Quarkus uses, reports a pool that cannot get a connection in time without a state.
        String message = e.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("acquisition timeout");
    }
}
