package io.pharox.reliability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * A Logback appender that sees every log line of the JVM at TRACE (it is the only appender of
 * {@code logback-trace.xml}, whose root level is TRACE, set for the whole JVM from its start so
 * that libraries that read their levels once, as Hibernate does, log everything) and checks
 * each line, its arguments and its exceptions' cause chains for the secrets registered with
 * {@link #secret}. It also checks thrown exceptions ({@link #checkThrown}). Found secrets are
 * recorded as leaks, with the secret masked.
 *
 * <p>java.util.logging (the PostgreSQL driver's logging) is routed here too: {@link #active()}
 * installs the bridge and opens every JUL logger.
 */
public final class SecretScan extends AppenderBase<ILoggingEvent> {

    private static volatile SecretScan current;

    /** The form of the secrets {@link SecretInjectingStorage} makes: found by a scan of the text, not one search each. */
    static final Pattern GENERATED = Pattern.compile("pw-[0-9a-f]{24}");

    private final Set<String> generated = ConcurrentHashMap.newKeySet();
    private final List<String> chosen = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong exceptions = new AtomicLong();

    /**
     * The scan Logback started for this JVM, with java.util.logging routed to it.
     *
     * @throws IllegalStateException if Logback was not configured with {@code logback-trace.xml}
     */
    static SecretScan active() {
        LoggerFactory.getILoggerFactory(); // Logback configures itself, and so starts this appender, on first use
        SecretScan scan = current;
        if (scan == null) {
            throw new IllegalStateException(
                    "no SecretScan appender: run with -Dlogback.configurationFile=logback-trace.xml"
                            + " (the credential-trace execution of pharox-reliability's pom does)");
        }
        if (!SLF4JBridgeHandler.isInstalled()) {
            LogManager.getLogManager().reset();
            SLF4JBridgeHandler.install();
            java.util.logging.Logger.getLogger("").setLevel(Level.ALL);
        }
        return scan;
    }

    @Override
    public void start() {
        super.start();
        current = this;
    }

    /** Registers {@code secret}: from now on, no log line or checked exception may contain it. */
    void secret(String secret) {
        if (GENERATED.matcher(secret).matches()) {
            generated.add(secret);
        } else if (!chosen.contains(secret)) {
            chosen.add(secret);
        }
    }

    /** How many secrets are registered. */
    int secrets() {
        return generated.size() + chosen.size();
    }

    /** How many log lines this scan has checked. */
    long lines() {
        return lines.get();
    }

    /** How many thrown exceptions this scan has checked. */
    long exceptions() {
        return exceptions.get();
    }

    /** Each leak found so far: where, and the text with the secret masked. */
    List<String> leaks() {
        return new ArrayList<>(leaks);
    }

    /** Forgets the leaks and counts so far (the secrets stay). */
    void reset() {
        leaks.clear();
        lines.set(0);
        exceptions.set(0);
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.incrementAndGet();
        String where = event.getLevel() + " " + event.getLoggerName();
        String formatted = event.getFormattedMessage();
        check(where, formatted);
        if (event.getMessage() != null && !event.getMessage().equals(formatted)) {
            check(where, event.getMessage());
        }
        Object[] arguments = event.getArgumentArray();
        if (arguments != null) {
            for (Object argument : arguments) {
                check(where + " (argument)", String.valueOf(argument));
            }
        }
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            check(where + " (" + t.getClassName() + ")", t.getMessage());
            for (IThrowableProxy suppressed : t.getSuppressed()) {
                check(where + " (suppressed " + suppressed.getClassName() + ")", suppressed.getMessage());
            }
        }
    }

    /**
     * Checks an exception thrown to a caller: its message and {@code toString()}, and those of
     * every cause, suppressed exception and chained {@link SQLException}.
     */
    void checkThrown(String call, Throwable thrown) {
        exceptions.incrementAndGet();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>(List.of(thrown));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(todo.size() - 1);
            if (t == null || !seen.add(t)) {
                continue;
            }
            String where = call + " threw " + t.getClass().getName();
            check(where, t.getMessage());
            check(where, t.toString());
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
            if (t instanceof SQLException sql) {
                todo.add(sql.getNextException());
            }
        }
    }

    private void check(String where, String text) {
        if (text == null) {
            return;
        }
        List<String> found = new ArrayList<>();
        for (String secret : chosen) {
            if (text.contains(secret)) {
                found.add(secret);
            }
        }
        if (text.contains("pw-")) {
            Matcher m = GENERATED.matcher(text);
            while (m.find()) {
                if (generated.contains(m.group())) {
                    found.add(m.group());
                }
            }
        }
        if (!found.isEmpty()) {
            String masked = text;
            for (String secret : found) {
                masked = masked.replace(secret, "<secret>");
            }
            leaks.add(where + ": " + (masked.length() > 400 ? masked.substring(0, 400) + "…" : masked));
        }
    }
}
