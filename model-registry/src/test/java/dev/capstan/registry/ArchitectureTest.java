package dev.capstan.registry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The domain stays pure: no framework, messaging, persistence or Kubernetes client in it. */
class ArchitectureTest {
    @Test
    void domainImportsNoFramework() {
        noClasses().that().resideInAPackage("dev.capstan.registry.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "org.apache.kafka..",
                        "org.hibernate..", "io.fabric8..", "io.smallrye..", "dev.capstan.support..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.capstan.registry"));
    }
}
