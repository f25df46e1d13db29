package io.pharox;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.NetworkChannel;

/**
 * The core depends on the JDK and the SLF4J API only, never on an adapter or a framework, and it
 * does no network I/O: health checks, which do, live in {@code pharox-health}.
 */
@AnalyzeClasses(packages = "io.pharox", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule core_does_not_use_jdbc = noClasses()
            .that()
            .resideInAPackage("io.pharox..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "javax.sql..")
            .because("storage technology belongs to the adapters");

    @ArchTest
    static final ArchRule core_does_not_use_persistence_frameworks = noClasses()
            .that()
            .resideInAPackage("io.pharox..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.jooq..", "org.hibernate..", "jakarta.persistence..", "javax.persistence..")
            .because("jOOQ, Hibernate and JPA are adapter concerns");

    @ArchTest
    static final ArchRule core_does_not_use_guice = noClasses()
            .that()
            .resideInAPackage("io.pharox..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("com.google.inject..", "jakarta.inject..", "javax.inject..")
            .because("everything works without a DI container; Guice is a thin edge module");

    @ArchTest
    static final ArchRule core_does_not_depend_on_adapters_testkit_or_guice_module = noClasses()
            .that()
            .resideInAPackage("io.pharox..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.pharox.storage.memory..",
                    "io.pharox.storage.jdbc..",
                    "io.pharox.storage.jpa..",
                    "io.pharox.guice..",
                    "io.pharox.testkit..")
            .because("adapters, the Guice module and the testkit depend on the core, not the other way");

    /**
     * All of {@code java.net} but the {@link URI} value (sockets, URL connections, the HTTP
     * client, name resolution through {@code InetAddress}, {@code java.net.Proxy}), TLS and socket
     * factories ({@code javax.net}), and the socket channels of NIO (every
     * {@link NetworkChannel}; file channels stay allowed).
     */
    private static final DescribedPredicate<JavaClass> NETWORK = resideInAnyPackage("java.net..", "javax.net..")
            .and(DescribedPredicate.not(type(URI.class).or(type(URISyntaxException.class))))
            .or(assignableTo(NetworkChannel.class))
            .as("network classes (java.net but URI, javax.net, NIO socket channels)");

    @ArchTest
    static final ArchRule core_does_not_use_the_network = noClasses()
            .that()
            .resideInAPackage("io.pharox..")
            .should()
            .dependOnClassesThat(NETWORK)
            .because("the core is the domain; probing proxies over the network is pharox-health's job");

    @ArchTest
    static final ArchRule core_depends_only_on_the_jdk_slf4j_and_itself = classes()
            .that()
            .resideInAPackage("io.pharox..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "org.slf4j..", "org.jspecify..", "io.pharox..")
            .because("pharox-core may depend on the JDK, the SLF4J API and the JSpecify annotations only");

    @ArchTest
    static final ArchRule packages_are_free_of_cycles = slices().matching("(**)")
            .should()
            .beFreeOfCycles()
            .because("a package cycle ties concepts together that the layout says are apart");
}
