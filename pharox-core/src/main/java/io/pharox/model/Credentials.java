package io.pharox.model;

/**
 * Username and password for an authenticating proxy.
 *
 * <p>The password never appears in {@link #toString()}, so a {@code Credentials} (or a
 * {@link Proxy} holding one) is safe to log.
 *
 * @param username non-blank username
 * @param password password, possibly empty, never {@code null}
 */
public record Credentials(String username, String password) {

    /**
     * @throws NullPointerException if either argument is {@code null}
     * @throws IllegalArgumentException if the username is blank, or either is not {@link Storable#text storable}
     *         (the message never shows the password)
     */
    public Credentials {
        Storable.text("username", username);
        Storable.text("password", password);
        if (username.isBlank()) {
            throw new IllegalArgumentException("credentials username must not be blank, was '" + username + "'");
        }
    }

    /** Returns the username with the password masked. */
    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=****]";
    }
}
