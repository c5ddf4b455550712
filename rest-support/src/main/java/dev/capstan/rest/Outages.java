package dev.capstan.rest;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a dependency being down (PostgreSQL restarting or unreachable, the connection pool unable to get a
 * connection) from a fault of ours: the first is worth a retry by the client, and is answered 503 with Retry-After.
 */
public final class Outages {

    private Outages() {
    }

    /** Whether {@code t}, or any of its causes, says a dependency cannot be reached or is shutting down. */
    public static boolean isOutage(Throwable t) {
        for (Throwable c : chain(t)) {
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
        return isOutage(t) || hasSqlState(t, state -> state.equals("40P01") || state.equals("40001"));
    }

    /**
     * Whether the database refused the data itself (SQLSTATE class 22: a NUL in text, a value out of range): trying
     * again cannot help; the input is at fault.
     */
    public static boolean isDataError(Throwable t) {
        return hasSqlState(t, state -> state.startsWith("22"));
    }

    /**
     * {@code t}, its causes and what they suppressed (a transaction manager reports the failed flush as a suppressed
     * exception of its RollbackException), each once, at most 64.
     */
    static List<Throwable> chain(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        if (t != null) {
            todo.add(t);
        }
        while (!todo.isEmpty() && out.size() < 64) {
            Throwable c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            out.add(c);
            if (c.getCause() != null) {
                todo.add(c.getCause());
            }
            todo.addAll(Arrays.asList(c.getSuppressed()));
        }
        return out;
    }

    /** Whether a unique constraint refused a row (SQLSTATE 23505): a concurrent request made the same thing first. */
    public static boolean isUniqueViolation(Throwable t) {
        return hasSqlState(t, "23505"::equals);
    }

    /** Whether an SQLException among {@code t}'s causes and suppressed exceptions has a state {@code wanted} accepts. */
    private static boolean hasSqlState(Throwable t, java.util.function.Predicate<String> wanted) {
        return chain(t).stream().anyMatch(c -> c instanceof SQLException sql && sql.getSQLState() != null
                && wanted.test(sql.getSQLState()));
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
