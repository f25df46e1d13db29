-- Pharox storage schema, version 2: an index for every selector strategy, so that each
-- claim reads its candidates in the strategy's order from an index instead of sorting the
-- pool (V1's proxy_active_idx already serves FIRST_AVAILABLE and ROUND_ROBIN).

-- RANDOM: each proxy carries a random key; the claim starts at a random point of the keys
-- and takes the first leasable proxy after it, wrapping to the lowest key. A proxy that a
-- RANDOM claim grants draws a new key, so that no proxy keeps a narrow gap for long.
ALTER TABLE proxy ADD COLUMN random_key double precision NOT NULL DEFAULT random();
CREATE INDEX proxy_random_idx ON proxy (pool_id, random_key, id) WHERE status = 'ACTIVE';

-- LEAST_USED: a pool's active proxies by lease count, then id. The counter is in this index,
-- so an update of current_leases is no longer a heap-only (HOT) update.
CREATE INDEX proxy_least_used_idx ON proxy (pool_id, current_leases, id) WHERE status = 'ACTIVE';
