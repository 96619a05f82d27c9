-- The admin API (PostgreSQL): blocked users, scoped API tokens, the audit log.
-- Keep in step with db/migration/sqlite/V4__admin.sql. V3 belongs to the profile branch.

ALTER TABLE users ADD COLUMN blocked_at BIGINT;   -- set while an admin has blocked the user
CREATE INDEX users_environment_created ON users(environment_id, created_at, id);

CREATE TABLE api_tokens (
    id               TEXT PRIMARY KEY,
    environment_id   TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,     -- hex SHA-256 of the token; the token itself is never stored
    scopes           TEXT NOT NULL,            -- JSON array of scope names
    created_at       BIGINT NOT NULL,
    revoked_at       BIGINT
);
CREATE INDEX api_tokens_environment ON api_tokens(environment_id);

CREATE TABLE audit_log (
    id               TEXT PRIMARY KEY,
    environment_id   TEXT NOT NULL,
    actor            TEXT NOT NULL,            -- "admin" or "token:<id>"
    action           TEXT NOT NULL,            -- e.g. user.block, session.revoke, key.rotate
    target_type      TEXT NOT NULL,
    target_id        TEXT NOT NULL,
    detail           TEXT NOT NULL,            -- small JSON object, never secrets
    created_at       BIGINT NOT NULL
);
CREATE INDEX audit_log_environment ON audit_log(environment_id, created_at, id);
