package dev.sigil.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The SMTP server email one-time codes are sent through ({@code SIGIL_SMTP_*}). Present only when
 * {@code SIGIL_SMTP_HOST} is set; {@link #toString()} never shows the password.
 *
 * @param security {@code none} (plain, for a local relay), {@code starttls} (upgrade, default port 587) or
 *                 {@code tls} (implicit TLS, default port 465)
 */
public record SmtpConfig(String host, int port, Optional<String> username, Optional<String> password, String from,
                         Security security) {

    public enum Security { NONE, STARTTLS, TLS }

    public SmtpConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SIGIL_SMTP_PORT must be between 1 and 65535, got " + port);
        }
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("SIGIL_SMTP_USERNAME and SIGIL_SMTP_PASSWORD must be set together");
        }
        if (!from.matches("[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+") || from.length() > 255) {
            throw new IllegalArgumentException("SIGIL_SMTP_FROM must be an email address like codes@example.com");
        }
    }

    /** Reads {@code SIGIL_SMTP_*}; empty when no host is configured (and then no other SMTP variable may be). */
    static Optional<SmtpConfig> fromEnvironment(Map<String, String> env) {
        Optional<String> host = nonBlank(env.get("SIGIL_SMTP_HOST"));
        if (host.isEmpty()) {
            for (String name : new String[]{"SIGIL_SMTP_PORT", "SIGIL_SMTP_USERNAME", "SIGIL_SMTP_PASSWORD", "SIGIL_SMTP_FROM", "SIGIL_SMTP_SECURITY"}) {
                if (nonBlank(env.get(name)).isPresent()) {
                    throw new IllegalArgumentException(name + " is set but SIGIL_SMTP_HOST is not");
                }
            }
            return Optional.empty();
        }
        Security security = nonBlank(env.get("SIGIL_SMTP_SECURITY")).map(SmtpConfig::parseSecurity).orElse(Security.STARTTLS);
        int port = nonBlank(env.get("SIGIL_SMTP_PORT")).map(SmtpConfig::parsePort).orElse(switch (security) {
            case NONE -> 25;
            case STARTTLS -> 587;
            case TLS -> 465;
        });
        String from = nonBlank(env.get("SIGIL_SMTP_FROM"))
                .orElseThrow(() -> new IllegalArgumentException("SIGIL_SMTP_FROM is required when SIGIL_SMTP_HOST is set"));
        return Optional.of(new SmtpConfig(host.get(), port, nonBlank(env.get("SIGIL_SMTP_USERNAME")),
                Optional.ofNullable(env.get("SIGIL_SMTP_PASSWORD")).filter(p -> !p.isEmpty()), from, security));
    }

    private static Security parseSecurity(String value) {
        try {
            return Security.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SIGIL_SMTP_SECURITY must be none, starttls or tls, got '" + value + "'");
        }
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SIGIL_SMTP_PORT must be a number, got '" + value + "'");
        }
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() {
        return "SmtpConfig[host=" + host + ", port=" + port + ", username=" + username.orElse("-")
                + ", password=" + (password.isPresent() ? "***" : "-") + ", from=" + from + ", security=" + security + "]";
    }
}
