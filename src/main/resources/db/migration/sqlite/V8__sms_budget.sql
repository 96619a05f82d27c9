-- The daily SMS budget (SQLite). Keep in step with db/migration/postgresql/V8__sms_budget.sql.

-- SMS codes sent per environment per UTC day, for settings.sigil.otp.smsPerDay: counted here, not in memory, so the
-- budget holds across every node on this database. One small row per environment per day.
CREATE TABLE sms_daily_counts (
    environment_id   TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    day              INTEGER NOT NULL,            -- days since 1970-01-01, UTC
    sent             INTEGER NOT NULL,
    PRIMARY KEY (environment_id, day)
);
