package io.pharox.storage.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The JDBC adapter depends on the core, jOOQ and Flyway: no other adapter, no ORM, no DI container, no testkit. */
@AnalyzeClasses(packages = "io.pharox.storage.jdbc", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule depends_on_no_other_adapter_orm_or_container = noClasses()
            .that()
            .resideInAPackage("io.pharox.storage.jdbc..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.pharox.storage.memory..",
                    "io.pharox.storage.jpa..",
                    "io.pharox.guice..",
                    "org.hibernate..",
                    "jakarta.persistence..",
                    "javax.persistence..",
                    "com.google.inject..",
                    "jakarta.inject..",
                    "javax.inject..",
                    "io.pharox.testkit..");

    @ArchTest
    static final ArchRule packages_are_free_of_cycles =
            slices().matching("(**)").should().beFreeOfCycles();
}
