package io.pharox.health;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Health checks depend on the core, the JDK (sockets and TLS) and the SLF4J API: no adapter, no
 * SQL or persistence framework, no DI container, no testkit. The monitor reaches storage only
 * through the core's port.
 */
@AnalyzeClasses(packages = "io.pharox.health", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule health_uses_no_adapter_sql_container_or_testkit = noClasses()
            .that()
            .resideInAPackage("io.pharox.health..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.pharox.storage.memory..",
                    "io.pharox.storage.sql..",
                    "io.pharox.storage.jdbc..",
                    "io.pharox.storage.jpa..",
                    "io.pharox.guice..",
                    "io.pharox.testkit..",
                    "java.sql..",
                    "javax.sql..",
                    "org.jooq..",
                    "org.hibernate..",
                    "jakarta.persistence..",
                    "javax.persistence..",
                    "com.google.inject..",
                    "jakarta.inject..",
                    "javax.inject..")
            .because("health checks work on any storage through the port, without a container");

    @ArchTest
    static final ArchRule health_depends_only_on_the_jdk_slf4j_and_pharox = classes()
            .that()
            .resideInAPackage("io.pharox.health..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "javax.net..", "org.slf4j..", "org.jspecify..", "io.pharox..")
            .because("pharox-health may depend on the core, the JDK and the SLF4J API only");

    @ArchTest
    static final ArchRule packages_are_free_of_cycles = slices().matching("(**)")
            .should()
            .beFreeOfCycles()
            .because("a package cycle ties concepts together that the layout says are apart");
}
