package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.CredentialDecryptionException;
import io.pharox.exception.CredentialDecryptionException.Reason;
import io.pharox.exception.CredentialEncryptionRequiredException;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Credentials;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.postgres.TestSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Credentials at rest, for a SQL adapter: sealed on every write, opened on every read, never
 * in plain text in any column when a key is configured, rotated while leasing goes on, and a
 * named error (never a wrong password) for a wrong, unknown or missing key. An adapter's test
 * class extends this and supplies its storage, its rotation call and its migration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CredentialsAtRestContract {

    private static final SecretKey KEY_A = CredentialKeyring.aesKey(bytes(32, 1));
    private static final SecretKey KEY_B = CredentialKeyring.aesKey(bytes(16, 2));
    private static final SecretKey OTHER_A = CredentialKeyring.aesKey(bytes(32, 3));

    /** Keyring of key A only. */
    protected static final SqlStorageOptions UNDER_A = SqlStorageOptions.builder()
            .credentialKeyring(CredentialKeyring.of("A", KEY_A))
            .build();

    /** Keyring of key B, still holding A: what a rotation from A to B runs with. */
    protected static final SqlStorageOptions B_AFTER_A = SqlStorageOptions.builder()
            .credentialKeyring(CredentialKeyring.of("B", Map.of("A", KEY_A, "B", KEY_B)))
            .build();

    private static final SqlStorageOptions ONLY_B = SqlStorageOptions.builder()
            .credentialKeyring(CredentialKeyring.of("B", KEY_B))
            .build();

    private static final SqlStorageOptions PLAIN =
            SqlStorageOptions.builder().allowPlaintextCredentials().build();

    private TestSchema db;

    /** A storage of the adapter on {@code db}'s data source and schema, with {@code options}. */
    protected abstract ProxyStorage storage(TestSchema db, SqlStorageOptions options);

    /** The adapter's rotation: {@code rotateCredentials(batchSize)} of {@code storage}. */
    protected abstract int rotate(ProxyStorage storage, int batchSize);

    /** The adapter's migration with options: {@code migrate(dataSource, schema, options)}. */
    protected abstract int migrate(DataSource dataSource, String schema, SqlStorageOptions options);

    /** Closes what {@link #storage} opened (e.g. entity manager factories). */
    protected void closeStorages() {}

    @BeforeAll
    void createSchema() {
        db = TestSchema.migrated("pharox_credentials", 12);
    }

    @AfterAll
    void dropSchema() {
        closeStorages();
        db.close();
    }

    @BeforeEach
    void empty() {
        db.truncate();
    }

    // ---------------------------------------------------------------- round trip

    @Test
    void credentials_survive_every_write_and_read_sealed() {
        ProxyStorage storage = storage(db, UNDER_A);
        ProxyPool pool = storage.createPool("round-trip", "");
        Proxy added = storage.addProxy(proxy(pool, 8001, "alice", "pa55-wörd:ünïcode"));
        Proxy empty = storage.addProxy(proxy(pool, 8002, "bob", ""));
        Proxy none = storage.addProxy(
                Proxy.builder().poolId(pool.id()).address("10.0.0.1", 8003).build());

        assertThat(added.credentials()).contains(new Credentials("alice", "pa55-wörd:ünïcode"));
        assertThat(storage.findProxy(added.id()).flatMap(Proxy::credentials))
                .contains(new Credentials("alice", "pa55-wörd:ünïcode"));
        assertThat(storage.findProxy(empty.id()).flatMap(Proxy::credentials)).contains(new Credentials("bob", ""));
        assertThat(storage.findProxy(none.id()).flatMap(Proxy::credentials)).isEmpty();
        assertThat(storage.listProxies("round-trip"))
                .extracting(p -> p.credentials().map(Credentials::password).orElse(null))
                .containsExactlyInAnyOrder("pa55-wörd:ünïcode", "", null);

        LeasedProxy leased = storage.acquire(AcquireRequest.forPool("round-trip")
                        .filter(ProxyFilters.matching("alice's", p -> p.id().equals(added.id())))
                        .build())
                .orElseThrow();
        assertThat(leased.proxy().credentials()).contains(new Credentials("alice", "pa55-wörd:ünïcode"));
        storage.release(leased.lease().id());
        LeasedProxy inSql = storage.acquire(AcquireRequest.forPool("round-trip")
                        .filter(ProxyFilters.matchAll())
                        .build())
                .orElseThrow();
        assertThat(inSql.proxy().credentials()).isPresent();

        Proxy updated = storage.updateProxy(
                added.toBuilder().credentials("alice2", "new secret").build());
        assertThat(updated.credentials()).contains(new Credentials("alice2", "new secret"));
        Proxy checked = storage.applyHealthCheckResult(
                HealthCheckResult.healthy(added.id(), Duration.ofMillis(12), Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(checked.credentials()).contains(new Credentials("alice2", "new secret"));
        assertThat(storage(db, UNDER_A).findProxy(added.id()).flatMap(Proxy::credentials))
                .contains(new Credentials("alice2", "new secret"));
        assertThat(column(added.id(), "credential_key_id")).isEqualTo("A");
    }

    @Test
    void no_column_of_any_table_holds_a_plain_password() {
        ProxyStorage storage = storage(db, UNDER_A);
        ProxyPool pool = storage.createPool("at-rest", "");
        List<String> passwords = new ArrayList<>();
        List<Proxy> proxies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String password = "Sekret-" + i + "-" + UUID.randomUUID();
            passwords.add(password);
            proxies.add(storage.addProxy(proxy(pool, 9000 + i, "user" + i, password)));
        }
        String updated = "Updated-" + UUID.randomUUID();
        passwords.add(updated);
        storage.updateProxy(
                proxies.get(0).toBuilder().credentials("user0", updated).build());
        assertThat(storage.acquire(AcquireRequest.forPool("at-rest").build())).isPresent();

        // every column of every row, as PostgreSQL prints it
        List<String> rows = rowsAsText("SELECT p::text FROM " + db.name() + ".proxy p");
        assertThat(rows).hasSize(5);
        String everything = db.fingerprint();
        for (String password : passwords) {
            assertThat(rows).noneMatch(row -> row.contains(password));
            assertThat(everything).doesNotContain(password);
        }
        assertThat(rowsAsText("SELECT coalesce(password, '<null>') || ' ' || credential_key_id || ' '"
                        + " || length(password_ciphertext) FROM " + db.name() + ".proxy"))
                .allMatch(r -> r.startsWith("<null> A "));
        assertThat(storage.listProxies("at-rest"))
                .extracting(p -> p.credentials().orElseThrow().password())
                .containsExactlyInAnyOrder(
                        updated, passwords.get(1), passwords.get(2), passwords.get(3), passwords.get(4));
    }

    @Test
    void a_batch_is_sealed_as_a_single_add_is() {
        ProxyStorage storage = storage(db, UNDER_A);
        ProxyPool pool = storage.createPool("batch-sealed", "");
        List<Proxy> batch = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            batch.add(proxy(pool, 20_000 + i, "user" + i, "Batch-Sekret-" + i));
        }
        batch.add(Proxy.builder().poolId(pool.id()).address("10.0.0.2", 8000).build());

        List<Proxy> stored = storage.addProxies(batch);

        assertThat(stored.get(7).credentials()).contains(new Credentials("user7", "Batch-Sekret-7"));
        assertThat(stored.get(1_500).credentials()).isEmpty();
        assertThat(rowsAsText("SELECT p::text FROM " + db.name() + ".proxy p"))
                .hasSize(1_501)
                .noneMatch(row -> row.contains("Batch-Sekret-"));
        assertThat(rowsAsText("SELECT coalesce(password, '<null>') || ' ' || credential_key_id" + " FROM " + db.name()
                        + ".proxy WHERE username IS NOT NULL"))
                .hasSize(1_500)
                .allMatch(r -> r.equals("<null> A"));
        // a new storage reads them back: the proxy id is bound into each ciphertext as for addProxy
        assertThat(storage(db, UNDER_A).findProxy(stored.get(1_499).id()).flatMap(Proxy::credentials))
                .contains(new Credentials("user1499", "Batch-Sekret-1499"));
    }

    @Test
    void a_batch_with_credentials_and_no_keyring_is_refused_naming_the_entry() {
        ProxyStorage none = storage(db, SqlStorageOptions.defaults());
        ProxyPool pool = none.createPool("batch-no-key", "");
        List<Proxy> batch = List.of(
                Proxy.builder().poolId(pool.id()).address("10.0.0.3", 8000).build(),
                proxy(pool, 8001, "alice", "never-stored"));

        assertThatThrownBy(() -> none.addProxies(batch))
                .isInstanceOfSatisfying(
                        io.pharox.exception.ProxyBatchException.class,
                        e -> assertThat(e.index()).isEqualTo(1))
                .hasCauseInstanceOf(CredentialEncryptionRequiredException.class)
                .hasMessageNotContaining("never-stored");
        assertThat(none.listProxies("batch-no-key")).isEmpty();
    }

    // ---------------------------------------------------------------- rotation

    @Test
    void rotation_from_a_to_b_fails_no_lease_while_four_threads_lease() throws Exception {
        ProxyStorage underA = storage(db, UNDER_A);
        ProxyPool pool = underA.createPool("rotation", "");
        Map<UUID, String> passwords = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            Proxy p = underA.addProxy(proxy(pool, 10_000 + i, "u" + i, "pw-" + i + "-" + UUID.randomUUID()));
            passwords.put(p.id(), p.credentials().orElseThrow().password());
        }
        ProxyStorage rotating = storage(db, B_AFTER_A);
        int threads = 4;
        int warmUp = 30;
        CountDownLatch warmedUp = new CountDownLatch(threads);
        CountDownLatch rotated = new CountDownLatch(1);
        CountDownLatch leasedAfter = new CountDownLatch(threads);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger leases = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentHashMap<UUID, String> wrongPasswords = new ConcurrentHashMap<>();
        ExecutorService pool4 = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String consumer = "worker-" + t;
            workers.add(pool4.submit(() -> {
                int done = 0;
                int afterRotation = 0;
                while (!stop.get()) {
                    try {
                        Optional<LeasedProxy> leased = rotating.acquire(AcquireRequest.forPool("rotation")
                                .consumer(consumer)
                                .build());
                        if (leased.isPresent()) {
                            Proxy p = leased.get().proxy();
                            String password = p.credentials().orElseThrow().password();
                            if (!password.equals(passwords.get(p.id()))) {
                                wrongPasswords.put(p.id(), "a wrong password of " + password.length() + " chars");
                            }
                            rotating.release(leased.get().lease().id());
                            leases.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                    done++;
                    if (done == warmUp) {
                        warmedUp.countDown();
                    }
                    if (rotated.getCount() == 0 && ++afterRotation == warmUp) {
                        leasedAfter.countDown();
                    }
                }
                return null;
            }));
        }
        assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();
        int count = rotate(rotating, 3);
        rotated.countDown();
        assertThat(leasedAfter.await(60, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        for (Future<?> w : workers) {
            w.get(60, TimeUnit.SECONDS);
        }
        pool4.shutdown();

        assertThat(failures).isEmpty();
        assertThat(wrongPasswords).isEmpty();
        assertThat(leases.get()).isGreaterThanOrEqualTo(threads * warmUp);
        assertThat(count).isEqualTo(40);
        assertThat(rowsAsText("SELECT DISTINCT credential_key_id FROM " + db.name() + ".proxy"))
                .containsExactly("B");
        assertThat(rotate(rotating, 3)).isZero();
        // key A can go: every proxy decrypts with B alone
        ProxyStorage onlyB = storage(db, ONLY_B);
        assertThat(onlyB.listProxies("rotation"))
                .hasSize(40)
                .allSatisfy(p ->
                        assertThat(p.credentials().orElseThrow().password()).isEqualTo(passwords.get(p.id())));
        assertThat(onlyB.activeLeasesInPool("rotation")).isEmpty();
        assertThat(rowsAsText("SELECT sum(current_leases)::text FROM " + db.name() + ".proxy"))
                .containsExactly("0");
    }

    @Test
    void rotation_waits_for_rows_that_others_hold_and_covers_them() throws Exception {
        ProxyStorage underA = storage(db, UNDER_A);
        ProxyPool pool = underA.createPool("held", "");
        List<Proxy> proxies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            proxies.add(underA.addProxy(proxy(pool, 11_000 + i, "u" + i, "pw" + i)));
        }
        ProxyStorage rotating = storage(db, B_AFTER_A);
        ExecutorService rotator = Executors.newSingleThreadExecutor();
        try (Connection holder = db.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock =
                    holder.prepareStatement("SELECT id FROM " + db.name() + ".proxy WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, proxies.get(2).id());
                lock.executeQuery().close();
            }
            Future<Integer> rotation = rotator.submit(() -> rotate(rotating, 2));
            // the first pass skips the held row; the next waits for it
            awaitLockWait();
            assertThat(rotation).isNotDone();
            assertThat(rowsAsText("SELECT count(*)::text FROM " + db.name() + ".proxy WHERE credential_key_id = 'B'"))
                    .containsExactly("5");
            holder.commit();
            assertThat(rotation.get(60, TimeUnit.SECONDS)).isEqualTo(6);
        } finally {
            rotator.shutdown();
        }
        assertThat(rowsAsText("SELECT DISTINCT credential_key_id FROM " + db.name() + ".proxy"))
                .containsExactly("B");
    }

    @Test
    void rotation_without_a_keyring_is_refused() {
        assertThatIllegalStateException()
                .isThrownBy(() -> rotate(storage(db, PLAIN), 10))
                .withMessageContaining("keyring");
    }

    // ---------------------------------------------------------------- wrong, unknown, missing key

    @Test
    void a_different_key_under_the_same_id_is_a_named_error_and_leaks_no_slot() {
        ProxyStorage underA = storage(db, UNDER_A);
        ProxyPool pool = underA.createPool("wrong-key", "");
        Proxy added = underA.addProxy(proxy(pool, 8100, "alice", "the-real-password"));
        ProxyStorage wrong = storage(
                db,
                SqlStorageOptions.builder()
                        .credentialKeyring(CredentialKeyring.of("A", OTHER_A))
                        .build());

        assertDecryptionFails(() -> wrong.findProxy(added.id()), added.id(), "A", Reason.REJECTED);
        assertDecryptionFails(() -> wrong.listProxies("wrong-key"), added.id(), "A", Reason.REJECTED);
        assertDecryptionFails(
                () -> wrong.acquire(AcquireRequest.forPool("wrong-key").build()), added.id(), "A", Reason.REJECTED);
        assertDecryptionFails(
                () -> wrong.acquire(AcquireRequest.forPool("wrong-key")
                        .filter(ProxyFilters.matching("any", p -> true))
                        .build()),
                added.id(),
                "A",
                Reason.REJECTED);
        // the grant that could not be read was released: no slot held, no lease active
        assertThat(wrong.activeLeasesInPool("wrong-key")).isEmpty();
        assertThat(column(added.id(), "current_leases")).isEqualTo("0");
        assertThat(underA.acquire(AcquireRequest.forPool("wrong-key").build()))
                .map(l -> l.proxy().credentials().orElseThrow().password())
                .contains("the-real-password");
    }

    @Test
    void a_key_id_the_keyring_does_not_hold_is_a_named_error() {
        ProxyStorage underA = storage(db, UNDER_A);
        ProxyPool pool = underA.createPool("unknown-key", "");
        Proxy added = underA.addProxy(proxy(pool, 8200, "alice", "the-real-password"));

        assertDecryptionFails(() -> storage(db, ONLY_B).findProxy(added.id()), added.id(), "A", Reason.UNKNOWN_KEY);
        assertDecryptionFails(
                () -> storage(db, ONLY_B)
                        .acquire(AcquireRequest.forPool("unknown-key").build()),
                added.id(),
                "A",
                Reason.UNKNOWN_KEY);
        assertThat(column(added.id(), "current_leases")).isEqualTo("0");
    }

    @Test
    void a_sealed_password_moved_to_another_row_does_not_decrypt() {
        ProxyStorage storage = storage(db, UNDER_A);
        ProxyPool pool = storage.createPool("moved", "");
        Proxy a = storage.addProxy(proxy(pool, 8300, "alice", "alice-password"));
        Proxy b = storage.addProxy(proxy(pool, 8301, "alice", "bob-password"));
        db.execute("UPDATE " + db.name() + ".proxy SET password_ciphertext = (SELECT password_ciphertext FROM "
                + db.name() + ".proxy WHERE id = '" + a.id() + "') WHERE id = '" + b.id() + "'");

        assertDecryptionFails(() -> storage.findProxy(b.id()), b.id(), "A", Reason.REJECTED);
        assertThat(storage.findProxy(a.id()).flatMap(Proxy::credentials))
                .contains(new Credentials("alice", "alice-password"));
    }

    @Test
    void without_a_keyring_credentials_are_refused_and_sealed_rows_are_a_named_error() {
        ProxyStorage none = storage(db, SqlStorageOptions.defaults());
        ProxyPool pool = none.createPool("no-key", "");
        Proxy withCredentials = proxy(pool, 8400, "alice", "never-stored");

        assertThatThrownBy(() -> none.addProxy(withCredentials))
                .isInstanceOf(CredentialEncryptionRequiredException.class)
                .hasMessageContaining(withCredentials.id().toString())
                .hasMessageContaining("credentialKeyring")
                .hasMessageContaining("allowPlaintextCredentials")
                .hasMessageNotContaining("never-stored");
        assertThat(none.listProxies("no-key")).isEmpty();
        Proxy bare = none.addProxy(withCredentials.toBuilder().credentials(null).build());
        assertThat(none.findProxy(bare.id())).isPresent();
        assertThatThrownBy(() -> none.updateProxy(withCredentials))
                .isInstanceOf(CredentialEncryptionRequiredException.class);
        assertThat(none.findProxy(bare.id()).flatMap(Proxy::credentials)).isEmpty();

        Proxy sealed = storage(db, UNDER_A).addProxy(proxy(pool, 8401, "bob", "sealed-password"));
        assertDecryptionFails(() -> none.findProxy(sealed.id()), sealed.id(), "A", Reason.NO_KEYRING);
        assertDecryptionFails(() -> storage(db, PLAIN).findProxy(sealed.id()), sealed.id(), "A", Reason.NO_KEYRING);
    }

    // ---------------------------------------------------------------- plain text, migration

    @Test
    void plain_text_allowed_explicitly_round_trips_in_the_password_column() {
        ProxyStorage plain = storage(db, PLAIN);
        ProxyPool pool = plain.createPool("plain", "");
        Proxy added = plain.addProxy(proxy(pool, 8500, "alice", "plain-password"));

        assertThat(plain.findProxy(added.id()).flatMap(Proxy::credentials))
                .contains(new Credentials("alice", "plain-password"));
        assertThat(plain.acquire(AcquireRequest.forPool("plain").build()))
                .map(l -> l.proxy().credentials().orElseThrow().password())
                .contains("plain-password");
        assertThat(column(added.id(), "password")).isEqualTo("plain-password");
        assertThat(column(added.id(), "password_ciphertext")).isNull();
    }

    @Test
    void migrating_with_a_key_encrypts_the_plain_rows() {
        ProxyStorage plain = storage(db, PLAIN);
        ProxyPool pool = plain.createPool("migrated", "");
        List<Proxy> proxies = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            proxies.add(plain.addProxy(proxy(pool, 8600 + i, "u" + i, "plain-" + i)));
        }
        plain.addProxy(
                Proxy.builder().poolId(pool.id()).address("10.0.0.9", 8700).build());
        // a plain row stays readable with a key configured, until it is encrypted
        assertThat(storage(db, UNDER_A).findProxy(proxies.get(0).id()).flatMap(Proxy::credentials))
                .contains(new Credentials("u0", "plain-0"));

        assertThat(migrate(db.dataSource(), db.name(), UNDER_A)).isEqualTo(7);

        for (int i = 0; i < 7; i++) {
            String password = "plain-" + i;
            assertThat(rowsAsText("SELECT p::text FROM " + db.name() + ".proxy p"))
                    .noneMatch(r -> r.contains(password));
        }
        assertThat(storage(db, UNDER_A).listProxies("migrated"))
                .filteredOn(p -> p.credentials().isPresent())
                .extracting(p -> p.credentials().orElseThrow().password())
                .containsExactlyInAnyOrder("plain-0", "plain-1", "plain-2", "plain-3", "plain-4", "plain-5", "plain-6");
        assertThat(migrate(db.dataSource(), db.name(), UNDER_A)).isZero();
        assertThat(migrate(db.dataSource(), db.name(), PLAIN)).isZero();
    }

    // ---------------------------------------------------------------- helpers

    private static void assertDecryptionFails(Runnable call, UUID proxyId, String keyId, Reason reason) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(CredentialDecryptionException.class, e -> {
                    assertThat(e.proxyId()).isEqualTo(proxyId);
                    assertThat(e.keyId()).contains(keyId);
                    assertThat(e.reason()).isEqualTo(reason);
                })
                .hasMessageContaining(proxyId.toString())
                .hasMessageContaining("'" + keyId + "'")
                .hasMessageNotContaining("password");
    }

    private static Proxy proxy(ProxyPool pool, int port, String username, String password) {
        return Proxy.builder()
                .poolId(pool.id())
                .address("10.1.0.1", port)
                .credentials(username, password)
                .build();
    }

    private String column(UUID proxyId, String column) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT " + column + "::text FROM " + db.name() + ".proxy WHERE id = ?")) {
            s.setObject(1, proxyId);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("proxy %s exists", proxyId).isTrue();
                return r.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> rowsAsText(String sql) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (r.next()) {
                rows.add(r.getString(1));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Waits until a statement on the proxy table waits for a row lock. */
    private void awaitLockWait() throws InterruptedException {
        String sql = "SELECT count(*)::text FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE '%credential_key_id%' AND query LIKE '%" + db.name() + "%'";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (rowsAsText(sql).equals(List.of("0"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the rotation never waited for the held row");
            }
            Thread.sleep(5);
        }
    }

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }
}
