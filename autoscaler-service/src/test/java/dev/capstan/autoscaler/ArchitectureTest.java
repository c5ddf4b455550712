package dev.capstan.autoscaler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The decision engine and the benchmark are plain JDK; the rollout state machine adds only the event contracts (plus trace-support, itself plain JDK, for the benchmark's
 * trace files): the benchmark runs from the two modules' target/classes alone.
 */
class ArchitectureTest {
    @Test
    void domainAndBenchUseOnlyTheJdk() {
        classes().that().resideInAnyPackage("dev.capstan.autoscaler.domain..", "dev.capstan.autoscaler.bench..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.capstan.autoscaler.domain..",
                        "dev.capstan.autoscaler.bench..", "dev.capstan.traces..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.capstan.autoscaler"));
    }

    @Test
    void theRolloutStateMachineUsesOnlyTheJdkTheEventContractsAndCommonsMathsDistributions() {
        classes().that().resideInAPackage("dev.capstan.autoscaler.rollout..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.capstan.autoscaler.rollout..",
                        "dev.capstan.events..", "org.apache.commons.math3.distribution..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.capstan.autoscaler"));
    }
}
