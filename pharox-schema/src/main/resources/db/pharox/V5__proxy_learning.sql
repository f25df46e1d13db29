-- Pharox storage schema, version 5: what proxies learn from outcome reports and health
-- checks, and fencing tokens. See docs/outcomes.md for the state machine these columns hold.

-- fence: the fencing token of the latest grant on the proxy, incremented under the row lock
--        of each claim, so tokens of one proxy strictly increase across every process.
-- failures, openings, open_until: the circuit breaker. Closed while open_until is null, open
--        while now < open_until, half-open after it.
-- probe_lease_id, probe_until: the half-open circuit's probe lease and its expiry; a half-open
--        proxy is leased only while no probe is in force (probe_until null or past).
-- success_rate, latency_micros: exponentially weighted scores (LOWEST_LATENCY, HEALTHIEST).
ALTER TABLE proxy ADD COLUMN fence bigint NOT NULL DEFAULT 0;
ALTER TABLE proxy ADD COLUMN failures integer NOT NULL DEFAULT 0;
ALTER TABLE proxy ADD COLUMN openings integer NOT NULL DEFAULT 0;
ALTER TABLE proxy ADD COLUMN open_until timestamptz;
ALTER TABLE proxy ADD COLUMN probe_lease_id uuid;
ALTER TABLE proxy ADD COLUMN probe_until timestamptz;
ALTER TABLE proxy ADD COLUMN success_rate double precision NOT NULL DEFAULT 1;
ALTER TABLE proxy ADD COLUMN latency_micros double precision;

ALTER TABLE lease ADD COLUMN fence bigint NOT NULL DEFAULT 0;

-- a proxy banned for one target host until banned_until
CREATE TABLE proxy_ban (
    proxy_id     uuid         NOT NULL,
    target       varchar(253) NOT NULL,
    banned_until timestamptz  NOT NULL,
    CONSTRAINT proxy_ban_pkey PRIMARY KEY (proxy_id, target),
    CONSTRAINT proxy_ban_proxy_fkey FOREIGN KEY (proxy_id) REFERENCES proxy (id) ON DELETE CASCADE
);
CREATE INDEX proxy_ban_until_idx ON proxy_ban (banned_until);

-- LOWEST_LATENCY: a pool's active proxies by latency (none last), then id
CREATE INDEX proxy_latency_idx ON proxy (pool_id, latency_micros, id) WHERE status = 'ACTIVE';
-- HEALTHIEST: by success rate (highest first), then latency (none last), then id
CREATE INDEX proxy_healthiest_idx ON proxy (pool_id, success_rate DESC, latency_micros, id) WHERE status = 'ACTIVE';
