package dev.capstan.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The read model stays pure: no framework, Kafka, HTTP client nor the outer layers. */
class ArchitectureTest {
    @Test
    void readModelImportsNoFrameworkNorOuterLayer() {
        noClasses().that().resideInAPackage("dev.capstan.console.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "org.apache.kafka..",
                        "io.smallrye..", "io.fabric8..", "com.fasterxml..", "org.eclipse..",
                        "dev.capstan.console.service..", "dev.capstan.console.rest..",
                        "dev.capstan.console.messaging..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.capstan.console"));
    }
}
