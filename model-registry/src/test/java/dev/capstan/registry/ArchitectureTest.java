package dev.capstan.registry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The registry's domain stays pure: no framework, persistence, messaging, nor the service or REST layers. */
class ArchitectureTest {
    @Test
    void domainImportsNoFrameworkNorOuterLayer() {
        noClasses().that().resideInAPackage("dev.capstan.registry.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "org.apache.kafka..",
                        "org.hibernate..", "io.smallrye..", "io.fabric8..", "com.fasterxml..", "dev.capstan.support..",
                        "dev.capstan.registry.service..",
                        "dev.capstan.registry.rest..", "dev.capstan.registry.persistence..",
                        "dev.capstan.registry.messaging..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.capstan.registry"));
    }
}
