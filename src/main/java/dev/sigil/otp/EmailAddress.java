package dev.sigil.otp;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An email address as entered, and its identity key (lowercased: addresses are compared case-insensitively,
 * as every mail provider in practice treats them). Syntax: RFC 5321 limits (64-octet local part, 255 in all)
 * and a dot-atom local part at an ASCII domain of at least two labels; quoted local parts and address
 * literals are refused, as no sign-in provider accepts them either.
 */
public record EmailAddress(String value) {
    public static final int MAX_LENGTH = 255;
    public static final int MAX_LOCAL_PART = 64;
    private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    public static Optional<EmailAddress> parse(String text) {
        int at = text.lastIndexOf('@');
        if (text.length() > MAX_LENGTH || at < 1 || at > MAX_LOCAL_PART || at == text.length() - 1) {
            return Optional.empty();
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1);
        if (!LOCAL.matcher(local).matches() || !DOMAIN.matcher(domain).matches()) {
            return Optional.empty();
        }
        return Optional.of(new EmailAddress(text));
    }

    public String key() {
        return value.toLowerCase(Locale.ROOT);
    }
}
