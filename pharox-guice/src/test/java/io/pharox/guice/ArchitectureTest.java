package io.pharox.guice;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.pharox.ProxyManager;
import io.pharox.health.HealthChecker;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import io.pharox.storage.memory.InMemoryStorage;
import io.pharox.storage.sample.InjectedStorage;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guice stays at the edge: the core, the health checks and the adapters, imported here from the jars this
 * module's tests run with (where Guice and jakarta.inject are on the class path too), use no
 * DI container, so they work with plain constructors and with any container.
 */
class ArchitectureTest {

    static final ArchRule core_and_adapters_know_no_container = noClasses()
            .that().resideInAPackage("io.pharox..")
            .and().resideOutsideOfPackage("io.pharox.guice..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "jakarta.inject..", "javax.inject..")
            .because("everything works without a DI container; pharox-guice is a thin edge module");

    @Test
    void the_core_and_every_adapter_are_free_of_guice_and_jakarta_inject() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pharox");

        assertThat(classes.contain(ProxyManager.class)).isTrue();
        assertThat(classes.contain(HealthChecker.class)).isTrue();
        assertThat(classes.contain(InMemoryStorage.class)).isTrue();
        assertThat(classes.contain(JdbcStorage.class)).isTrue();
        assertThat(classes.contain(JpaStorage.class)).isTrue();
        assertThat(classes.contain(PharoxModule.class)).as("the Guice module itself is imported, and exempt").isTrue();
        core_and_adapters_know_no_container.check(classes);
    }

    @Test
    void the_rule_catches_a_class_that_uses_jakarta_inject() {
        JavaClasses classes = new ClassFileImporter().importClasses(InjectedStorage.class);

        assertThat(core_and_adapters_know_no_container.evaluate(classes).hasViolation()).isTrue();
    }
}
