package io.pharox.storage.jpa;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/** Wraps a data source and records the statements prepared or created on its connections. */
final class RecordingDataSource {

    private static final Set<String> STATEMENT_METHODS = Set.of("prepareStatement", "createStatement", "prepareCall");

    private final List<String> statements = new ArrayList<>();
    private final DataSource dataSource;

    RecordingDataSource(DataSource target) {
        dataSource = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                forwarding(
                        target,
                        (method, args, result) -> method.getName().equals("getConnection")
                                ? Proxy.newProxyInstance(
                                        Connection.class.getClassLoader(),
                                        new Class<?>[] {Connection.class},
                                        forwarding(result, (m, a, r) -> {
                                            if (STATEMENT_METHODS.contains(m.getName())) {
                                                record(
                                                        a == null || a.length == 0
                                                                ? "<statement>"
                                                                : String.valueOf(a[0]));
                                            }
                                            return r;
                                        }))
                                : result));
    }

    DataSource dataSource() {
        return dataSource;
    }

    private synchronized void record(String sql) {
        statements.add(sql);
    }

    /** Statements recorded since the last call, and starts recording again. */
    synchronized List<String> take() {
        List<String> taken = List.copyOf(statements);
        statements.clear();
        return taken;
    }

    private interface After {
        Object apply(Method method, Object[] args, Object result);
    }

    private static InvocationHandler forwarding(Object target, After after) {
        return (proxy, method, args) -> {
            try {
                return after.apply(method, args, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
    }
}
