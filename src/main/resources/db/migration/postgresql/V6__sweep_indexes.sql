-- The sweeper (store/Sweeper) deletes old rows every minute in batches. Each rule's condition must be answered
-- from an index, or every sweep reads the whole table: with 1,000,000 sessions, the sessions rule alone scanned
-- all of them once a minute (about 60 ms of the server's one core on SQLite, a latency spike for every request
-- in flight). SweeperTest asserts that no rule's batch query scans its table.

-- Revoked sessions are few: a partial index keeps it small. Both databases use it for `revoked_at <= ?`,
-- which implies NOT NULL, and combine it with sessions_expiry for the rule's OR.
CREATE INDEX sessions_revoked ON sessions(revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX otp_outbox_expiry ON otp_outbox(expires_at);
CREATE INDEX otp_sends_sent ON otp_sends(sent_at);
CREATE INDEX webhook_attempts_attempted ON webhook_attempts(attempted_at);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries(created_at);
CREATE INDEX webhook_events_created ON webhook_events(created_at);
