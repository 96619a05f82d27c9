package dev.sigil.otp;

import dev.sigil.environment.Environment;
import dev.sigil.http.ApiException;
import io.micrometer.core.instrument.Counter;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The daily SMS budget of an environment ({@code settings.sigil.otp.smsPerDay}): SMS codes sent per UTC day,
 * counted in the database so that it holds across every node on it, whatever the rate limiter's store. It caps
 * what toll fraud that gets past {@link SmsRules} and the rate limits can cost in a day.
 */
public final class SmsBudget {
    private final Jdbi jdbi;
    private final Clock clock;
    private final Counter spent;
    private final Counter disabled;

    SmsBudget(Jdbi jdbi, Clock clock, Counter spent, Counter disabled) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.spent = spent;
        this.disabled = disabled;
    }

    /**
     * Counts one SMS in the caller's transaction, or refuses it: 429 with {@code Retry-After} until 00:00 UTC once the
     * day's budget is spent. A single conditional UPDATE, so concurrent sends on several nodes cannot overspend it
     * (PostgreSQL re-checks {@code sent < :budget} on the locked row; SQLite has one writer). Refusing rolls the
     * caller's transaction back: no verification row, nothing queued.
     */
    void spend(Handle h, Environment env, OtpSettings settings) {
        if (settings.smsPerDay() == 0) {
            disabled.increment();
            throw ApiException.unprocessable(OtpChannel.SMS.noProvider,
                    "SMS codes are turned off for this environment (settings.sigil.otp.smsPerDay is 0)");
        }
        long day = today();
        h.createUpdate("""
                        INSERT INTO sms_daily_counts (environment_id, day, sent) VALUES (:env, :day, 0)
                        ON CONFLICT (environment_id, day) DO NOTHING""")
                .bind("env", env.id()).bind("day", day).execute();
        int counted = h.createUpdate("""
                        UPDATE sms_daily_counts SET sent = sent + 1
                        WHERE environment_id = :env AND day = :day AND sent < :budget""")
                .bind("env", env.id()).bind("day", day).bind("budget", settings.smsPerDay()).execute();
        if (counted == 0) {
            spent.increment();
            throw ApiException.tooManyRequests(
                    "This environment's daily SMS budget is spent. SMS codes resume at 00:00 UTC.",
                    secondsUntilTomorrow());
        }
    }

    /** SMS sent today (UTC) by all environments: the {@code sigil_sms_sent_today} gauge. */
    public int sentTodayAll() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COALESCE(SUM(sent), 0) FROM sms_daily_counts WHERE day = :day")
                .bind("day", today()).mapTo(Integer.class).one());
    }

    private long today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toEpochDay();
    }

    private long secondsUntilTomorrow() {
        Instant midnight = LocalDate.ofEpochDay(today() + 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return Math.max(1, Duration.between(clock.instant(), midnight).toSeconds() + 1);
    }
}
