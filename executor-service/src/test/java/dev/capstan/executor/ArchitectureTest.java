package dev.capstan.executor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The domain is plain Java: the rule of STYLE.md, checked rather than remembered. */
@AnalyzeClasses(packages = "dev.capstan.executor", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainImportsNoFramework = noClasses().that().resideInAPackage("..domain..")
            .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.fabric8..", "org.apache.kafka..",
                    "jakarta..", "io.smallrye..", "org.eclipse.microprofile..", "io.micrometer..");
}
