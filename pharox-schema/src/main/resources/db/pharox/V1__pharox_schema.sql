-- Pharox storage schema, version 1. Flyway runs it with the target schema first on the
-- search_path, so the names below are unqualified.

CREATE TABLE pool (
    id          uuid         NOT NULL,
    name        varchar(255) NOT NULL,
    description text         NOT NULL,
    created_at  timestamptz  NOT NULL,
    CONSTRAINT pool_pkey PRIMARY KEY (id),
    CONSTRAINT pool_name_key UNIQUE (name)
);

-- current_leases is updated by every acquire and release: fillfactor leaves room on each
-- page for HOT updates, so the hot counter does not bloat the indexes.
CREATE TABLE proxy (
    id                  uuid             NOT NULL,
    pool_id             uuid             NOT NULL,
    host                varchar(253)     NOT NULL,
    port                integer          NOT NULL,
    protocol            varchar(8)       NOT NULL,
    username            text,
    password            text,
    status              varchar(16)      NOT NULL,
    max_concurrency     integer          NOT NULL,
    current_leases      integer          NOT NULL DEFAULT 0,
    country             text,
    city                text,
    source              text,
    asn                 bigint,
    latitude            double precision,
    longitude           double precision,
    last_checked_at     timestamptz,
    last_latency_micros bigint,
    CONSTRAINT proxy_pkey PRIMARY KEY (id),
    CONSTRAINT proxy_pool_fkey FOREIGN KEY (pool_id) REFERENCES pool (id),
    CONSTRAINT proxy_port_check CHECK (port BETWEEN 1 AND 65535),
    CONSTRAINT proxy_max_concurrency_check CHECK (max_concurrency >= 1),
    CONSTRAINT proxy_current_leases_check CHECK (current_leases >= 0)
) WITH (fillfactor = 70);

CREATE UNIQUE INDEX proxy_address_key ON proxy (pool_id, lower(host), port);
-- the acquire query: a pool's active proxies in id order (FIRST_AVAILABLE, ROUND_ROBIN)
CREATE INDEX proxy_active_idx ON proxy (pool_id, id) WHERE status = 'ACTIVE';

CREATE TABLE consumer (
    id         uuid         NOT NULL,
    name       varchar(255) NOT NULL,
    created_at timestamptz  NOT NULL,
    CONSTRAINT consumer_pkey PRIMARY KEY (id),
    CONSTRAINT consumer_name_key UNIQUE (name)
);

-- proxy_id has no foreign key: the leases of a removed proxy stay readable as RELEASED.
CREATE TABLE lease (
    id          uuid        NOT NULL,
    pool_id     uuid        NOT NULL,
    proxy_id    uuid        NOT NULL,
    consumer_id uuid        NOT NULL,
    status      varchar(8)  NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    released_at timestamptz,
    CONSTRAINT lease_pkey PRIMARY KEY (id),
    CONSTRAINT lease_pool_fkey FOREIGN KEY (pool_id) REFERENCES pool (id),
    CONSTRAINT lease_consumer_fkey FOREIGN KEY (consumer_id) REFERENCES consumer (id)
);

CREATE INDEX lease_active_proxy_idx ON lease (proxy_id) WHERE status = 'ACTIVE';
CREATE INDEX lease_active_expiry_idx ON lease (expires_at) WHERE status = 'ACTIVE';
CREATE INDEX lease_active_pool_idx ON lease (pool_id) WHERE status = 'ACTIVE';

-- ROUND_ROBIN's cursor, shared by every process leasing from the pool
CREATE TABLE pool_selector_state (
    pool_id         uuid        NOT NULL,
    strategy        varchar(16) NOT NULL,
    cursor_proxy_id uuid,
    CONSTRAINT pool_selector_state_pkey PRIMARY KEY (pool_id, strategy),
    CONSTRAINT pool_selector_state_pool_fkey FOREIGN KEY (pool_id) REFERENCES pool (id)
);
