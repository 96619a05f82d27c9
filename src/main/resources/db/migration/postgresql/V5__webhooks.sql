-- Webhooks (PostgreSQL): endpoints, the events outbox, deliveries and their attempts.
-- Keep in step with db/migration/sqlite/V5__webhooks.sql.

-- An admin-registered receiver. The signing secret is AES-GCM encrypted with the master key (the row id as
-- associated data): Sigil needs the secret itself to sign, so it cannot be hashed.
CREATE TABLE webhooks (
    id               TEXT PRIMARY KEY,
    environment_id   TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    url              TEXT NOT NULL,
    events           TEXT NOT NULL,            -- JSON array of event type names
    secret_enc       TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX webhooks_environment ON webhooks(environment_id, created_at, id);

-- Written in the transaction of the change it reports; fanned out to deliveries by the worker.
-- seq orders a user's events; payload is the exact body every delivery of the event sends.
CREATE TABLE webhook_events (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    environment_id   TEXT NOT NULL,
    type             TEXT NOT NULL,
    user_id          TEXT,
    payload          TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    fanned_out_at    BIGINT                   -- set once deliveries exist for every subscribed endpoint
);
CREATE INDEX webhook_events_pending ON webhook_events(fanned_out_at, seq);

-- One event to one endpoint. A delivery is not attempted while an earlier (lower event_seq) delivery of the
-- same user to the same endpoint is still pending.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    webhook_id       TEXT NOT NULL,
    environment_id   TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    event_seq        BIGINT NOT NULL,
    event_type       TEXT NOT NULL,
    user_id          TEXT,
    status           TEXT NOT NULL,            -- pending | delivered | failed
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    claimed_until    BIGINT,                  -- a node is sending it until then (multi-node claiming)
    give_up_at       BIGINT NOT NULL,         -- 24 h after the event (or after a redeliver)
    created_at       BIGINT NOT NULL,
    UNIQUE (event_id, webhook_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries(webhook_id, user_id, status, event_seq);
CREATE INDEX webhook_deliveries_list ON webhook_deliveries(webhook_id, created_at, id);

-- Every attempt: when, how long, and the status code or the error class. Response bodies are not stored.
CREATE TABLE webhook_attempts (
    id               TEXT PRIMARY KEY,
    delivery_id      TEXT NOT NULL,
    attempted_at     BIGINT NOT NULL,
    status_code      INTEGER,
    error            TEXT,
    duration_ms      BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, attempted_at);
