package dev.capstan.console.config;

import dev.capstan.console.domain.ReadModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** The one read model of this console instance, and its clock. */
public class ReadModelProducer {

    @Produces
    @ApplicationScoped
    ReadModel readModel(Clock clock) {
        return new ReadModel(clock);
    }

    /** The one clock of the console: the read model's and the pages' "now". */
    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
