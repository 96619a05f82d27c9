-- The master key this database belongs to (PostgreSQL). Keep in step with db/migration/sqlite/V7__master_key_check.sql.
-- Every sealed value (signing keys, webhook secrets, queued one-time-code messages) needs the master key that
-- sealed it. A process that started with another key used to serve /readyz 200 and answer 500 to every sign-in;
-- with this row it refuses to start instead (keys/MasterKeyCheck). The row holds a check value derived from the
-- key by HMAC-SHA256 (MasterKey.derive), never the key: it tells whether a key is the right one and nothing more.
CREATE TABLE master_key_check (
    id               INTEGER PRIMARY KEY CHECK (id = 1),   -- one row per database
    check_value      TEXT NOT NULL,                          -- base64url HMAC-SHA256(master key, purpose)
    created_at       BIGINT NOT NULL
);
