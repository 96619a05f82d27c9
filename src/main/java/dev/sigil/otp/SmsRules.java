package dev.sigil.otp;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import dev.sigil.http.ApiException;

import java.util.Map;

/**
 * Which numbers may be sent an SMS code, before anything is sent or stored. SMS toll fraud (SMS pumping,
 * International Revenue Share Fraud) has a script request codes to numbers whose operator pays the attacker a share
 * of each message: premium-rate, shared-cost and universal access numbers are that business model, so they are
 * always refused; nobody signs in from one. The line type comes from libphonenumber's metadata, not from a prefix
 * list of our own that would go stale.
 *
 * <p>VoIP numbers are allowed unless {@code settings.sigil.otp.smsAllowVoip} is false: they are real people's
 * numbers (Google Voice, business lines) and cost no more than a mobile, so refusing them stops throwaway accounts,
 * not toll fraud; Dynamic and Twilio Verify's fraud guard leave it to the project too.
 */
final class SmsRules {
    /** The types refused, with how the error names them. */
    private static final Map<PhoneNumberType, String> ALWAYS_REFUSED = Map.of(
            PhoneNumberType.PREMIUM_RATE, "a premium-rate number",
            PhoneNumberType.SHARED_COST, "a shared-cost number",
            PhoneNumberType.UAN, "a universal access number (UAN)");

    private SmsRules() {
    }

    /** 422 {@code invalid_phone} saying why when {@code phone} may not be sent a code under {@code settings}. */
    static void check(OtpSettings settings, Destination phone) {
        PhoneNumberType type = PhoneNumbers.typeOf(phone.key());
        String refused = ALWAYS_REFUSED.get(type);
        if (refused == null && type == PhoneNumberType.VOIP && !settings.smsAllowVoip()) {
            refused = "a VoIP number";
        }
        if (refused != null) {
            throw ApiException.unprocessable("invalid_phone",
                    "phoneNumber is " + refused + ", which cannot be sent codes");
        }
        String country = phone.details().get("isoCountryCode");
        if (!settings.smsCountryEnabled(country)) {
            throw ApiException.unprocessable("invalid_phone", "SMS codes to numbers of " + country
                    + " are not enabled for this environment");
        }
    }
}
