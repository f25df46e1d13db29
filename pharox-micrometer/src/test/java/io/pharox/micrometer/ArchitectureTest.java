package io.pharox.micrometer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.pharox.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/** The metrics know the core and Micrometer only: no adapter, so any storage can be measured. */
class ArchitectureTest {

    static final ArchRule knows_the_core_and_micrometer_only = classes()
            .that()
            .resideInAPackage("io.pharox.micrometer..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "io.pharox.micrometer..",
                    "io.pharox",
                    "io.pharox.event",
                    "io.pharox.exception",
                    "io.pharox.filter",
                    "io.pharox.model",
                    "io.pharox.select",
                    "io.pharox.storage",
                    "io.micrometer..",
                    "java..",
                    "org.slf4j..",
                    "org.jspecify..")
            .because("pharox-micrometer depends on pharox-core only, not on any adapter");

    @Test
    void the_metrics_depend_on_the_core_and_micrometer_only() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pharox.micrometer");

        assertThat(classes.contain(PharoxMetrics.class)).isTrue();
        knows_the_core_and_micrometer_only.check(classes);
    }

    @Test
    void the_rule_catches_a_class_that_uses_an_adapter() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesAnAdapter.class);

        assertThat(knows_the_core_and_micrometer_only.evaluate(classes).hasViolation())
                .isTrue();
    }

    /** A class of this package that uses the in-memory adapter: what the rule forbids. */
    static final class UsesAnAdapter {
        InMemoryStorage storage = new InMemoryStorage();
    }
}
