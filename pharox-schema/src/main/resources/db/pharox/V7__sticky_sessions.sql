-- Pharox storage schema, version 7: sticky sessions. See docs/sessions.md.

-- A session of one pool: session_key names it, proxy_id is the proxy it is bound to, uses counts
-- the grants through it, idle_until is when it lapses (a lapsed row is ignored, and deleted by
-- cleanup). proxy_id has no foreign key on purpose: removing a proxy must not touch (and wait
-- for) session rows, which acquires hold while they wait for proxies; an acquire treats a
-- missing proxy as removed and rebinds the session.
CREATE TABLE proxy_session (
    pool_id     uuid         NOT NULL,
    session_key varchar(255) NOT NULL,
    proxy_id    uuid,
    uses        integer      NOT NULL DEFAULT 0,
    idle_until  timestamptz  NOT NULL,
    created_at  timestamptz  NOT NULL,
    CONSTRAINT proxy_session_pkey PRIMARY KEY (pool_id, session_key),
    CONSTRAINT proxy_session_pool_fkey FOREIGN KEY (pool_id) REFERENCES pool (id) ON DELETE CASCADE
);
CREATE INDEX proxy_session_idle_idx ON proxy_session (idle_until);
