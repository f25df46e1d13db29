package io.pharox;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The core depends on the JDK and the SLF4J API only, never on an adapter or a framework. Of the
 * JDK's {@code javax} packages it uses TLS ({@code javax.net}), for health checks of https targets.
 */
@AnalyzeClasses(packages = "io.pharox", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule core_does_not_use_jdbc = noClasses()
            .that().resideInAPackage("io.pharox..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..")
            .because("storage technology belongs to the adapters");

    @ArchTest
    static final ArchRule core_does_not_use_persistence_frameworks = noClasses()
            .that().resideInAPackage("io.pharox..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.jooq..", "org.hibernate..", "jakarta.persistence..", "javax.persistence..")
            .because("jOOQ, Hibernate and JPA are adapter concerns");

    @ArchTest
    static final ArchRule core_does_not_use_guice = noClasses()
            .that().resideInAPackage("io.pharox..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "jakarta.inject..", "javax.inject..")
            .because("everything works without a DI container; Guice is a thin edge module");

    @ArchTest
    static final ArchRule core_does_not_depend_on_adapters_testkit_or_guice_module = noClasses()
            .that().resideInAPackage("io.pharox..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.pharox.storage.memory..", "io.pharox.storage.jdbc..", "io.pharox.storage.jpa..",
                    "io.pharox.guice..", "io.pharox.testkit..")
            .because("adapters, the Guice module and the testkit depend on the core, not the other way");

    @ArchTest
    static final ArchRule core_depends_only_on_the_jdk_slf4j_and_itself = classes()
            .that().resideInAPackage("io.pharox..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.net..", "org.slf4j..", "org.jspecify..", "io.pharox..")
            .because("pharox-core may depend on the JDK, the SLF4J API and the JSpecify annotations only");

    @ArchTest
    static final ArchRule packages_are_free_of_cycles = slices()
            .matching("(**)")
            .should().beFreeOfCycles()
            .because("a package cycle ties concepts together that the layout says are apart");
}
