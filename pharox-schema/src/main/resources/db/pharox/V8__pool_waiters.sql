-- Acquires waiting for a proxy, in every process sharing the store (docs/waiting.md).
-- A waiter inserts its ticket when it starts to wait and is deleted when a statement that
-- frees capacity in its pool wakes it (NOTIFY pharox_wake, '<pool id>:<ticket>,...'): the
-- oldest live tickets first, as many as slots were freed. A waiter that could not use its
-- wake-up, or whose row was deleted while it did not hear the notification, inserts its
-- ticket again, keeping its place. Rows of waiters that died lapse at expires_at.
CREATE SEQUENCE pool_waiter_ticket_seq;

CREATE TABLE pool_waiter (
    ticket     bigint      NOT NULL DEFAULT nextval('pool_waiter_ticket_seq'),
    pool_id    uuid        NOT NULL,
    expires_at timestamptz NOT NULL,
    CONSTRAINT pool_waiter_pkey PRIMARY KEY (ticket),
    CONSTRAINT pool_waiter_pool_fkey FOREIGN KEY (pool_id) REFERENCES pool (id) ON DELETE CASCADE
);

ALTER SEQUENCE pool_waiter_ticket_seq OWNED BY pool_waiter.ticket;

CREATE INDEX pool_waiter_pool_idx ON pool_waiter (pool_id, ticket);
