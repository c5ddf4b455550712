package dev.capstan.tuning;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The domain is plain JDK, so that the service can drive it and tests run it without any framework; the benchmark
 * adds only Jackson, to read the curve files.
 */
class ArchitectureTest {

    private static final ImportOption MAIN = ImportOption.Predefined.DO_NOT_INCLUDE_TESTS;

    @Test
    void theDomainUsesOnlyTheJdk() {
        classes().that().resideInAPackage("dev.capstan.tuning.domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.capstan.tuning.domain..")
                .check(new ClassFileImporter().withImportOption(MAIN).importPackages("dev.capstan.tuning"));
    }

    @Test
    void theBenchmarkUsesTheDomainTheJdkAndJackson() {
        classes().that().resideInAPackage("dev.capstan.tuning.bench..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.capstan.tuning.domain..",
                        "dev.capstan.tuning.bench..", "com.fasterxml.jackson..")
                .check(new ClassFileImporter().withImportOption(MAIN).importPackages("dev.capstan.tuning"));
    }
}
