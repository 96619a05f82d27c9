package dev.sigil.store;

import java.util.regex.Pattern;

/**
 * Sigil's ids (environments, users, credentials, sessions, keys, deliveries): random UUIDs written in lowercase, as
 * Dynamic's are. Input that names one is checked against this shape before it goes near a query.
 */
public final class Ids {
    /** The shape as a regular expression, for patterns that embed an id ({@code admin.Cursor}). */
    public static final String REGEX = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    /** The whole text is one id. */
    public static final Pattern ID = Pattern.compile(REGEX);

    private Ids() {
    }

    public static boolean isId(String text) {
        return ID.matcher(text).matches();
    }
}
