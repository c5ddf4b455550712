package dev.capstan.rest;

import java.time.Duration;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * How a consumer applies what a record asks for when it fails: a failure that passes by itself (a dependency down or
 * restarting, a deadlock) is waited out for as long as it lasts, so the record is never dead-lettered for it; a
 * failure that no retry can fix is thrown at once (to the dead-letter topic); anything else is tried again for a
 * while, then thrown. Waits double from 200 ms to 5 s.
 */
public final class Retry {

    private static final Logger LOG = Logger.getLogger(Retry.class);
    static final long FIRST_WAIT_MS = 200;
    static final long MAX_WAIT_MS = 5_000;

    private final Predicate<RuntimeException> passing;
    private final Predicate<RuntimeException> hopeless;
    private final Duration othersFor;

    private Retry(Predicate<RuntimeException> passing, Predicate<RuntimeException> hopeless, Duration othersFor) {
        this.passing = passing;
        this.hopeless = hopeless;
        this.othersFor = othersFor;
    }

    /** Waits out {@link Outages#isTransient} failures; throws anything else at once. */
    public static Retry whileTransient() {
        return new Retry(Outages::isTransient, e -> false, Duration.ZERO);
    }

    /** Also waits out failures that {@code alsoPassing} says will pass. */
    public Retry alsoWaitingFor(Predicate<RuntimeException> alsoPassing) {
        return new Retry(passing.or(alsoPassing), hopeless, othersFor);
    }

    /** Tries other failures again for this long before throwing them. */
    public Retry othersFor(Duration d) {
        return new Retry(passing, hopeless, d);
    }

    /** Throws these at once, whatever else holds (the record itself is wrong). */
    public Retry hopeless(Predicate<RuntimeException> fatal) {
        return new Retry(passing, hopeless.or(fatal), othersFor);
    }

    /**
     * Runs {@code attempt} until it succeeds or a failure is thrown as described above.
     *
     * @param what for the log, e.g. {@code "request req-7 at capstan.workload-requests-1@42"}
     */
    public void run(String what, Runnable attempt) throws InterruptedException {
        long deadline = System.nanoTime() + othersFor.toNanos();
        long wait = FIRST_WAIT_MS;
        for (int tries = 1;; tries++) {
            try {
                attempt.run();
                return;
            } catch (RuntimeException e) {
                boolean passes = passing.test(e);
                if (hopeless.test(e) || !passes && System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                LOG.warnf("%s failed (try %d, %s), again in %d ms: %s", what, tries,
                        passes ? "waiting for it to pass" : "unexpected", wait, e.toString());
                Thread.sleep(wait);
                wait = Math.min(wait * 2, MAX_WAIT_MS);
            }
        }
    }
}
