package dev.capstan.console.config;

import dev.capstan.console.domain.ReadModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The one read model of this console instance. */
public class ReadModelProducer {

    @Produces
    @ApplicationScoped
    ReadModel readModel() {
        return new ReadModel();
    }
}
