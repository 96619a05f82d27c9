package dev.sigil.otp;

import java.util.Map;

/**
 * Where a code is sent and whose identity it proves.
 *
 * @param value   as shown and stored: the email as entered, the phone number in E.164
 * @param key     the identity: lowercased email, E.164
 * @param details what else the client sent and expects back (for phones: phoneNumber, phoneCountryCode,
 *                isoCountryCode)
 */
public record Destination(OtpChannel channel, String value, String key, Map<String, String> details) {
    public Destination {
        details = Map.copyOf(details);
    }
}
