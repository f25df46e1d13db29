-- Pharox storage schema, version 6: per-proxy pacing. See docs/pacing.md.

-- min_grant_interval_ms: the proxy's own minimum interval between two grants, in milliseconds;
--        null for none (the pool's default then applies).
-- last_granted_at: the time of the proxy's latest grant (the grant's clock_timestamp(), read
--        under the row lock), set by every claim that grants, paced or not; releases and
--        renewals leave it. A claim skips a proxy while
--        last_granted_at + interval > now(), on the row's latest version after the lock.
ALTER TABLE proxy ADD COLUMN min_grant_interval_ms bigint;
ALTER TABLE proxy ADD COLUMN last_granted_at timestamptz;
ALTER TABLE proxy ADD CONSTRAINT proxy_min_grant_interval_check
    CHECK (min_grant_interval_ms BETWEEN 1 AND 86400000);

-- the pool's default interval for its proxies without one of their own; null for none
ALTER TABLE pool ADD COLUMN min_grant_interval_ms bigint;
ALTER TABLE pool ADD CONSTRAINT pool_min_grant_interval_check
    CHECK (min_grant_interval_ms BETWEEN 1 AND 86400000);
