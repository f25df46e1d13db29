package io.pharox.storage.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Wraps a data source and counts the statements prepared or created on its connections. */
final class CountingDataSource {

    private static final Set<String> STATEMENT_METHODS = Set.of("prepareStatement", "createStatement", "prepareCall");

    private final AtomicInteger statements = new AtomicInteger();
    private final DataSource dataSource;

    CountingDataSource(DataSource target) {
        dataSource = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                forwarding(
                        target,
                        (method, result) -> method.getName().equals("getConnection")
                                ? Proxy.newProxyInstance(
                                        Connection.class.getClassLoader(),
                                        new Class<?>[] {Connection.class},
                                        forwarding(result, (m, r) -> {
                                            if (STATEMENT_METHODS.contains(m.getName())) {
                                                statements.incrementAndGet();
                                            }
                                            return r;
                                        }))
                                : result));
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Statements counted since the last call, and starts counting again. */
    int takeCount() {
        return statements.getAndSet(0);
    }

    private interface After {
        Object apply(Method method, Object result);
    }

    private static InvocationHandler forwarding(Object target, After after) {
        return (proxy, method, args) -> {
            try {
                return after.apply(method, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
    }
}
