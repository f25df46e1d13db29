package io.pharox.storage.sql;

import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * How a storage adapter lets the {@link LeaseEngine} run statements: the one seam between the
 * engine and an access technology (a {@code DataSource}, a Hibernate session). Failures of
 * the database reach the engine as they are thrown (jOOQ's {@code DataAccessException}, or
 * the adapter's own exception with the driver's {@code SQLException} in its cause chain);
 * {@link SqlFailures#translate(Throwable, String, io.pharox.model.Proxy)} reads either.
 */
public interface SqlAccess {

    /**
     * Runs {@code work}, which issues one statement, in a transaction of its own (for
     * example in auto-commit mode), and returns its result.
     */
    <T> T statement(Function<DSLContext, T> work);

    /** Runs {@code work}, which may issue several statements, in one transaction, committed when it returns. */
    <T> T transaction(Function<DSLContext, T> work);
}
