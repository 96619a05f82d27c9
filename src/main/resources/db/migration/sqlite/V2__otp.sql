-- One-time codes by email and SMS (SQLite). Keep in step with db/migration/postgresql/V2__otp.sql.

-- A code sent to an address. Only an HMAC of the code is kept (key derived from the master key), so a copy
-- of the database does not let anyone try the 10^6 possible codes offline.
CREATE TABLE otp_verifications (
    id               TEXT PRIMARY KEY,
    environment_id   TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,           -- email | sms
    destination      TEXT NOT NULL,           -- as entered (email) or E.164 (phone)
    destination_key  TEXT NOT NULL,           -- identity: lowercased email, E.164
    details          TEXT NOT NULL,           -- JSON: what the client sent besides (phone country codes)
    code_hash        TEXT NOT NULL,           -- hex HMAC-SHA256(otp key, id || code)
    attempts         INTEGER NOT NULL,        -- wrong codes so far
    retries          INTEGER NOT NULL,        -- codes re-sent for this verification
    expires_at       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX otp_verifications_destination ON otp_verifications(environment_id, channel, destination_key);
CREATE INDEX otp_verifications_expiry ON otp_verifications(expires_at);

-- One row per code sent, for the per-address hourly limit.
CREATE TABLE otp_sends (
    environment_id   TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,
    destination_key  TEXT NOT NULL,
    sent_at          INTEGER NOT NULL
);
CREATE INDEX otp_sends_destination ON otp_sends(environment_id, channel, destination_key, sent_at);

-- Messages waiting for delivery. The message (it holds the code) is AES-GCM encrypted with the master key,
-- bound to the row id, and the row is deleted once sent or once the code has expired.
CREATE TABLE otp_outbox (
    id               TEXT PRIMARY KEY,
    environment_id   TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,
    payload_enc      TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    claimed_until    INTEGER,                 -- a node is sending it until then (multi-node claiming)
    expires_at       INTEGER NOT NULL,        -- the code's expiry: no point sending after it
    created_at       INTEGER NOT NULL
);
CREATE INDEX otp_outbox_due ON otp_outbox(next_attempt_at);
