package dev.sigil.ratelimit;

import java.time.Duration;

/**
 * Every rate limit Sigil enforces: what it counts, its key, its default and the name under which an environment
 * overrides it in {@code settings.sigil.rateLimits}. The defaults are far above what one person's browser does
 * and far below what a script hammering one key needs.
 */
public enum RateLimit {
    /** {@code GET /nonce}, {@code /nonces}: nonce rows are cheap but not free; a flood fills the table. */
    NONCES_PER_IP("nonce-ip", "noncesPerIpPerMinute", 60, Duration.ofMinutes(1)),
    /** Email and SMS {@code create}/{@code retry}: each can cost an SMS and spam someone's inbox. */
    VERIFICATIONS_PER_IP("verification-ip", "verificationsPerIpPerMinute", 20, Duration.ofMinutes(1)),
    /** The same, per email address or phone number, so rotating IPs cannot flood one person. */
    VERIFICATIONS_PER_IDENTIFIER("verification-id", "verificationsPerIdentifierPerHour", 10, Duration.ofHours(1)),
    /** Wallet, email, SMS and external-JWT sign-in: slows code guessing and signature spraying. */
    SIGN_INS_PER_IP("signin-ip", "signInsPerIpPerMinute", 30, Duration.ofMinutes(1)),
    /**
     * Wallet sign-ins per wallet, so a script rotating IPs cannot mint sessions from one wallet without end.
     * Counted once the signature checks out: only the wallet's owner can spend its budget.
     */
    SIGN_INS_PER_WALLET("signin-wallet", "signInsPerWalletPerHour", 60, Duration.ofHours(1)),
    /** {@code POST /refresh} per session: a stolen or looping client cannot mint tokens without end. */
    REFRESHES_PER_SESSION("refresh-session", "refreshesPerSessionPerMinute", 60, Duration.ofMinutes(1)),
    /**
     * {@code GET /users/check} per session: each answer says whether an email or username belongs to someone, so an
     * unbounded session could test a list of addresses for accounts (enumeration). A person picking a username checks
     * a handful.
     */
    USER_CHECKS_PER_SESSION("check-session", "userChecksPerSessionPerMinute", 20, Duration.ofMinutes(1)),
    /**
     * The same per checked value (email or username, normalised), whichever session asks: many throwaway sessions
     * cannot keep probing one person's address.
     */
    USER_CHECKS_PER_VALUE("check-value", "userChecksPerValuePerHour", 10, Duration.ofHours(1)),
    /** The admin API per token (operator token or API token id). */
    ADMIN_REQUESTS_PER_TOKEN("admin-token", "adminRequestsPerTokenPerMinute", 600, Duration.ofMinutes(1));

    /** Largest value a setting may take: higher is "no limit" in practice, and a typo should not be. */
    public static final int MAX_SETTING = 1_000_000;

    final String key;
    private final String setting;
    private final int defaultLimit;
    private final Duration period;

    RateLimit(String key, String setting, int defaultLimit, Duration period) {
        this.key = key;
        this.setting = setting;
        this.defaultLimit = defaultLimit;
        this.period = period;
    }

    /** The field in {@code settings.sigil.rateLimits}. */
    public String setting() {
        return setting;
    }

    public Rate defaultRate() {
        return new Rate(defaultLimit, period);
    }

    public Rate withLimit(int limit) {
        return new Rate(limit, period);
    }
}
