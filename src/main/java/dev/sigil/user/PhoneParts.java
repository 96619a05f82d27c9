package dev.sigil.user;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.LinkedHashMap;
import java.util.Map;

/** A phoneNumber credential's wire fields, from its stored E.164 number. */
final class PhoneParts {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneParts() {
    }

    /** {@code phoneNumber} (national), {@code phoneCountryCode} ("1"), {@code isoCountryCode} ("US"). */
    static Map<String, Object> of(String e164) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Phonenumber.PhoneNumber number = UTIL.parse(e164, null);
            out.put("phoneNumber", UTIL.getNationalSignificantNumber(number));
            out.put("phoneCountryCode", Integer.toString(number.getCountryCode()));
            out.put("isoCountryCode", UTIL.getRegionCodeForNumber(number));
        } catch (NumberParseException e) {
            out.put("phoneNumber", e164);
        }
        return out;
    }
}
