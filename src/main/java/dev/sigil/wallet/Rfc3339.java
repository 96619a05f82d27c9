package dev.sigil.wallet;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** RFC 3339 {@code date-time}, the format EIP-4361 prescribes for Issued At, Expiration Time and Not Before. */
final class Rfc3339 {

    // RFC 3339 §5.6. The pattern comes first because ISO_OFFSET_DATE_TIME alone also takes times without seconds and
    // offsets with seconds, which RFC 3339 does not. Fractions stop at nanoseconds, the finest an Instant holds.
    private static final Pattern DATE_TIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    private Rfc3339() {
    }

    /** The instant {@code s} denotes, or empty when it is not an RFC 3339 date-time or names no real time. */
    static Optional<Instant> parse(String s) {
        if (!DATE_TIME.matcher(s).matches()) {
            return Optional.empty();
        }
        try {
            // RFC 3339 §5.6 allows lower-case "t" and "z"; the ISO formatter resolves strictly, so 02-30 fails.
            String upper = s.toUpperCase(Locale.ROOT);
            return Optional.of(OffsetDateTime.parse(upper, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
