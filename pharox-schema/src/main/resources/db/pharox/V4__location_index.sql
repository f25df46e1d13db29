-- Pharox storage schema, version 4: an index on the location, so that a geo filter reads the
-- proxies inside its radii's bounding boxes instead of the whole pool. Without it, a geo filter
-- that matches nothing read every active proxy of the pool (0.6 s for one radius at a million
-- proxies). The claim bounds the latitude of each radius (and the longitude where the box does
-- not wrap), which is what this index serves.
CREATE INDEX proxy_location_idx ON proxy (pool_id, latitude, longitude) WHERE status = 'ACTIVE';
