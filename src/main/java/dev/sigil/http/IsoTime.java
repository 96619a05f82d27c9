package dev.sigil.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** ISO-8601 timestamps as Dynamic writes them: UTC, always with milliseconds ({@code 2025-01-01T00:00:00.000Z}). */
public final class IsoTime {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IsoTime() {
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
