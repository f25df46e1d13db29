package io.pharox.spring.boot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.pharox.ProxyManager;
import io.pharox.micrometer.PharoxMetrics;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import io.pharox.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * Spring stays at the edge: the core, the adapters and the Micrometer binding, imported here from
 * the jars this module's tests run with (where Spring is on the class path), use nothing of Spring.
 */
class ArchitectureTest {

    static final ArchRule pharox_knows_no_spring = noClasses()
            .that()
            .resideInAPackage("io.pharox..")
            .and()
            .resideOutsideOfPackage("io.pharox.spring..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework..")
            .because("everything works without a framework; the starter is a thin edge module");

    @Test
    void the_core_and_every_adapter_are_free_of_spring() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pharox");

        assertThat(classes.contain(ProxyManager.class)).isTrue();
        assertThat(classes.contain(JdbcStorage.class)).isTrue();
        assertThat(classes.contain(JpaStorage.class)).isTrue();
        assertThat(classes.contain(InMemoryStorage.class)).isTrue();
        assertThat(classes.contain(PharoxMetrics.class)).isTrue();
        assertThat(classes.contain(PharoxAutoConfiguration.class))
                .as("the starter itself is imported, and exempt")
                .isTrue();
        pharox_knows_no_spring.check(classes);
    }

    @Test
    void the_rule_catches_a_class_that_uses_spring() {
        // the starter's own auto-configuration, seen as if it lived outside io.pharox.spring
        ArchRule anywhere = noClasses()
                .that()
                .resideInAPackage("io.pharox..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..");
        JavaClasses starter = new ClassFileImporter().importClasses(PharoxAutoConfiguration.class);
        assertThat(anywhere.evaluate(starter).hasViolation()).isTrue();
        assertThat(pharox_knows_no_spring
                        .allowEmptyShould(true)
                        .evaluate(starter)
                        .hasViolation())
                .as("the starter is exempt")
                .isFalse();
    }
}
