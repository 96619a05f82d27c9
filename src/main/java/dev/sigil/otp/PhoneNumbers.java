package dev.sigil.otp;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.sigil.http.ApiException;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Phone numbers as Dynamic's client sends them ({@code phoneCountryCode} "1", {@code phoneNumber} national,
 * {@code isoCountryCode} "US"), validated with libphonenumber and identified by their E.164 form, so
 * "(415) 555-2671" and "4155552671" are the same person.
 */
public final class PhoneNumbers {
    /** Dynamic's NonEmptyIsoCountryCode. */
    private static final Pattern ISO_COUNTRY = Pattern.compile("^[a-zA-Z]{2,4}\\d?$");
    private static final Pattern COUNTRY_CODE = Pattern.compile("^\\+?[0-9]{1,4}$");
    private static final Pattern NATIONAL = Pattern.compile("^[0-9 ()+.\\-]{1,40}$");
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /**
     * A phone number in international form ({@code +14155552671}, spaces and dashes allowed), as UserFields'
     * single {@code phoneNumber} carries it: without a country it could not be told apart.
     */
    public static Destination parseInternational(String text) {
        if (!text.startsWith("+") || !NATIONAL.matcher(text).matches()) {
            throw ApiException.unprocessable("invalid_phone", "phoneNumber must be in international form, e.g. +14155552671");
        }
        Phonenumber.PhoneNumber number;
        try {
            number = UTIL.parse(text, null);
        } catch (NumberParseException e) {
            throw ApiException.unprocessable("invalid_phone", "phoneNumber is not a valid phone number");
        }
        String region = UTIL.getRegionCodeForNumber(number);
        if (region == null || !UTIL.isValidNumber(number)) {
            throw ApiException.unprocessable("invalid_phone", "phoneNumber is not a valid phone number");
        }
        // Non-geographic numbers (+800 freephone, +882 networks, ...) have no country, which the SMS fields need; without
        // this check they failed as a malformed isoCountryCode the client never sent (found by the fuzz test).
        if (region.equals(PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY)) {
            throw ApiException.unprocessable("invalid_phone", "phoneNumber must be the number of a country");
        }
        return parse(Integer.toString(number.getCountryCode()), UTIL.getNationalSignificantNumber(number), region);
    }

    /** Whether {@code isoCountryCode} (upper case) is a country libphonenumber has a numbering plan for. */
    static boolean isCountry(String isoCountryCode) {
        return UTIL.getSupportedRegions().contains(isoCountryCode);
    }

    /** The calling code of a country {@link #isCountry} accepts: 44 for GB. */
    public static int callingCode(String isoCountryCode) {
        return UTIL.getCountryCodeForRegion(isoCountryCode);
    }

    /** What kind of line an E.164 number of {@link #parse} is, from libphonenumber's metadata. */
    static PhoneNumberUtil.PhoneNumberType typeOf(String e164) {
        try {
            return UTIL.getNumberType(UTIL.parse(e164, null));
        } catch (NumberParseException e) {
            throw new IllegalStateException("not an E.164 number of PhoneNumbers.parse", e);
        }
    }

    static Destination parse(String phoneCountryCode, String phoneNumber, String isoCountryCode) {
        if (!ISO_COUNTRY.matcher(isoCountryCode).matches()) {
            throw ApiException.badRequest("isoCountryCode must be a country code like US");
        }
        if (!COUNTRY_CODE.matcher(phoneCountryCode).matches()) {
            throw ApiException.badRequest("phoneCountryCode must be a calling code like 1 or +44");
        }
        if (!NATIONAL.matcher(phoneNumber).matches()) {
            throw ApiException.unprocessable("invalid_phone", "phoneNumber is not a valid phone number");
        }
        String region = isoCountryCode.toUpperCase(Locale.ROOT);
        int callingCode = Integer.parseInt(phoneCountryCode.replace("+", ""));
        Phonenumber.PhoneNumber number;
        try {
            number = UTIL.parse(phoneNumber, region);
        } catch (NumberParseException e) {
            throw ApiException.unprocessable("invalid_phone", "phoneNumber is not a valid phone number");
        }
        if (number.getCountryCode() != callingCode || !UTIL.isValidNumberForRegion(number, region)) {
            throw ApiException.unprocessable("invalid_phone", "phoneNumber is not a valid number for " + region);
        }
        String e164 = UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        return new Destination(OtpChannel.SMS, e164, e164, Map.of(
                "phoneNumber", UTIL.getNationalSignificantNumber(number),
                "phoneCountryCode", Integer.toString(callingCode),
                "isoCountryCode", region));
    }
}
