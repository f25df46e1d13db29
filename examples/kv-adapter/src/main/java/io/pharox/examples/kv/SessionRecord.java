package io.pharox.examples.kv;

import java.time.Instant;
import java.util.UUID;

/**
 * A sticky session as stored under {@link Keys#session}: its proxy, the grants through it and
 * its idle deadline. A record past its deadline is no session; cleanup removes it.
 *
 * @param proxyId   the proxy the session is bound to
 * @param uses      the grants through the session
 * @param idleUntil when the session lapses
 */
record SessionRecord(UUID proxyId, int uses, Instant idleUntil) {

    boolean liveAt(Instant now) {
        return idleUntil.isAfter(now);
    }

    String encode() {
        return new Fields.Writer()
                .field("session")
                .field(proxyId)
                .field(uses)
                .field(idleUntil)
                .toString();
    }

    static SessionRecord decode(String text) {
        Fields.Reader r = new Fields.Reader(text);
        if (!r.text().equals("session")) {
            throw new IllegalStateException("the value is not a session record");
        }
        SessionRecord session = new SessionRecord(
                r.field("an id", UUID::fromString),
                r.field("a count", Integer::parseInt),
                r.field("an instant", Instant::parse));
        r.end();
        return session;
    }
}
