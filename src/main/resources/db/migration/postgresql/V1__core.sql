-- Sigil core schema (PostgreSQL). Times are unix epoch milliseconds (BIGINT) so both vendors share one mapping.
-- Keep in step with db/migration/sqlite/V1__core.sql.

CREATE TABLE environments (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    allowed_origins  TEXT NOT NULL,           -- JSON array of origins
    settings         TEXT NOT NULL,           -- JSON object, Dynamic's project-settings shape
    longest_jwt_seconds BIGINT NOT NULL,     -- the longest jwtDuration ever configured: bounds key retirement
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE signing_keys (
    kid              TEXT PRIMARY KEY,
    environment_id   TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    public_n         TEXT NOT NULL,           -- base64url modulus
    public_e         TEXT NOT NULL,           -- base64url exponent
    private_key_enc  TEXT NOT NULL,           -- AES-256-GCM(master key, PKCS#8), base64
    created_at       BIGINT NOT NULL,
    retired_at       BIGINT,                 -- null while current
    verify_until     BIGINT                   -- after this no token it signed can be alive
);
CREATE INDEX signing_keys_environment ON signing_keys(environment_id);

CREATE TABLE nonces (
    nonce            TEXT PRIMARY KEY,
    environment_id   TEXT NOT NULL,
    expires_at       BIGINT NOT NULL
);
CREATE INDEX nonces_expiry ON nonces(expires_at);

CREATE TABLE users (
    id                      TEXT PRIMARY KEY,
    environment_id          TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    last_verified_credential_id TEXT,
    alias                   TEXT,
    country                 TEXT,
    email                   TEXT,
    first_name              TEXT,
    last_name               TEXT,
    job_title               TEXT,
    phone_number            TEXT,
    policies_consent        BOOLEAN,
    t_shirt_size            TEXT,
    team                    TEXT,
    username                TEXT,
    metadata                TEXT NOT NULL DEFAULT '{}',
    btc_wallet              TEXT,
    kda_wallet              TEXT,
    ltc_wallet              TEXT,
    ckb_wallet              TEXT,
    kas_wallet              TEXT,
    doge_wallet             TEXT,
    email_notification      BOOLEAN,
    discord_notification    BOOLEAN,
    newsletter_notification BOOLEAN,
    lists                   TEXT NOT NULL DEFAULT '[]',
    first_visit             BIGINT NOT NULL,
    last_visit              BIGINT NOT NULL,
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL
);
CREATE INDEX users_environment ON users(environment_id);

CREATE TABLE verified_credentials (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    environment_id   TEXT NOT NULL,
    format           TEXT NOT NULL,           -- blockchain | email | phoneNumber | externalUser | oauth ...
    chain            TEXT,                    -- VC chain name (eip155, solana) for blockchain credentials
    identifier       TEXT NOT NULL,           -- as the user gave it (EIP-55 address, email as entered)
    identifier_key   TEXT NOT NULL,           -- canonical form that makes it unique, e.g. "eip155:0x<lowercase>"
    wallet_name      TEXT,
    wallet_provider  TEXT,
    sign_in_enabled  BOOLEAN NOT NULL,
    verified_at      BIGINT NOT NULL,
    last_selected_at BIGINT NOT NULL
);
-- One credential belongs to one user per environment: this index is what makes parallel first sign-ins of
-- the same wallet create one user.
CREATE UNIQUE INDEX verified_credentials_identity
    ON verified_credentials(environment_id, format, identifier_key);
CREATE INDEX verified_credentials_user ON verified_credentials(user_id);

CREATE TABLE sessions (
    id                   TEXT PRIMARY KEY,
    environment_id       TEXT NOT NULL,
    user_id              TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    signin_credential_id TEXT NOT NULL,
    session_public_key   TEXT,
    created_at           BIGINT NOT NULL,
    expires_at           BIGINT NOT NULL,    -- refreshExp: absolute end of the session
    revoked_at           BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);
