package io.pharox.storage.jpa;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The JPA adapter depends on the core, Jakarta Persistence, Hibernate and the shared lease engine
 * (whose statements it runs with jOOQ): no other adapter, no DI container, no testkit.
 */
@AnalyzeClasses(packages = "io.pharox.storage.jpa", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule depends_on_no_other_adapter_or_container = noClasses()
            .that()
            .resideInAPackage("io.pharox.storage.jpa..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.pharox.storage.memory..",
                    "io.pharox.storage.jdbc..",
                    "io.pharox.guice..",
                    "com.google.inject..",
                    "jakarta.inject..",
                    "javax.inject..",
                    "org.springframework..",
                    "io.pharox.testkit..");

    @ArchTest
    static final ArchRule packages_are_free_of_cycles =
            slices().matching("(**)").should().beFreeOfCycles();
}
