-- Profile self-service (SQLite). Keep in step with db/migration/postgresql/V3__profile.sql.

-- Usernames are unique per environment, compared case-insensitively. The key is computed in Java
-- (Unicode NFKC, then lower case in the root locale) because SQLite's lower() folds ASCII only; this index is
-- what makes two users claiming one username at once end with one winner.
-- Emails need no such index: a profile email is only ever set from a verified email credential, whose
-- identity is already unique (verified_credentials_identity).
ALTER TABLE users ADD COLUMN username_key TEXT;
UPDATE users SET username_key = lower(username) WHERE username IS NOT NULL AND username <> '';
CREATE UNIQUE INDEX users_username ON users(environment_id, username_key);
