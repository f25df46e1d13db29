package io.pharox;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureTest} are not vacuous: they catch a class that breaks them. */
class ArchitectureRulesTest {

    /** Breaks the rules on purpose; a test class, so {@link ArchitectureTest} never sees it. */
    static final class UsesJdbc {
        Connection connection;
    }

    /** Opens connections, as a health probe does. */
    static final class UsesASocket {
        Socket socket;
    }

    /** Talks to the network through NIO rather than {@code java.net}. */
    static final class UsesASocketChannel {
        SocketChannel channel;
    }

    /** Holds a URI and reads a file: values and local I/O, no network. */
    static final class UsesAUriAndAFile {
        URI target;
        FileChannel file;
    }

    /** Uses a library outside the allow-list (a test library here, standing for any framework). */
    static final class UsesALibrary {
        org.assertj.core.api.AbstractAssert<?, ?> assertion;
    }

    /** Keeps to the rules. */
    static final class UsesOnlyTheJdk {
        List<String> names;
    }

    @Test
    void a_class_using_jdbc_breaks_the_jdbc_rule() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesJdbc.class);

        assertThat(ArchitectureTest.core_does_not_use_jdbc.evaluate(classes).hasViolation())
                .isTrue();
    }

    @Test
    void a_class_using_a_socket_or_a_socket_channel_breaks_the_network_rule() {
        JavaClasses socket = new ClassFileImporter().importClasses(UsesASocket.class);
        JavaClasses channel = new ClassFileImporter().importClasses(UsesASocketChannel.class);

        assertThat(ArchitectureTest.core_does_not_use_the_network
                        .evaluate(socket)
                        .hasViolation())
                .isTrue();
        assertThat(ArchitectureTest.core_does_not_use_the_network
                        .evaluate(channel)
                        .hasViolation())
                .isTrue();
    }

    @Test
    void a_uri_and_a_file_channel_are_not_network_use() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesAUriAndAFile.class);

        assertThat(ArchitectureTest.core_does_not_use_the_network
                        .evaluate(classes)
                        .hasViolation())
                .isFalse();
    }

    @Test
    void a_class_using_a_library_outside_the_allow_list_breaks_it() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesALibrary.class);

        assertThat(ArchitectureTest.core_depends_only_on_the_jdk_slf4j_and_itself
                        .evaluate(classes)
                        .hasViolation())
                .isTrue();
        assertThat(ArchitectureTest.core_does_not_use_jdbc.evaluate(classes).hasViolation())
                .isFalse();
    }

    @Test
    void a_class_using_only_the_jdk_keeps_every_rule() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesOnlyTheJdk.class);

        assertThat(ArchitectureTest.core_does_not_use_jdbc.evaluate(classes).hasViolation())
                .isFalse();
        assertThat(ArchitectureTest.core_does_not_use_the_network
                        .evaluate(classes)
                        .hasViolation())
                .isFalse();
        assertThat(ArchitectureTest.core_depends_only_on_the_jdk_slf4j_and_itself
                        .evaluate(classes)
                        .hasViolation())
                .isFalse();
        assertThat(ArchitectureTest.core_does_not_depend_on_adapters_testkit_or_guice_module
                        .evaluate(classes)
                        .hasViolation())
                .isFalse();
    }

    @Test
    void two_packages_that_use_each_other_break_the_cycle_rule() {
        JavaClasses cycle = new ClassFileImporter()
                .importClasses(io.pharox.cyclefixture.a.A.class, io.pharox.cyclefixture.b.B.class);
        JavaClasses oneWay =
                new ClassFileImporter().importClasses(io.pharox.cyclefixture.a.A.class, UsesOnlyTheJdk.class);

        assertThat(ArchitectureTest.packages_are_free_of_cycles.evaluate(cycle).hasViolation())
                .isTrue();
        assertThat(ArchitectureTest.packages_are_free_of_cycles.evaluate(oneWay).hasViolation())
                .isFalse();
    }
}
