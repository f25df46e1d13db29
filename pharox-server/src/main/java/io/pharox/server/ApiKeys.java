package io.pharox.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The server's API keys, in its own table {@code pharox_server_api_key} next to the Pharox
 * tables (created by {@link #migrate()} with {@code CREATE TABLE IF NOT EXISTS}; it is no part of
 * the Pharox schema's Flyway history).
 *
 * <p>A key is 32 random bytes from {@link SecureRandom}, handed out once as {@code pharox_}
 * followed by their URL-safe Base64. Only its SHA-256 hash is stored: a key holds 256 random
 * bits, so a slow password hash would add nothing. A presented key is hashed, looked up by its
 * hash, and the stored hash compared with {@link MessageDigest#isEqual} (constant time).
 */
public final class ApiKeys {

    /** The prefix of every key. */
    public static final String PREFIX = "pharox_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;
    private final String table;

    /**
     * Keys in {@code schema} of {@code dataSource}.
     *
     * @throws IllegalArgumentException if the schema name is not a plain identifier
     */
    public ApiKeys(DataSource dataSource, String schema) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(schema, "schema");
        if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("schema must be a plain identifier, was '" + schema + "'");
        }
        this.table = "\"" + schema + "\".pharox_server_api_key";
    }

    /** A new key and what is stored of it. */
    public record CreatedKey(String secret, ApiKey key) {
        /** Hides the secret. */
        @Override
        public String toString() {
            return "CreatedKey[" + key + "]";
        }
    }

    /** Creates the table if it does not exist. */
    public void migrate() {
        execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                + "name text PRIMARY KEY, "
                + "key_hash bytea NOT NULL UNIQUE, "
                + "role text NOT NULL CHECK (role IN ('ADMIN', 'CONSUMER')), "
                + "all_pools boolean NOT NULL, "
                + "pools text[] NOT NULL, "
                + "created_at timestamptz NOT NULL DEFAULT now())");
    }

    /**
     * Creates a key.
     *
     * @param pools the pools it may use; {@code ["*"]} for all
     * @return the key, whose secret is shown this once and never stored
     * @throws IllegalArgumentException if the name is invalid or taken, or the scope invalid
     */
    public CreatedKey create(String name, Role role, List<String> pools) {
        boolean all = pools.size() == 1 && pools.get(0).equals("*");
        Set<String> scope = all ? Set.of() : new LinkedHashSet<>(pools);
        ApiKey key = new ApiKey(name, role, all, scope, java.time.Instant.now());
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO " + table
                        + " (name, key_hash, role, all_pools, pools) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"
                        + " RETURNING created_at")) {
            s.setString(1, name);
            s.setBytes(2, hash(secret));
            s.setString(3, role.name());
            s.setBoolean(4, all);
            s.setArray(5, c.createArrayOf("text", key.pools().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("a key named '" + name + "' exists");
                }
                return new CreatedKey(
                        secret,
                        new ApiKey(
                                name, role, all, key.pools(), rs.getTimestamp(1).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store key '" + name + "': " + e.getSQLState(), e);
        }
    }

    /** The stored keys, by name, without secrets. */
    public List<ApiKey> list() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT name, role, all_pools, pools, created_at FROM " + table + " ORDER BY name");
                ResultSet rs = s.executeQuery()) {
            List<ApiKey> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(read(rs));
            }
            return List.copyOf(keys);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read keys: " + e.getSQLState(), e);
        }
    }

    /**
     * Deletes a key.
     *
     * @return whether a key of that name existed
     */
    public boolean revoke(String name) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE name = ?")) {
            s.setString(1, name);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke key '" + name + "': " + e.getSQLState(), e);
        }
    }

    /**
     * The key {@code secret} is, if it is a stored one.
     *
     * @throws IllegalStateException if the database cannot be read
     */
    public Optional<ApiKey> authenticate(String secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] presented = hash(secret);
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT name, role, all_pools, pools, created_at, key_hash FROM " + table
                                + " WHERE key_hash = ?")) {
            s.setBytes(1, presented);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && MessageDigest.isEqual(presented, rs.getBytes(6))) {
                    return Optional.of(read(rs));
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read keys: " + e.getSQLState(), e);
        }
    }

    private static ApiKey read(ResultSet rs) throws SQLException {
        String[] pools = (String[]) rs.getArray(4).getArray();
        return new ApiKey(
                rs.getString(1),
                Role.valueOf(rs.getString(2)),
                rs.getBoolean(3),
                new LinkedHashSet<>(Arrays.asList(pools)),
                rs.getTimestamp(5).toInstant());
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private void execute(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create " + table + ": " + e.getSQLState(), e);
        }
    }
}
