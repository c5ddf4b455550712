package dev.capstan.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The domain (queues, placement engine) and the benchmarks stay free of frameworks and clients. */
class ArchitectureTest {
    @Test
    void domainAndBenchmarksImportNoFramework() {
        noClasses().that().resideInAnyPackage("dev.capstan.scheduler.domain..", "dev.capstan.scheduler.bench..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "org.apache.kafka..",
                        "org.hibernate..", "io.fabric8..", "io.smallrye..", "io.micrometer..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.capstan.scheduler"));
    }
}
