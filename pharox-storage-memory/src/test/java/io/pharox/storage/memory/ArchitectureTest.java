package io.pharox.storage.memory;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The in-memory adapter depends on the core only: no other adapter, no SQL, no DI container. */
@AnalyzeClasses(packages = "io.pharox.storage.memory", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule depends_on_no_other_adapter_sql_or_container = noClasses()
            .that()
            .resideInAPackage("io.pharox.storage.memory..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.pharox.storage.jdbc..",
                    "io.pharox.storage.jpa..",
                    "io.pharox.guice..",
                    "java.sql..",
                    "javax.sql..",
                    "org.jooq..",
                    "org.hibernate..",
                    "jakarta.persistence..",
                    "com.google.inject..",
                    "jakarta.inject..",
                    "javax.inject..",
                    "io.pharox.testkit..");

    @ArchTest
    static final ArchRule packages_are_free_of_cycles =
            slices().matching("(**)").should().beFreeOfCycles();
}
