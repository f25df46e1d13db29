package io.pharox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Credentials;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * The value rows of the bad-input catalogue ({@code docs/bad-input.md}): bad values given to the
 * core's builders and factories ({@code Proxy.Builder}, {@code ProxyFilters},
 * {@code HealthCheckResult}, {@code AcquireRequest}, {@code Credentials},
 * {@code ProxyManager.Builder}). They are refused before any storage is reached, so they run
 * once, here; the rows that reach a storage run on every adapter in the testkit's
 * {@code BadInputContract}. A row must throw the named type with a message naming the bad value
 * or the parameter, and never a password.
 */
class BadValueCatalogueTest {

    private static final String NUL = "bad\u0000value";
    private static final String LONE_SURROGATE = "bad\uD800value";
    private static final String PASSWORD = "s3cret-pw";
    private static final UUID PROXY_ID = UUID.randomUUID();

    /**
     * A storage the builder rows hand to {@code ProxyManager.builder}: the builder only keeps it,
     * and any call on it fails the row.
     */
    private static final ProxyStorage UNTOUCHED_STORAGE = (ProxyStorage) java.lang.reflect.Proxy.newProxyInstance(
            ProxyStorage.class.getClassLoader(), new Class<?>[] {ProxyStorage.class}, (proxy, method, args) -> {
                throw new AssertionError("a builder row called the storage: " + method.getName());
            });

    /** One row: {@code entryPoint} given {@code input} throws {@code outcome} naming {@code mentions}. */
    private record Row(
            String entryPoint,
            String input,
            ThrowingSupplier<?> call,
            Class<? extends Throwable> outcome,
            List<String> mentions) {
        DynamicTest test() {
            return DynamicTest.dynamicTest(entryPoint + " ← " + input + " ⇒ " + outcome.getSimpleName(), () -> {
                Throwable thrown = catchThrowable(call::get);
                assertThat(thrown).as("%s ← %s", entryPoint, input).isInstanceOf(outcome);
                for (String mention : mentions) {
                    assertThat(thrown.getMessage())
                            .as("message of %s ← %s", entryPoint, input)
                            .contains(mention);
                }
                assertThat(String.valueOf(thrown.getMessage())).doesNotContain(PASSWORD);
            });
        }
    }

    private static Row rejects(
            String entryPoint,
            String input,
            Class<? extends Throwable> type,
            ThrowingSupplier<?> call,
            String... mentions) {
        return new Row(entryPoint, input, call, type, List.of(mentions));
    }

    private static Stream<DynamicTest> run(List<Row> rows) {
        return rows.stream().map(Row::test);
    }

    private static AcquireRequest.Builder request() {
        return AcquireRequest.forPool("pool");
    }

    private static Proxy.Builder newProxy() {
        return Proxy.builder().poolId(UUID.randomUUID()).address("198.51.100.1", 8080);
    }

    private static HealthCheckResult healthy() {
        return HealthCheckResult.healthy(PROXY_ID, Duration.ofMillis(5), Instant.now());
    }

    /** A chain of {@code levels} clauses, allOf and anyOf by turns, around one country. */
    private static ProxyFilter deepTree(int levels) {
        return IntStream.range(1, levels)
                .boxed()
                .reduce(
                        ProxyFilters.country("ZZ"),
                        (filter, level) -> level % 2 == 0 ? ProxyFilters.allOf(filter) : ProxyFilters.anyOf(filter),
                        (a, b) -> b);
    }

    @TestFactory
    Stream<DynamicTest> null_values_are_rejected_by_name() {
        return run(List.of(
                rejects(
                        "ProxyManager.builder",
                        "storage null",
                        NullPointerException.class,
                        () -> ProxyManager.builder(null),
                        "storage"),
                rejects(
                        "ProxyManager.Builder",
                        "defaultStrategy null",
                        NullPointerException.class,
                        () -> ProxyManager.builder(UNTOUCHED_STORAGE).defaultStrategy(null),
                        "strategy"),
                rejects(
                        "ProxyManager.Builder",
                        "listener null",
                        NullPointerException.class,
                        () -> ProxyManager.builder(UNTOUCHED_STORAGE).listener(null),
                        "listener"),
                rejects(
                        "ProxyManager.Builder",
                        "clock null",
                        NullPointerException.class,
                        () -> ProxyManager.builder(UNTOUCHED_STORAGE).clock(null),
                        "clock"),
                rejects(
                        "AcquireRequest",
                        "consumer null",
                        NullPointerException.class,
                        () -> request().consumer(null).build(),
                        "name"),
                rejects(
                        "AcquireRequest",
                        "filter null",
                        NullPointerException.class,
                        () -> request().filter(null).build(),
                        "filter"),
                rejects(
                        "AcquireRequest",
                        "strategy null",
                        NullPointerException.class,
                        () -> request().strategy(null).build(),
                        "strategy"),
                rejects(
                        "Proxy.Builder",
                        "poolId null",
                        NullPointerException.class,
                        () -> newProxy().poolId(null).build(),
                        "poolId"),
                rejects(
                        "Proxy.Builder",
                        "id null",
                        NullPointerException.class,
                        () -> newProxy().id(null).build(),
                        "id"),
                rejects(
                        "Proxy.Builder",
                        "host null",
                        NullPointerException.class,
                        () -> newProxy().host(null).build(),
                        "host"),
                rejects(
                        "Proxy.Builder",
                        "protocol null",
                        NullPointerException.class,
                        () -> newProxy().protocol(null).build(),
                        "protocol"),
                rejects(
                        "Proxy.Builder",
                        "status null",
                        NullPointerException.class,
                        () -> newProxy().status(null).build(),
                        "status"),
                rejects(
                        "Credentials",
                        "username null",
                        NullPointerException.class,
                        () -> new Credentials(null, "pw"),
                        "username"),
                rejects(
                        "Credentials",
                        "password null",
                        NullPointerException.class,
                        () -> new Credentials("u", null),
                        "password"),
                rejects(
                        "HealthCheckResult",
                        "proxyId null",
                        NullPointerException.class,
                        () -> HealthCheckResult.healthy(null, Duration.ZERO, Instant.now()),
                        "proxyId"),
                rejects(
                        "HealthCheckResult",
                        "checkedAt null",
                        NullPointerException.class,
                        () -> HealthCheckResult.healthy(PROXY_ID, Duration.ZERO, null),
                        "checkedAt"),
                rejects(
                        "ProxyFilters.country",
                        "null",
                        NullPointerException.class,
                        () -> ProxyFilters.country(null),
                        "country"),
                rejects("ProxyFilters.city", "null", NullPointerException.class, () -> ProxyFilters.city(null), "city"),
                rejects(
                        "ProxyFilters.source",
                        "null",
                        NullPointerException.class,
                        () -> ProxyFilters.source(null),
                        "source"),
                rejects(
                        "ProxyFilters.protocol",
                        "null",
                        NullPointerException.class,
                        () -> ProxyFilters.protocol(null),
                        "protocol"),
                rejects(
                        "ProxyFilters.within",
                        "center null",
                        NullPointerException.class,
                        () -> ProxyFilters.within(null, 10),
                        "center"),
                rejects(
                        "ProxyFilters.matching",
                        "predicate null",
                        NullPointerException.class,
                        () -> ProxyFilters.matching("p", null),
                        "predicate"),
                rejects(
                        "ProxyFilters.allOf",
                        "a null clause",
                        NullPointerException.class,
                        () -> ProxyFilters.allOf(ProxyFilters.country("DE"), null),
                        "clause 1"),
                rejects(
                        "ProxyFilters.anyOf",
                        "null list",
                        NullPointerException.class,
                        () -> ProxyFilters.anyOf((List<ProxyFilter>) null),
                        "clauses")));
    }

    @TestFactory
    Stream<DynamicTest> bad_names_are_rejected_by_the_request_and_the_manager_builder() {
        List<Row> rows = new ArrayList<>();
        List<String[]> names = List.of(
                new String[] {"empty", "", "blank"},
                new String[] {"a space", " ", "blank"},
                new String[] {"tab and newline", "\t\n", "blank"},
                new String[] {"256 characters", "p".repeat(256), "256"},
                new String[] {"NUL", NUL, "NUL"},
                new String[] {"a lone surrogate", LONE_SURROGATE, "surrogate"});
        for (String[] n : names) {
            String label = n[0];
            String name = n[1];
            String mention = n[2];
            rows.add(rejects(
                    "AcquireRequest",
                    "pool name " + label,
                    IllegalArgumentException.class,
                    () -> AcquireRequest.forPool(name).build(),
                    "pool name",
                    mention));
            rows.add(rejects(
                    "AcquireRequest",
                    "consumer name " + label,
                    IllegalArgumentException.class,
                    () -> request().consumer(name).build(),
                    "consumer name",
                    mention));
            rows.add(rejects(
                    "ProxyManager.Builder",
                    "defaultConsumer " + label,
                    IllegalArgumentException.class,
                    () -> ProxyManager.builder(UNTOUCHED_STORAGE).defaultConsumer(name),
                    "consumer name",
                    mention));
        }
        return run(rows);
    }

    @TestFactory
    Stream<DynamicTest> bad_proxy_values_are_rejected_by_the_builder() {
        List<Row> rows = new ArrayList<>();
        proxyValue(rows, "port 0", b -> b.port(0), "port", "0");
        proxyValue(rows, "port -1", b -> b.port(-1), "port", "-1");
        proxyValue(rows, "port 65536", b -> b.port(65536), "port", "65536");
        proxyValue(
                rows,
                "port Integer.MIN_VALUE",
                b -> b.port(Integer.MIN_VALUE),
                "port",
                String.valueOf(Integer.MIN_VALUE));
        proxyValue(rows, "maxConcurrency 0", b -> b.maxConcurrency(0), "maxConcurrency", "0");
        proxyValue(rows, "maxConcurrency -1", b -> b.maxConcurrency(-1), "maxConcurrency", "-1");
        proxyValue(rows, "currentLeases -1", b -> b.currentLeases(-1), "currentLeases", "-1");
        proxyValue(rows, "host empty", b -> b.host(""), "host", "''");
        proxyValue(rows, "host blank", b -> b.host("  "), "host");
        proxyValue(rows, "host with a space", b -> b.host("a b"), "host", "a b");
        proxyValue(rows, "host of 254 characters", b -> b.host("h".repeat(254)), "host", "254");
        proxyValue(rows, "host with NUL", b -> b.host(NUL), "host", "NUL");
        proxyValue(rows, "host with a lone surrogate", b -> b.host(LONE_SURROGATE), "host", "surrogate");
        proxyValue(rows, "asn -1", b -> b.asn(-1L), "asn", "-1");
        proxyValue(rows, "asn 2^32", b -> b.asn(4_294_967_296L), "asn", "4294967296");
        proxyValue(rows, "country blank", b -> b.country(" "), "country", "blank");
        proxyValue(rows, "city blank", b -> b.city(" "), "city", "blank");
        proxyValue(rows, "source blank", b -> b.source(" "), "source", "blank");
        proxyValue(rows, "country with NUL", b -> b.country(NUL), "country", "NUL");
        proxyValue(rows, "city with NUL", b -> b.city(NUL), "city", "NUL");
        proxyValue(rows, "source with NUL", b -> b.source(NUL), "source", "NUL");
        proxyValue(rows, "country with a lone surrogate", b -> b.country(LONE_SURROGATE), "country", "surrogate");
        proxyValue(rows, "city with a lone surrogate", b -> b.city(LONE_SURROGATE), "city", "surrogate");
        proxyValue(rows, "source with a lone surrogate", b -> b.source(LONE_SURROGATE), "source", "surrogate");
        proxyValue(rows, "lastLatency negative", b -> b.lastLatency(Duration.ofMillis(-1)), "lastLatency", "PT-0.001S");
        proxyValue(
                rows,
                "lastLatency of Long.MAX_VALUE seconds",
                b -> b.lastLatency(Duration.ofSeconds(Long.MAX_VALUE)),
                "lastLatency",
                "PT");
        proxyValue(
                rows,
                "lastCheckedAt Instant.MAX",
                b -> b.lastCheckedAt(Instant.MAX),
                "lastCheckedAt",
                Instant.MAX.toString());
        proxyValue(
                rows,
                "lastCheckedAt Instant.MIN",
                b -> b.lastCheckedAt(Instant.MIN),
                "lastCheckedAt",
                Instant.MIN.toString());
        proxyValue(rows, "username blank", b -> b.credentials(" ", "pw"), "username");
        proxyValue(rows, "username with NUL", b -> b.credentials(NUL, "pw"), "username", "NUL");
        proxyValue(rows, "password with NUL", b -> b.credentials("user", PASSWORD + "\u0000"), "password", "NUL");
        proxyValue(
                rows,
                "password with a lone surrogate",
                b -> b.credentials("user", PASSWORD + "\uDC00"),
                "password",
                "surrogate");
        for (double bad :
                new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 90.000001, -91}) {
            proxyValue(rows, "latitude " + bad, b -> b.location(bad, 0), "latitude", String.valueOf(bad));
        }
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 180.5, -181}) {
            proxyValue(rows, "longitude " + bad, b -> b.location(0, bad), "longitude", String.valueOf(bad));
        }
        return run(rows);
    }

    /** Adds the row for a bad proxy value, set on a builder that is valid otherwise. */
    private static void proxyValue(
            List<Row> rows, String input, UnaryOperator<Proxy.Builder> breakIt, String... mentions) {
        rows.add(rejects(
                "Proxy.Builder",
                input,
                IllegalArgumentException.class,
                () -> breakIt.apply(newProxy()).build(),
                mentions));
    }

    @TestFactory
    Stream<DynamicTest> bad_durations_and_times_are_rejected_by_name() {
        List<Row> rows = new ArrayList<>();
        List<Duration> badTtls = List.of(
                Duration.ZERO,
                Duration.ofMillis(-1),
                Duration.ofNanos(999_999),
                AcquireRequest.MAX_TTL.plusNanos(1),
                Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
                Duration.ofSeconds(Long.MIN_VALUE));
        for (Duration ttl : badTtls) {
            rows.add(rejects(
                    "AcquireRequest",
                    "ttl " + ttl,
                    IllegalArgumentException.class,
                    () -> request().ttl(ttl).build(),
                    "ttl",
                    ttl.toString()));
            rows.add(rejects(
                    "ProxyManager.Builder",
                    "defaultTtl " + ttl,
                    IllegalArgumentException.class,
                    () -> ProxyManager.builder(UNTOUCHED_STORAGE).defaultTtl(ttl),
                    "ttl",
                    ttl.toString()));
        }
        for (Duration interval : List.of(
                Duration.ZERO, Duration.ofMillis(-5), Duration.ofMinutes(2), Duration.ofSeconds(Long.MAX_VALUE))) {
            rows.add(rejects(
                    "ProxyManager.Builder",
                    "waitPollInterval " + interval,
                    IllegalArgumentException.class,
                    () -> ProxyManager.builder(UNTOUCHED_STORAGE).waitPollInterval(interval),
                    "waitPollInterval",
                    interval.toString()));
        }
        rows.add(rejects(
                "HealthCheckResult",
                "latency negative",
                IllegalArgumentException.class,
                () -> HealthCheckResult.healthy(PROXY_ID, Duration.ofMillis(-1), Instant.now()),
                "latency",
                "PT-0.001S"));
        rows.add(rejects(
                "HealthCheckResult",
                "latency of Long.MAX_VALUE seconds",
                IllegalArgumentException.class,
                () -> HealthCheckResult.healthy(PROXY_ID, Duration.ofSeconds(Long.MAX_VALUE), Instant.now()),
                "latency"));
        rows.add(rejects(
                "HealthCheckResult",
                "checkedAt Instant.MAX",
                IllegalArgumentException.class,
                () -> HealthCheckResult.healthy(PROXY_ID, Duration.ZERO, Instant.MAX),
                "checkedAt",
                Instant.MAX.toString()));
        rows.add(rejects(
                "HealthCheckResult",
                "checkedAt Instant.MIN",
                IllegalArgumentException.class,
                () -> HealthCheckResult.failed(PROXY_ID, HealthStatus.UNREACHABLE, "x", Instant.MIN),
                "checkedAt",
                Instant.MIN.toString()));
        rows.add(rejects(
                "HealthCheckResult",
                "httpStatus 600",
                IllegalArgumentException.class,
                () -> healthy().withHttpStatus(600),
                "httpStatus",
                "600"));
        rows.add(rejects(
                "HealthCheckResult.passed",
                "a failed status",
                IllegalArgumentException.class,
                () -> HealthCheckResult.passed(PROXY_ID, HealthStatus.UNREACHABLE, Duration.ZERO, Instant.now()),
                "UNREACHABLE"));
        return run(rows);
    }

    @TestFactory
    Stream<DynamicTest> bad_filters_are_rejected_by_name() {
        List<Row> rows = new ArrayList<>();
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -90.5, 91}) {
            rows.add(rejects(
                    "ProxyFilters.within",
                    "latitude " + bad,
                    IllegalArgumentException.class,
                    () -> ProxyFilters.within(bad, 0, 10),
                    "latitude",
                    String.valueOf(bad)));
        }
        for (double bad : new double[] {Double.NaN, Double.NEGATIVE_INFINITY, 180.01, -200}) {
            rows.add(rejects(
                    "ProxyFilters.within",
                    "longitude " + bad,
                    IllegalArgumentException.class,
                    () -> ProxyFilters.within(0, bad, 10),
                    "longitude",
                    String.valueOf(bad)));
        }
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            rows.add(rejects(
                    "ProxyFilters.within",
                    "radiusKm " + bad,
                    IllegalArgumentException.class,
                    () -> ProxyFilters.within(0, 0, bad),
                    "radiusKm",
                    String.valueOf(bad)));
        }
        for (String value : List.of("", " ", NUL, LONE_SURROGATE)) {
            String input = value.isBlank()
                    ? "blank '" + value + "'"
                    : value.equals(NUL) ? "with NUL" : "with a lone surrogate";
            String mention = value.isBlank() ? "blank" : value.equals(NUL) ? "NUL" : "surrogate";
            rows.add(rejects(
                    "ProxyFilters.country",
                    input,
                    IllegalArgumentException.class,
                    () -> ProxyFilters.country(value),
                    "country",
                    mention));
            rows.add(rejects(
                    "ProxyFilters.city",
                    input,
                    IllegalArgumentException.class,
                    () -> ProxyFilters.city(value),
                    "city",
                    mention));
            rows.add(rejects(
                    "ProxyFilters.source",
                    input,
                    IllegalArgumentException.class,
                    () -> ProxyFilters.source(value),
                    "source",
                    mention));
        }
        List<ProxyFilter> countries = IntStream.range(0, 100_000)
                .mapToObj(i -> ProxyFilters.country("C" + i))
                .toList();
        rows.add(rejects(
                "ProxyFilters.asn", "-1", IllegalArgumentException.class, () -> ProxyFilters.asn(-1), "asn", "-1"));
        rows.add(rejects(
                "ProxyFilters.asn",
                "2^32",
                IllegalArgumentException.class,
                () -> ProxyFilters.asn(4_294_967_296L),
                "asn",
                "4294967296"));
        rows.add(rejects(
                "ProxyFilters.builder().country()",
                "no values",
                IllegalArgumentException.class,
                () -> ProxyFilters.builder().country(),
                "country"));
        rows.add(rejects(
                "ProxyFilters.allOf",
                "10,000 levels deep",
                IllegalArgumentException.class,
                () -> deepTree(10_000),
                String.valueOf(ProxyFilter.MAX_DEPTH)));
        rows.add(rejects(
                "ProxyFilters.anyOf",
                "100,000 clauses wide",
                IllegalArgumentException.class,
                () -> ProxyFilters.anyOf(countries),
                "100000",
                String.valueOf(ProxyFilter.MAX_CLAUSES)));
        rows.add(rejects(
                "ProxyFilters.allOf",
                "two halves of 6,000 clauses",
                IllegalArgumentException.class,
                () -> ProxyFilters.allOf(
                        ProxyFilters.anyOf(countries.subList(0, 6_000)),
                        ProxyFilters.anyOf(countries.subList(0, 6_000))),
                "12003",
                String.valueOf(ProxyFilter.MAX_CLAUSES)));
        List<ProxyFilter> radii = java.util.stream.IntStream.range(0, ProxyFilter.MAX_GEO_CLAUSES + 1)
                .mapToObj(i -> ProxyFilters.within(-80 + i * 0.001, 10, 1))
                .toList();
        rows.add(rejects(
                "ProxyFilters.anyOf",
                "one geo radius more than MAX_GEO_CLAUSES",
                IllegalArgumentException.class,
                () -> ProxyFilters.anyOf(radii),
                String.valueOf(ProxyFilter.MAX_GEO_CLAUSES + 1),
                "geo radius",
                String.valueOf(ProxyFilter.MAX_GEO_CLAUSES)));
        rows.add(rejects(
                "ProxyFilters.allOf",
                "two trees of geo radii that add up to one more than MAX_GEO_CLAUSES",
                IllegalArgumentException.class,
                () -> ProxyFilters.allOf(
                        ProxyFilters.anyOf(radii.subList(0, ProxyFilter.MAX_GEO_CLAUSES / 2)),
                        ProxyFilters.noneOf(
                                radii.subList(ProxyFilter.MAX_GEO_CLAUSES / 2, ProxyFilter.MAX_GEO_CLAUSES + 1))),
                String.valueOf(ProxyFilter.MAX_GEO_CLAUSES + 1),
                String.valueOf(ProxyFilter.MAX_GEO_CLAUSES)));
        rows.add(rejects(
                "ProxyFilters.noneOf",
                "65 levels deep",
                IllegalArgumentException.class,
                () -> deepTree(ProxyFilter.MAX_DEPTH + 1),
                "65",
                String.valueOf(ProxyFilter.MAX_DEPTH)));
        return run(rows);
    }

    @TestFactory
    Stream<DynamicTest> bad_retry_policies_are_rejected_by_name() {
        RetryPolicy p = RetryPolicy.defaults();
        Duration second = Duration.ofSeconds(1);
        List<Row> rows = new ArrayList<>();
        for (int attempts : new int[] {0, -1, Integer.MIN_VALUE}) {
            rows.add(rejects(
                    "RetryPolicy.withMaxAttempts",
                    String.valueOf(attempts),
                    IllegalArgumentException.class,
                    () -> p.withMaxAttempts(attempts),
                    "maxAttempts",
                    String.valueOf(attempts)));
        }
        for (Duration initial :
                List.of(Duration.ofNanos(-1), Duration.ofSeconds(2), Duration.ofSeconds(Long.MAX_VALUE))) {
            rows.add(rejects(
                    "RetryPolicy.withBackoff",
                    "initial " + initial + " with cap PT1S",
                    IllegalArgumentException.class,
                    () -> p.withBackoff(initial, 2.0, second),
                    "initialBackoff",
                    initial.toString()));
        }
        for (Duration cap :
                List.of(Duration.ofMillis(-1), Duration.ofDays(1).plusNanos(1), Duration.ofSeconds(Long.MAX_VALUE))) {
            rows.add(rejects(
                    "RetryPolicy.withBackoff",
                    "cap " + cap,
                    IllegalArgumentException.class,
                    () -> p.withBackoff(Duration.ZERO, 2.0, cap),
                    "maxBackoff",
                    cap.toString()));
        }
        for (double multiplier : new double[] {0.999, 0, -2, Double.NaN, Double.POSITIVE_INFINITY}) {
            rows.add(rejects(
                    "RetryPolicy.withBackoff",
                    "multiplier " + multiplier,
                    IllegalArgumentException.class,
                    () -> p.withBackoff(Duration.ZERO, multiplier, second),
                    "multiplier",
                    String.valueOf(multiplier)));
        }
        for (double jitter : new double[] {-0.1, 1.01, Double.NaN, Double.NEGATIVE_INFINITY}) {
            rows.add(rejects(
                    "RetryPolicy.withJitter",
                    String.valueOf(jitter),
                    IllegalArgumentException.class,
                    () -> p.withJitter(jitter),
                    "jitter",
                    String.valueOf(jitter)));
        }
        rows.add(rejects(
                "RetryPolicy.baseDelay",
                "failedAttempt 0",
                IllegalArgumentException.class,
                () -> p.baseDelay(0),
                "failedAttempt",
                "0"));
        rows.add(rejects(
                "RetryPolicy.withBackoff",
                "initial null",
                NullPointerException.class,
                () -> p.withBackoff(null, 2.0, second),
                "initialBackoff"));
        rows.add(rejects(
                "RetryPolicy.withBackoff",
                "cap null",
                NullPointerException.class,
                () -> p.withBackoff(second, 2.0, null),
                "maxBackoff"));
        rows.add(rejects(
                "RetryPolicy.withRetryOn", "null", NullPointerException.class, () -> p.withRetryOn(null), "retryOn"));
        rows.add(rejects(
                "RetryPolicy.withRandom", "null", NullPointerException.class, () -> p.withRandom(null), "random"));
        rows.add(rejects(
                "RetryPolicy.withSleeper", "null", NullPointerException.class, () -> p.withSleeper(null), "sleeper"));
        return run(rows);
    }
}
